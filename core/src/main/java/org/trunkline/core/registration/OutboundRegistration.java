package org.trunkline.core.registration;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trunkline.core.health.TrunkStates;
import org.trunkline.core.ingress.RegisterOutStage;
import org.trunkline.core.trunk.Trunk;
import org.trunkline.core.trunk.TrunkAccess;
import org.trunkline.sip.HeaderName;
import org.trunkline.sip.NameAddress;
import org.trunkline.sip.SipMessage;
import org.trunkline.sip.SipUri;
import org.trunkline.sip.UriParser;
import org.trunkline.stack.ClientResult;
import org.trunkline.stack.OutboundRequest;
import org.trunkline.stack.SipClient;
import org.trunkline.stack.auth.ClientCredentials;

/**
 * Our registration to a {@code register-out} trunk's PBX: registers at start, refreshes before
 * expiry (at 85% of the granted time), answers 401/407 (through {@link SipClient}), takes a 423's
 * Min-Expires, and on failure retries with exponential backoff and ±20% jitter from {@code
 * retry-min} up to {@code retry-max}. A 403 or 404 is not hammered: the next try waits {@code
 * retry-max}. The state says what happened and when ({@code failed: 403 Forbidden from
 * udp:192.0.2.1:5060}). The Contact carries {@code ;line=TRUNK} so the PBX's calls name the trunk.
 *
 * <p>Its methods run on the timer thread and on event loops; state is guarded by {@code this}.
 */
public final class OutboundRegistration {
  private static final Logger LOG = LoggerFactory.getLogger(OutboundRegistration.class);

  /** Consecutive 423s we follow before calling it a failure (a registrar that keeps raising). */
  static final int MAX_423 = 3;

  private final Trunk trunk;
  private final TrunkAccess.RegisterOut access;
  private final SipClient client;
  private final ScheduledExecutorService timers;
  private final TrunkStates states;
  private final String callId;
  private final String fromTag;
  private long cseq = 1;
  private int expires;
  private int failures;
  private int tooBrief;
  private boolean stopped;

  /** Whether a registrar has ever accepted our contact: only then is there a binding to remove. */
  private boolean bound;

  private volatile InetAddress registrarAddress;
  private ScheduledFuture<?> next;

  public OutboundRegistration(
      Trunk trunk, SipClient client, ScheduledExecutorService timers, TrunkStates states) {
    this.trunk = trunk;
    this.access = (TrunkAccess.RegisterOut) trunk.access();
    this.client = client;
    this.timers = timers;
    this.states = states;
    this.expires = access.expires();
    long r = ThreadLocalRandom.current().nextLong() >>> 1;
    this.callId = "reg-" + trunk.name() + "-" + Long.toString(r, 36) + "@trunkline";
    this.fromTag = Long.toString(r >>> 7, 36);
  }

  /** The Call-ID of every REGISTER this registration sends (RFC 3261 §10.2.4: the same one). */
  public String callId() {
    return callId;
  }

  public synchronized void start() {
    start(CompletableFuture.completedFuture(null));
  }

  /**
   * Starts registering once {@code after} completes (the removal of the same contact by the
   * registration this one replaces: a registrar that got that un-REGISTER after our REGISTER would
   * drop our new binding, RFC 3261 §10.3).
   */
  public synchronized void start(CompletableFuture<?> after) {
    if (stopped) {
      return;
    }
    states.set(trunk.name(), "registering", "REGISTER to " + access.registrar());
    after.whenComplete((v, e) -> schedule(0));
  }

  /**
   * Stops refreshing and, when a registrar holds our contact, unregisters it (best effort).
   *
   * @return completes when the un-REGISTER is answered or given up, at once when there is none
   */
  public synchronized CompletableFuture<Void> stop() {
    stopped = true;
    if (next != null) {
      next.cancel(false);
    }
    if (!bound) {
      return CompletableFuture.completedFuture(null);
    }
    return client.send(request(0)).handle((r, e) -> null);
  }

  /** Whether {@code other} registers the same contact at the same registrar as this one. */
  public boolean sameBinding(Trunk other) {
    return other.access() instanceof TrunkAccess.RegisterOut o
        && o.registrar().equals(access.registrar())
        && o.username().equals(access.username())
        && other.name().equals(trunk.name());
  }

  /** The address our last registration was answered from, for ingress. */
  public Optional<InetAddress> registrarAddress() {
    return Optional.ofNullable(registrarAddress);
  }

  private synchronized void schedule(long millis) {
    if (!stopped) {
      next = timers.schedule(this::register, millis, TimeUnit.MILLISECONDS);
    }
  }

  private synchronized void register() {
    if (stopped) {
      return;
    }
    OutboundRequest r = request(expires);
    client.send(r).whenComplete((res, e) -> done(res));
  }

  private OutboundRequest request(int seconds) {
    String aor = aor();
    OutboundRequest r =
        new OutboundRequest(
            "REGISTER",
            access.registrar(),
            "<" + aor + ">;tag=" + fromTag,
            "<" + aor + ">",
            callId,
            cseq,
            List.of(
                "Contact: <sip:"
                    + access.username()
                    + "@"
                    + SipClient.LOCAL
                    + ";"
                    + RegisterOutStage.LINE_PARAM
                    + "="
                    + trunk.name()
                    + ">",
                "Expires: " + seconds),
            null,
            null,
            null,
            access.registrar(),
            ClientCredentials.of(access.authUsername(), access.password()),
            null);
    return r;
  }

  /** {@code sip:USER@HOST} where HOST is the registrar's (RFC 3261 §10.2: To and From). */
  private String aor() {
    SipUri uri = (SipUri) UriParser.parse(access.registrar());
    return (uri.secure() ? "sips:" : "sip:") + access.username() + "@" + uri.host();
  }

  private synchronized void done(ClientResult res) {
    if (stopped || res == null) {
      return;
    }
    cseq = res.cseq() + 1;
    int status = res.status();
    String from = res.peer() == null ? "" : " from " + res.peer();
    if (res.isSuccess()) {
      bound = true;
      failures = 0;
      tooBrief = 0;
      registrarAddress = res.peer().address().getAddress();
      int granted = granted(res.response());
      states.set(
          trunk.name(),
          "registered",
          status + " " + res.reason() + from + ", expires in " + granted + " s");
      schedule(Math.max(1000L, granted * 850L));
      return;
    }
    if (status == 423 && res.response() != null && ++tooBrief <= MAX_423) {
      String min = res.response().header(HeaderName.MIN_EXPIRES);
      try {
        int wanted = Integer.parseInt(min.strip());
        if (wanted > expires) {
          LOG.info(
              "trunk {}: registrar wants Min-Expires {} (asked {})", trunk.name(), wanted, expires);
          expires = wanted;
          schedule(0);
          return;
        }
      } catch (RuntimeException e) {
        // no usable Min-Expires: a failure like any other
      }
    }
    failures++;
    long wait;
    if (status == 403 || status == 404) {
      // refused outright: do not hammer
      wait = access.retryMax().toMillis();
    } else {
      long base = access.retryMin().toMillis() << Math.min(failures - 1, 20);
      wait = Math.min(access.retryMax().toMillis(), base);
      wait = (long) (wait * (0.8 + 0.4 * ThreadLocalRandom.current().nextDouble()));
    }
    states.set(
        trunk.name(),
        "failed",
        res.received() ? status + " " + res.reason() + from + detail(res) : res.toString());
    LOG.info("trunk {}: registration failed ({}), next try in {} ms", trunk.name(), res, wait);
    schedule(wait);
  }

  private static String detail(ClientResult res) {
    return res.status() == 401 || res.status() == 407 ? " (" + res.detail() + ")" : "";
  }

  /** The expiry the registrar granted to our contact (§10.2.4), else what we asked. */
  private int granted(SipMessage ok) {
    try {
      for (NameAddress c : ok.contacts()) {
        if (c.uri() instanceof SipUri u
            && trunk.name().equals(u.param(RegisterOutStage.LINE_PARAM))) {
          String e = c.param("expires");
          if (e != null) {
            return Integer.parseInt(e.strip());
          }
        }
      }
      String h = ok.header(HeaderName.EXPIRES);
      if (h != null) {
        return Integer.parseInt(h.strip());
      }
    } catch (RuntimeException e) {
      // fall through
    }
    return expires;
  }
}
