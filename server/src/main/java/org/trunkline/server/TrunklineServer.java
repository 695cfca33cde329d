package org.trunkline.server;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trunkline.core.TrunkCore;
import org.trunkline.media.MediaRelay;
import org.trunkline.server.api.AdminApi;
import org.trunkline.server.config.TrunklineConfig;
import org.trunkline.server.storage.Database;
import org.trunkline.server.storage.DatabaseException;
import org.trunkline.server.storage.TraceStore;
import org.trunkline.server.trace.HepSender;
import org.trunkline.sip.ParseLimits;
import org.trunkline.stack.ListenPoint;
import org.trunkline.stack.SipServer;
import org.trunkline.stack.StreamTimeouts;
import org.trunkline.stack.transaction.TransactionConfig;

/**
 * A running Trunkline node: the database, then the SIP listeners. {@link #start} brings both up or
 * neither; {@link #close} takes them down in reverse order.
 *
 * <p>Start and close are called from the launching thread and the shutdown hook; close is
 * idempotent and safe from either.
 */
public final class TrunklineServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TrunklineServer.class);

  private final String nodeId;
  private final Database database;
  private final SipServer sip;
  private final TrunkCore core;
  private final List<ListenPoint> listening;
  private final AtomicBoolean closed = new AtomicBoolean();
  private AdminApi admin;
  private MediaRelay relay;

  private final TraceStore traces;

  private TrunklineServer(
      String nodeId,
      Database database,
      SipServer sip,
      TrunkCore core,
      List<ListenPoint> listening,
      TraceStore traces) {
    this.traces = traces;
    this.nodeId = nodeId;
    this.database = database;
    this.sip = sip;
    this.core = core;
    this.listening = List.copyOf(listening);
  }

  /**
   * Opens the database, binds every listen point and records the node's start.
   *
   * @throws StartupException with one line naming what failed; nothing stays open then
   */
  public static TrunklineServer start(TrunklineConfig config, Clock clock) throws StartupException {
    return start(config, clock, TransactionConfig.DEFAULT);
  }

  /**
   * Like {@link #start(TrunklineConfig, Clock)} with other transaction timers (tests shorten T1 so
   * that a silent peer times out in a second).
   */
  public static TrunklineServer start(TrunklineConfig config, Clock clock, TransactionConfig timers)
      throws StartupException {
    return start(config, clock, timers, () -> {});
  }

  /**
   * Like {@link #start(TrunklineConfig, Clock)}, running {@code beforeListening} once the database
   * and the trace store are open and before the trunks are applied and the listen points bound
   * ({@code trunkline run}'s warm-up: a database that cannot open is said at once, not after it).
   */
  public static TrunklineServer start(
      TrunklineConfig config, Clock clock, TransactionConfig timers, Runnable beforeListening)
      throws StartupException {
    // Until the config names nodes, each process is a node of its own.
    String nodeId = UUID.randomUUID().toString();
    Database database;
    try {
      database = Database.open(config.database());
    } catch (DatabaseException e) {
      throw new StartupException(e.getMessage(), e);
    }
    List<ListenPoint> points = config.listenPoints();
    SipServer sip = new SipServer(points, ParseLimits.DEFAULT, StreamTimeouts.DEFAULT, timers);
    if (config.sip().threads() > 0) {
      sip.threads(config.sip().threads());
    }
    sip.callsOnReadingLoop(config.sip().callsOnReadingLoop());
    TrunkCore core = new TrunkCore(clock, sip::client, database.locationStore());
    core.timers(timers.t1());
    sip.transactionUser(core);
    core.calls().cdrSink(database.cdrStore());
    TraceStore traces = null;
    HepSender hep = null;
    if (config.traces().enabled()) {
      try {
        TraceStore.Forward forward = null;
        if (config.traces().hep() != null) {
          hep = new HepSender(config.traces().hep()).start();
          forward = new TraceStore.Forward(hep::offer, hep::counters, hep::close);
          log.info("SIP traces streamed as HEPv3 to {}", config.traces().hep().collector());
        }
        traces = TraceStore.open(config.traces(), clock, database, forward);
      } catch (java.io.IOException | RuntimeException e) {
        if (hep != null) {
          hep.close();
        }
        database.close();
        throw new StartupException(
            "cannot open the trace directory "
                + TraceStore.directory(config.traces(), database)
                + ": "
                + e,
            e);
      }
      sip.traceTap(traces);
      core.traceSink(traces);
    }
    MediaRelay relay = config.media().map(MediaRelay::new).orElse(null);
    core.calls().media(relay, config.mediaPolicy().endSilentCalls());
    try {
      beforeListening.run();
      core.apply(config.trunks());
      int restored = core.restore();
      List<ListenPoint> listening = bound(points, sip.start());
      core.startActivities();
      database.recordStart(nodeId, Version.current(), clock.instant());
      log.info(
          "node {} started, Trunkline {}, {} registered contacts restored",
          nodeId,
          Version.current(),
          restored);
      TrunklineServer server = new TrunklineServer(nodeId, database, sip, core, listening, traces);
      server.relay = relay;
      server.admin = AdminApi.start(config, server);
      return server;
    } catch (StartupException e) {
      core.close();
      closeQuietly(sip, relay, database, traces);
      throw e;
    } catch (IOException e) {
      core.close();
      closeQuietly(sip, relay, database, traces);
      throw new StartupException(BindFailure.describe(points, e), e);
    } catch (DatabaseException e) {
      core.close();
      closeQuietly(sip, relay, database, traces);
      throw new StartupException(e.getMessage(), e);
    } catch (RuntimeException e) {
      core.close();
      closeQuietly(sip, relay, database, traces);
      throw new StartupException("cannot start SIP server: " + e, e);
    }
  }

  /** The listen points as bound: ports resolved where the config asked for port 0. */
  private static List<ListenPoint> bound(List<ListenPoint> asked, List<InetSocketAddress> bound) {
    if (bound.size() != asked.size()) {
      throw new IllegalStateException(
          "SipServer bound " + bound.size() + " addresses for " + asked.size() + " listen points");
    }
    List<ListenPoint> result = new ArrayList<>();
    for (int i = 0; i < asked.size(); i++) {
      InetSocketAddress address = bound.get(i);
      String host =
          address.getAddress() != null
              ? Addresses.text(address.getAddress())
              : address.getHostString();
      ListenPoint a = asked.get(i);
      result.add(
          new ListenPoint(
              a.name(),
              a.transport(),
              host,
              address.getPort(),
              a.tls(),
              a.maxConnectionsPerSource()));
    }
    return result;
  }

  /** The listen points actually bound, in config order. */
  public List<ListenPoint> listening() {
    return listening;
  }

  public String nodeId() {
    return nodeId;
  }

  /** The trunks and their states. */
  public TrunkCore core() {
    return core;
  }

  /** The trace store, when {@code traces.enabled} (queries for the API, counters). */
  public java.util.Optional<TraceStore> traces() {
    return java.util.Optional.ofNullable(traces);
  }

  /** The database (CDR queries for the API). */
  public Database database() {
    return database;
  }

  /** Reload and the admin HTTP API. */
  public AdminApi admin() {
    return admin;
  }

  /** The RTP relay, when the config has a media section. */
  public java.util.Optional<MediaRelay> media() {
    return java.util.Optional.ofNullable(relay);
  }

  /** The SIP stack (counters, client). */
  public SipServer sip() {
    return sip;
  }

  /** Stops SIP first so nothing new arrives, then closes the database. Idempotent. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      if (admin != null) {
        admin.close();
      }
      core.close();
      closeQuietly(sip, relay, database, traces);
      log.info("node {} stopped", nodeId);
    }
  }

  private static void closeQuietly(
      SipServer sip, MediaRelay relay, Database database, TraceStore traces) {
    try {
      sip.close();
    } catch (RuntimeException e) {
      log.warn("closing the SIP server failed", e);
    }
    if (relay != null) {
      try {
        relay.close(); // before the database: closed sessions still end in CDRs
      } catch (RuntimeException e) {
        log.warn("closing the media relay failed", e);
      }
    }
    if (traces != null) {
      traces.close();
    }
    database.close();
  }
}
