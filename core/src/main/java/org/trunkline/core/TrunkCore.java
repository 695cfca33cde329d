package org.trunkline.core;

import java.net.InetAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trunkline.core.call.CallManager;
import org.trunkline.core.call.Router;
import org.trunkline.core.health.OptionsProbe;
import org.trunkline.core.health.TrunkStates;
import org.trunkline.core.health.TrunkStatus;
import org.trunkline.core.ingress.BanList;
import org.trunkline.core.ingress.CrossConnectStage;
import org.trunkline.core.ingress.DigestStage;
import org.trunkline.core.ingress.InDialogStage;
import org.trunkline.core.ingress.Inbound;
import org.trunkline.core.ingress.Ingress;
import org.trunkline.core.ingress.IpPeerStage;
import org.trunkline.core.ingress.RegisterOutStage;
import org.trunkline.core.ingress.RegisteredSourceStage;
import org.trunkline.core.ingress.Verdict;
import org.trunkline.core.registrar.Binding;
import org.trunkline.core.registrar.LocationStore;
import org.trunkline.core.registrar.Registrar;
import org.trunkline.core.registration.OutboundRegistration;
import org.trunkline.core.trace.TraceSink;
import org.trunkline.core.trunk.AddressRange;
import org.trunkline.core.trunk.Trunk;
import org.trunkline.core.trunk.TrunkAccess;
import org.trunkline.core.trunk.TrunksConfig;
import org.trunkline.sip.SipMessage;
import org.trunkline.sip.SipMethod;
import org.trunkline.stack.Answer;
import org.trunkline.stack.BasicUas;
import org.trunkline.stack.SipClient;
import org.trunkline.stack.auth.DigestChallenger;
import org.trunkline.stack.transaction.ClientTransaction;
import org.trunkline.stack.transaction.Peer;
import org.trunkline.stack.transaction.ServerInviteTransaction;
import org.trunkline.stack.transaction.ServerTransaction;
import org.trunkline.stack.transaction.StatelessAnswer;
import org.trunkline.stack.transaction.Transaction;
import org.trunkline.stack.transaction.TransactionUser;

/**
 * The transaction user of the running server: every new request goes through {@link Ingress} to
 * find its trunk; REGISTERs of register-in trunks go to the {@link Registrar}; the rest is answered
 * as {@link BasicUas} says until calls are routed. Owns the trunks' outbound registrations and
 * OPTIONS probes. {@link #apply} swaps the trunk configuration atomically (reload).
 *
 * <p>Called on event loops concurrently; never blocks there.
 */
public final class TrunkCore implements TransactionUser, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TrunkCore.class);

  /** What one configuration makes: its trunks and the pipeline built from them. */
  private record Generation(TrunksConfig config, Ingress ingress) {}

  private final InstantSource clock;
  private final Supplier<SipClient> client;
  private final Registrar registrar;
  private final TrunkStates states;
  private final ScheduledExecutorService timers;
  private final byte[] nonceSecret = new byte[32];

  /**
   * How long a copy of a REGISTER gets the challenge its first copy got: 64*T1 of the stack's
   * transaction timers (Timer F), {@link #timers(Duration)}.
   */
  private volatile long challengeWindowMillis = DigestChallenger.RETRANSMISSION_WINDOW_MILLIS;

  private final Map<String, LongAdder> unknownBySource = Ingress.newSourceCounts();
  private final LongAdder unknownOther = new LongAdder();
  private final LongAdder rejected = new LongAdder();
  private final LongAdder dropped = new LongAdder();

  /** RFC 3262 and RFC 4028 are the calls' ({@link CallManager}): a Require of them is fine. */
  private final BasicUas uas = new BasicUas(List.of("100rel", "timer"));

  private final Map<String, OutboundRegistration> registrations = new HashMap<>();
  private final Map<String, OptionsProbe> probes = new HashMap<>();
  private final CallManager calls;
  private volatile Generation current;
  private boolean started;
  private volatile BanList bans;
  private volatile TraceSink trace = TraceSink.NONE;

  /**
   * @param client the server's request sender (available once the server started)
   */
  public TrunkCore(InstantSource clock, Supplier<SipClient> client, LocationStore store) {
    this.clock = clock;
    this.client = client;
    this.registrar = new Registrar(clock, store);
    this.states = new TrunkStates(clock);
    this.calls = new CallManager(client, registrar::bindings);
    ScheduledThreadPoolExecutor t =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread th = new Thread(r, "trunk-timers");
              th.setDaemon(true);
              return th;
            });
    t.setRemoveOnCancelPolicy(true);
    this.timers = t;
    timers.scheduleWithFixedDelay(registrar::expire, 1, 1, TimeUnit.SECONDS);
    new SecureRandom().nextBytes(nonceSecret);
    current = build(TrunksConfig.EMPTY);
  }

  /**
   * The stack's T1 when it is not RFC 3261's 500 ms (tests, the warm-up): the challenge window
   * follows it. Call before {@link #apply}.
   */
  public void timers(Duration t1) {
    this.challengeWindowMillis = Math.max(1, t1.toMillis() * 64);
  }

  /**
   * Links every call's legs, and each trunk's REGISTER and OPTIONS exchanges, to their trace in
   * {@code trace} (issue 7); call before {@link #startActivities}.
   */
  public void traceSink(TraceSink trace) {
    this.trace = java.util.Objects.requireNonNull(trace, "trace");
    calls.traceSink(trace);
  }

  /** Restores stored bindings; call once before the server starts. */
  public int restore() {
    Generation g = current;
    int registering =
        (int)
            g.config().trunks().stream()
                .filter(t -> t.access() instanceof TrunkAccess.RegisterIn)
                .count();
    return registrar.restore(g.config()::byName, registering);
  }

  /**
   * Applies a (new) trunk configuration: ingress is swapped atomically; registrations and probes of
   * trunks that changed are restarted, those of removed trunks stopped. Call after the server
   * started.
   */
  public synchronized void apply(TrunksConfig config) {
    TrunksConfig old = current.config();
    current = build(config);
    registrar.retain(config::byName);
    for (Trunk t : old.trunks()) {
      if (!config.byName(t.name()).filter(t::equals).isPresent()) {
        if (!started || config.byName(t.name()).isEmpty()) {
          stopActivities(t.name()); // a changed trunk's are restarted below, in order
        }
        states.remove(t.name());
      }
    }
    if (started) {
      for (Trunk t : config.trunks()) {
        if (!old.byName(t.name()).filter(t::equals).isPresent()) {
          startActivities(t);
        }
      }
    }
    LOG.info(
        "{} trunks: {}; ingress stages {}", config.trunks().size(), summary(config), stageNames());
  }

  /** Names every trunk when there are few; counts them by mode when there are many. */
  private static String summary(TrunksConfig config) {
    List<Trunk> trunks = config.trunks();
    if (trunks.size() <= 20) {
      return trunks.stream().map(t -> t.name() + " (" + t.mode().token() + ")").toList().toString();
    }
    Map<String, Integer> byMode = new java.util.TreeMap<>();
    for (Trunk t : trunks) {
      byMode.merge(t.mode().token(), 1, Integer::sum);
    }
    return byMode.toString();
  }

  private List<String> stageNames() {
    return current.ingress().stageNames();
  }

  /** Starts the registrations and probes of every trunk; call once the server listens. */
  public synchronized void startActivities() {
    if (started) {
      return;
    }
    started = true;
    for (Trunk t : current.config().trunks()) {
      startActivities(t);
    }
  }

  private void startActivities(Trunk t) {
    OutboundRegistration before = registrations.get(t.name());
    java.util.concurrent.CompletableFuture<Void> unregistered = stopActivities(t.name());
    if (t.access() instanceof TrunkAccess.RegisterOut) {
      OutboundRegistration r = new OutboundRegistration(t, client.get(), timers, states);
      trace.link(r.callId(), TraceSink.trunk(t.name()));
      registrations.put(t.name(), r);
      // the same contact at the same registrar: our REGISTER waits for the old un-REGISTER
      r.start(
          before != null && before.sameBinding(t)
              ? unregistered
              : java.util.concurrent.CompletableFuture.completedFuture(null));
    }
    if (t.health().isPresent()) {
      OptionsProbe p = new OptionsProbe(t, client.get(), timers, states, trace);
      probes.put(t.name(), p);
      p.start();
    }
  }

  /** Stops a trunk's registration and probe; completes when its un-REGISTER is done (if any). */
  private java.util.concurrent.CompletableFuture<Void> stopActivities(String name) {
    OutboundRegistration r = registrations.remove(name);
    java.util.concurrent.CompletableFuture<Void> unregistered =
        r != null ? r.stop() : java.util.concurrent.CompletableFuture.completedFuture(null);
    OptionsProbe p = probes.remove(name);
    if (p != null) {
      p.stop();
    }
    return unregistered;
  }

  private Generation build(TrunksConfig config) {
    calls.policy(config.calls());
    calls.routing(
        new Router(config),
        t ->
            states
                .get(t.name())
                .map(s -> s.state().equals("down") || s.state().equals("failed"))
                .orElse(false));
    BanList b = bans;
    if (b == null || !config.ingress().ban().equals(current.config().ingress().ban())) {
      b = new BanList(config.ingress().ban(), clock);
      bans = b;
    }
    List<Trunk> trunks = config.trunks();
    Ingress ingress =
        new Ingress(
            List.of(
                new InDialogStage(calls::legTrunk),
                new CrossConnectStage(trunks),
                new IpPeerStage(trunks),
                new RegisteredSourceStage(
                    source -> registrar.trunkRegisteredFrom(source).flatMap(config::byName)),
                // before digest: that stage challenges every INVITE without credentials, so a
                // register-out trunk's calls would get a 407 whenever a register-in trunk exists
                new RegisterOutStage(trunks, this::registrarAddress),
                new DigestStage(
                    trunks,
                    config.ingress().digestAlgorithms(),
                    nonceSecret,
                    clock,
                    b,
                    config.ingress().maxTrackedNonces(),
                    challengeWindowMillis)),
            config.ingress(),
            b,
            unknownBySource,
            unknownOther);
    return new Generation(config, ingress);
  }

  private Optional<InetAddress> registrarAddress(String trunk) {
    OutboundRegistration r;
    synchronized (this) {
      r = registrations.get(trunk);
    }
    return r == null ? Optional.empty() : r.registrarAddress();
  }

  /**
   * RFC 3261 §8.2.7: a REGISTER without credentials is challenged without a server transaction
   * ({@link Ingress#challengeWithoutState}); that halves the transactions of a registration with
   * digest. Everything else opens a transaction and comes to {@link #onRequest}.
   */
  @Override
  public StatelessAnswer answerStateless(SipMessage request, Peer source) {
    if (!request.method().equals(SipMethod.REGISTER)) {
      return null;
    }
    Verdict.Reject r = current.ingress().challengeWithoutState(new Inbound(request, source, true));
    if (r == null) {
      return null;
    }
    rejected.increment();
    if (LOG.isDebugEnabled()) { // why() formats the source: only when it is logged
      LOG.debug("{} {} without a transaction: {}", r.status(), r.reason(), r.why());
    }
    return new StatelessAnswer(r.status(), r.reason(), r.headers());
  }

  @Override
  public void onRequest(ServerTransaction tx, SipMessage request) {
    Generation g = current;
    Verdict v = g.ingress().classify(new Inbound(request, tx.peer()));
    switch (v) {
      case Verdict.Drop d -> {
        dropped.increment();
        LOG.debug("dropped: {}", d.why());
        tx.abandon();
      }
      case Verdict.Reject r -> {
        rejected.increment();
        if (LOG.isDebugEnabled()) { // why() formats the source: only when it is logged
          LOG.debug("{} {}: {}", r.status(), r.reason(), r.why());
        }
        tx.respond(r.status(), r.reason(), r.headers().toArray(String[]::new));
      }
      case Verdict.Identified id -> handle(id, tx, request);
      case Verdict.Local local -> answer(tx, request);
      case Verdict.Continue c -> throw new IllegalStateException("ingress ended in Continue");
    }
  }

  private void handle(Verdict.Identified id, ServerTransaction tx, SipMessage request) {
    Trunk trunk = id.trunk();
    if (LOG.isDebugEnabled()) { // no varargs array per call when off
      LOG.debug("{} from {}: trunk {} by {}", request.method(), tx.peer(), trunk.name(), id.how());
    }
    if (request.method().equals(SipMethod.REGISTER)
        || request.method().equals(SipMethod.OPTIONS) && request.toTag() == null) {
      trace.link(request.callId(), TraceSink.trunk(trunk.name()));
    }
    if (request.method().equals(SipMethod.REGISTER)) {
      Registrar.Reply reply = registrar.register(trunk, request, tx.peer());
      tx.respond(reply.status(), reply.reason(), reply.headers().toArray(String[]::new));
      return;
    }
    if (request.method().equals(SipMethod.INVITE) && request.toTag() == null) {
      Answer a = uas.answer(request, null);
      if (a.status() == 404) {
        // well-formed and acceptable: route it
        calls.invite(trunk, tx, request);
      } else {
        tx.respond(a.status(), a.reason(), a.headers().toArray(String[]::new));
      }
      return;
    }
    if (request.method().equals(SipMethod.BYE) && calls.bye(tx, request)) {
      return;
    }
    if (request.method().equals(SipMethod.PRACK) && calls.prack(tx, request)) {
      return;
    }
    if (request.toTag() != null
        && !request.method().equals(SipMethod.BYE)
        && calls.inDialog(tx, request)) {
      return;
    }
    answer(tx, request);
  }

  /** Answers as the server itself would without calls: OPTIONS 200, INVITE 404, ... */
  private void answer(ServerTransaction tx, SipMessage request) {
    Answer a = uas.answer(request, null);
    if (a.isDrop()) {
      tx.abandon();
      return;
    }
    tx.respond(a.status(), a.reason(), a.headers().toArray(String[]::new));
  }

  @Override
  public void onCancel(ServerTransaction invite, SipMessage cancel) {
    if (!invite.isAnswered()) {
      invite.respond(487, "Request Terminated");
    }
    calls.cancelled(cancel.callId());
  }

  @Override
  public void onAck(ServerTransaction invite, SipMessage ack) {
    calls.ack(ack);
  }

  @Override
  public void onResponse(ClientTransaction tx, SipMessage response) {
    // requests of the core are sent through SipClient, which owns their responses
  }

  @Override
  public void onTimeout(Transaction tx) {
    if (tx instanceof ServerInviteTransaction invite && invite.unackedCallId() != null) {
      // §13.3.1.4: our 2xx to a call's INVITE or re-INVITE got no ACK
      calls.unacked(invite, invite.unackedCallId(), invite.unackedCseq());
    }
  }

  @Override
  public void onTransportError(Transaction tx, String reason) {}

  /** The trunks, routes and policies running now (the last applied config). */
  public TrunksConfig config() {
    return current.config();
  }

  /** Every configured trunk with its state, in file order. */
  public List<TrunkView> trunks() {
    List<TrunkView> out = new ArrayList<>();
    for (Trunk t : current.config().trunks()) {
      out.add(view(t));
    }
    return out;
  }

  private TrunkView view(Trunk t) {
    List<String> endpoints = new ArrayList<>();
    String state;
    String reason;
    java.time.Instant since;
    java.time.Instant reasonAt;
    Optional<TrunkStatus> st = states.get(t.name());
    switch (t.access()) {
      case TrunkAccess.RegisterIn in -> {
        long now = clock.millis();
        List<Binding> bs = registrar.bindings(t.name());
        for (Binding b : bs) {
          endpoints.add(
              b.contact()
                  + " from "
                  + new Peer(b.transport(), b.source())
                  + " expires in "
                  + b.secondsLeft(now)
                  + " s");
        }
        state = bs.isEmpty() ? "unregistered" : "registered";
        reason =
            bs.isEmpty() ? "no contact bound" : bs.size() + " of " + in.maxContacts() + " contacts";
        since = bs.isEmpty() ? null : java.time.Instant.ofEpochMilli(bs.get(0).registeredAt());
        reasonAt = null;
        if (bs.isEmpty()) {
          Optional<Registrar.Unbound> gone = registrar.unbound(t.name());
          if (gone.isPresent()) {
            reason = "no contact bound: " + gone.get().why();
            since = gone.get().at();
            reasonAt = since;
          }
        }
        if (st.isPresent()) {
          // a probed register-in trunk: the probe's state is more telling when it is down
          if (st.get().state().equals("down")) {
            state = "down";
            reason = st.get().reason();
            since = st.get().since();
            reasonAt = st.get().reasonAt();
          }
        }
      }
      case TrunkAccess.RegisterOut out -> {
        endpoints.add("registrar " + out.registrar());
        state = st.map(TrunkStatus::state).orElse("unregistered");
        reason = st.map(TrunkStatus::reason).orElse("");
        since = st.map(TrunkStatus::since).orElse(null);
        reasonAt = st.map(TrunkStatus::reasonAt).orElse(null);
      }
      case TrunkAccess.Ip ip -> {
        ip.peers().stream().map(AddressRange::toString).forEach(endpoints::add);
        state = st.map(TrunkStatus::state).orElse("active");
        reason = st.map(TrunkStatus::reason).orElse("not probed");
        since = st.map(TrunkStatus::since).orElse(null);
        reasonAt = st.map(TrunkStatus::reasonAt).orElse(null);
      }
      case TrunkAccess.CrossConnect xc -> {
        endpoints.add("listen " + xc.listen());
        xc.peers().stream().map(AddressRange::toString).forEach(endpoints::add);
        state = st.map(TrunkStatus::state).orElse("active");
        reason = st.map(TrunkStatus::reason).orElse("not probed");
        since = st.map(TrunkStatus::since).orElse(null);
        reasonAt = st.map(TrunkStatus::reasonAt).orElse(null);
      }
    }
    t.target().ifPresent(target -> endpoints.add("target " + target));
    return new TrunkView(
        t.name(),
        t.mode().token(),
        state,
        reason,
        since,
        reasonAt,
        endpoints,
        calls.active(t.name()));
  }

  /** Counters of ingress: refused, dropped, bans, unknown per source. */
  public Map<String, Long> counters() {
    Map<String, Long> m = new java.util.TreeMap<>();
    m.put("ingress_rejected", rejected.sum());
    m.put("ingress_dropped", dropped.sum());
    m.put("ingress_banned_drops", bans.dropped());
    m.put("ingress_bans", bans.bans());
    m.put("ingress_auth_failures", bans.authFailures());
    long unknown = unknownOther.sum();
    for (LongAdder a : unknownBySource.values()) {
      unknown += a.sum();
    }
    m.put("ingress_unknown", unknown);
    m.put("registrar_bindings", (long) registrar.size());
    m.putAll(calls.counters());
    m.put("registrar_store_pending", registrar.storePending());
    m.put("registrar_store_failed", registrar.storeFailed());
    return m;
  }

  /** The sources banned now (ingress.ban), by IP address, with the end of each ban. */
  public Map<String, java.time.Instant> bannedSources() {
    return bans.bannedUntil();
  }

  /** Unknown-source requests per source IP. */
  public Map<String, Long> unknownBySource() {
    Map<String, Long> m = new java.util.TreeMap<>();
    unknownBySource.forEach((ip, n) -> m.put(ip, n.sum()));
    return m;
  }

  /** Calls in progress and the CDRs of those that ended. */
  public CallManager calls() {
    return calls;
  }

  public Registrar registrar() {
    return registrar;
  }

  @Override
  public synchronized void close() {
    for (String name : List.copyOf(registrations.keySet())) {
      stopActivities(name);
    }
    for (String name : List.copyOf(probes.keySet())) {
      stopActivities(name);
    }
    timers.shutdownNow();
  }
}
