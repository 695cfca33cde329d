package org.trunkline.core.call;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trunkline.core.registrar.Binding;
import org.trunkline.core.trace.TraceSink;
import org.trunkline.core.trunk.Trunk;
import org.trunkline.core.trunk.TrunkAccess;
import org.trunkline.sip.SipMessage;
import org.trunkline.sip.SipMethod;
import org.trunkline.sip.SipUri;
import org.trunkline.sip.UriParser;
import org.trunkline.stack.SipClient;
import org.trunkline.stack.transaction.Peer;
import org.trunkline.stack.transaction.ServerTransaction;

/**
 * The calls in progress and the ones that ended: routes each new INVITE ({@link Router}), starts
 * its {@link Call}, finds in-dialog BYEs and CANCELs their call, and keeps the last {@link
 * #MAX_CDRS} CDRs in memory for the API. Thread-safe: each call lives on its own loop; the maps are
 * concurrent.
 */
public final class CallManager {
  private static final Logger LOG = LoggerFactory.getLogger(CallManager.class);

  /** CDRs kept in memory (the newest). */
  public static final int MAX_CDRS = 10_000;

  private final Supplier<SipClient> client;
  private final Function<String, List<Binding>> bindings;
  private final Map<String, Call> byCallId = new ConcurrentHashMap<>();
  private final Recent<Cdr> cdrs = new Recent<>(MAX_CDRS);
  private final LongAdder started = new LongAdder();
  private final LongAdder answered = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private volatile Router router;
  private volatile Predicate<Trunk> down = t -> false;
  private volatile List<org.trunkline.sip.HeaderName> passHeaders =
      headerNames(org.trunkline.core.trunk.CallPolicy.DEFAULT_PASS_HEADERS);
  private volatile CdrSink sink = CdrSink.NONE;
  private volatile TraceSink trace = TraceSink.NONE;
  private final TrunkLimits limits = new TrunkLimits(System::currentTimeMillis);

  /**
   * Our local addresses as Via and Contact write them ({@code host:port}), and our Contact line per
   * transport: a few entries (one per listen socket), made once instead of once per message.
   */
  private final Map<InetSocketAddress, String> hostPorts = new ConcurrentHashMap<>();

  /**
   * Trunk targets whose host is an IP address, and where they resolved to (RFC 3263 §4.2: a numeric
   * host is used as it is, no DNS, so the answer never changes): each call to them skips the
   * resolver. Keyed by target URI and listen point; bounded, as reloads may bring new targets.
   */
  private final Map<String, Peer> numericTargets = new ConcurrentHashMap<>();

  private static final int MAX_NUMERIC_TARGETS = 10_000;

  private final List<Map<InetSocketAddress, String>> contactLines =
      java.util.stream.Stream.of(org.trunkline.stack.Transport.values())
          .<Map<InetSocketAddress, String>>map(t -> new ConcurrentHashMap<>())
          .toList();

  /**
   * @param bindings the live registrations of a register-in trunk, oldest first
   */
  public CallManager(Supplier<SipClient> client, Function<String, List<Binding>> bindings) {
    this.client = client;
    this.bindings = bindings;
  }

  /** Sends every CDR to {@code sink} too (the database), besides the in-memory list. */
  public void cdrSink(CdrSink sink) {
    this.sink = java.util.Objects.requireNonNull(sink, "sink");
  }

  /** Links each leg's Call-ID to its call's id (the CDR id) in {@code trace} (issue 7). */
  public void traceSink(TraceSink trace) {
    this.trace = java.util.Objects.requireNonNull(trace, "trace");
  }

  /**
   * The RTP relay for calls whose trunks relay media (issue 8), and whether a relayed call whose
   * media went silent is hung up. Without it every call's SDP passes through.
   */
  public void media(org.trunkline.media.MediaRelay relay, boolean hangUpSilent) {
    this.relay = relay;
    this.hangUpSilent = hangUpSilent;
  }

  private volatile org.trunkline.media.MediaRelay relay;
  private volatile boolean hangUpSilent = true;

  /** Uses new routes and trunks (reload); calls in progress keep theirs. */
  public void routing(Router router, Predicate<Trunk> down) {
    this.router = router;
    this.down = down;
  }

  /** The headers that cross from caller to callee and the global limits (reload). */
  public void policy(org.trunkline.core.trunk.CallPolicy policy) {
    this.passHeaders = headerNames(policy.passHeaders());
    this.policy = policy;
  }

  private volatile org.trunkline.core.trunk.CallPolicy policy =
      org.trunkline.core.trunk.CallPolicy.DEFAULT;

  /** The names looked up once per policy, not once per name and INVITE. */
  private static List<org.trunkline.sip.HeaderName> headerNames(List<String> names) {
    return names.stream().map(org.trunkline.sip.HeaderName::of).toList();
  }

  /** A new INVITE from {@code from} (already through ingress and the basic checks). */
  public void invite(Trunk from, ServerTransaction tx, SipMessage invite) {
    String calledDialed = calledNumber(invite);
    String callerDialed = callerNumber(invite);
    String number = from.numbering().in(calledDialed);
    String caller = from.numbering().in(callerDialed);
    if (number == null) {
      tx.respond(
          404,
          "No number in the Request-URI",
          Q850.reasonHeader(Q850.NO_ROUTE, "no number in the Request-URI"));
      return;
    }
    String callId = invite.callId();
    if (byCallId.containsKey(callId)) {
      // RFC 3261 §8.2.2.2: a new INVITE with the Call-ID of a call in progress: one of our own
      // B-legs came back (a route loops through us), or a merged request
      LOG.info("loop: INVITE {} from trunk {} is a call in progress", callId, from.name());
      refused(
          from, tx, invite, caller, callerDialed, number, calledDialed, 482, "loop detected", 25);
      tx.respond(482, "Loop Detected", Q850.reasonHeader(Q850.forStatus(482), "loop detected"));
      return;
    }
    org.trunkline.core.trunk.CallPolicy timers = policy;
    SessionExpires.Uas session =
        SessionExpires.asUas(invite, timers.sessionExpires(), timers.minSe());
    if (session instanceof SessionExpires.TooSmall small) {
      // RFC 4028 §9: refused before anything is routed; the caller tries again with our Min-SE
      refused(
          from,
          tx,
          invite,
          caller,
          callerDialed,
          number,
          calledDialed,
          422,
          "session interval below Min-SE " + small.minSe(),
          Q850.forStatus(422));
      tx.respond(422, "Session Interval Too Small", "Min-SE: " + small.minSe());
      return;
    }
    Router r = router;
    Optional<Router.Routing> routing = r == null ? Optional.empty() : r.route(number, from, down);
    if (routing.isEmpty()) {
      LOG.debug("no route for {} from trunk {}", number, from.name());
      refused(
          from,
          tx,
          invite,
          caller,
          callerDialed,
          number,
          calledDialed,
          404,
          "no route to " + number,
          Q850.NO_ROUTE);
      tx.respond(
          404, "No route to " + number, Q850.reasonHeader(Q850.NO_ROUTE, "no route to " + number));
      return;
    }
    org.trunkline.core.trunk.CallPolicy p = policy;
    String refused = limits.acquireServer(p.maxChannels(), p.maxCps());
    if (refused == null) {
      refused = limits.acquire(from, TrunkLimits.Direction.IN);
      if (refused != null) {
        limits.releaseServer();
      }
    }
    if (refused != null) {
      LOG.debug("refused a call to {}: {}", number, refused);
      refused(
          from,
          tx,
          invite,
          caller,
          callerDialed,
          number,
          calledDialed,
          p.limitStatus(),
          refused,
          Q850.NO_CIRCUIT);
      tx.respond(
          p.limitStatus(),
          refused.startsWith("the server")
              ? "Server at its limit"
              : "Trunk " + from.name() + " at its limit",
          Q850.reasonHeader(Q850.NO_CIRCUIT, refused));
      return;
    }
    String id = Long.toString(ThreadLocalRandom.current().nextLong() >>> 1, 36);
    Call call =
        new Call(
            id,
            new Env(id),
            tx,
            invite,
            from,
            number,
            caller,
            callerDialed,
            calledDialed,
            routing.get(),
            session);
    byCallId.put(callId, call);
    // every message of the call runs on this loop, whichever socket reads it
    client.get().keep(callId);
    trace.link(callId, id);
    started.increment();
    if (LOG.isDebugEnabled()) { // no varargs array per call when off
      LOG.debug("call {}: {} from trunk {} by {}", id, number, from.name(), routing.get().how());
    }
    call.next();
  }

  /** The CDR of a call refused before any trunk was tried (no route, a limit). */
  private void refused(
      Trunk from,
      ServerTransaction tx,
      SipMessage invite,
      String caller,
      String callerDialed,
      String number,
      String calledDialed,
      int status,
      String why,
      int cause) {
    failed.increment();
    java.time.Instant now = java.time.Instant.now();
    String id = Long.toString(ThreadLocalRandom.current().nextLong() >>> 1, 36);
    trace.link(invite.callId(), id);
    store(
        new Cdr(
            id,
            from.name(),
            "",
            caller == null ? "anonymous" : caller,
            number,
            invite.callId(),
            "",
            now,
            null,
            now,
            status,
            why,
            "",
            callerDialed == null ? "" : callerDialed,
            calledDialed == null ? "" : calledDialed,
            "",
            null,
            cause,
            ""));
  }

  private void store(Cdr cdr) {
    try {
      sink.write(cdr);
    } catch (RuntimeException e) {
      LOG.error("call {}: CDR not stored: {}", cdr.id(), e.toString());
    }
    cdrs.add(cdr); // on an event loop: no lock (Recent)
  }

  /**
   * A CANCEL matched a pending INVITE (and the INVITE was answered 487): cancels the B-leg of the
   * call with that INVITE's Call-ID (a CANCEL has its INVITE's Call-ID, §9.1).
   */
  public void cancelled(String callId) {
    Call call = byCallId.get(callId);
    if (call != null) {
      call.cancelled();
    }
  }

  /**
   * A BYE: ends its call and forwards it to the other side.
   *
   * @return false when it belongs to no call (the caller answers 481)
   */
  public boolean bye(ServerTransaction tx, SipMessage bye) {
    String callId = bye.callId(); // a new String each time it is asked
    Call call = byCallId.get(callId);
    if (call == null || !call.isAnswered()) {
      return false;
    }
    call.bye(tx, callId.equals(call.aCallId()));
    return true;
  }

  /**
   * An ACK of a call's 2xx from the caller or the callee (it may carry the answer to a late offer:
   * the callee's in its 2xx to our INVITE, or either side's in its 2xx to a re-INVITE without a
   * body).
   */
  public void ack(SipMessage ack) {
    String callId = ack.callId();
    Call call = byCallId.get(callId);
    if (call == null) {
      return;
    }
    if (callId.equals(call.aCallId())) {
      call.ackFromCaller(ack);
    } else {
      call.ackOfLateReInvite(ack, false);
    }
  }

  /**
   * Our 2xx to a call's INVITE or re-INVITE was never ACKed within 64*T1: the call ends (RFC 3261
   * §13.3.1.4).
   */
  public void unacked(ServerTransaction tx, String callId, long cseq) {
    Call call = byCallId.get(callId);
    if (call != null) {
      call.unacked(tx, cseq, callId.equals(call.aCallId()));
    }
  }

  /**
   * A PRACK (RFC 3262) in a call: the caller's acknowledges a reliable provisional of its call
   * (else 481); the callee's is answered 481 (it is never relayed).
   *
   * @return false when it belongs to no call (the caller answers 481)
   */
  public boolean prack(ServerTransaction tx, SipMessage prack) {
    Call call = byCallId.get(prack.callId());
    if (call == null) {
      return false;
    }
    if (!prack.callId().equals(call.aCallId())) {
      // we never send the callee a reliable provisional: nothing for its PRACK to acknowledge
      tx.respond(481, "Call/Transaction Does Not Exist");
      return true;
    }
    call.prack(tx, prack);
    return true;
  }

  /**
   * A request inside a call's dialog other than BYE, ACK and CANCEL: relayed to the other side.
   * Before the answer, an UPDATE crosses the early dialogs (RFC 3311 §5.1).
   *
   * @return false when it belongs to no answered call (the caller answers 481)
   */
  public boolean inDialog(ServerTransaction tx, SipMessage req) {
    String callId = req.callId();
    Call call = byCallId.get(callId);
    if (call == null) {
      return false;
    }
    boolean fromCaller = callId.equals(call.aCallId());
    if (!call.isAnswered()
        && !(req.method().equals(SipMethod.UPDATE) && call.inEarlyDialog(callId))) {
      return false;
    }
    call.inDialog(tx, req, fromCaller);
    return true;
  }

  /**
   * The trunk of the leg of a call in progress with {@code callId}, when {@code source} has that
   * leg's peer IP address; for ingress of in-dialog requests.
   */
  public Optional<Trunk> legTrunk(String callId, InetSocketAddress source) {
    Call call = byCallId.get(callId);
    return call == null ? Optional.empty() : call.legTrunk(callId, source);
  }

  /** Calls in progress on {@code trunk}, in either direction (its channels in use). */
  public int active(String trunk) {
    return limits.inUse(trunk);
  }

  /** The newest CDRs first, at most {@code limit}. */
  public List<Cdr> cdrs(int limit) {
    return List.copyOf(cdrs.newest(limit));
  }

  /** calls_started, calls_answered, calls_failed, calls_active. */
  public Map<String, Long> counters() {
    return Map.of(
        "calls_started", started.sum(),
        "calls_answered", answered.sum(),
        "calls_failed", failed.sum(),
        "calls_active", (long) byCallId.values().stream().distinct().count());
  }

  /** The user part of the From URI, or null. */
  static String callerNumber(SipMessage invite) {
    try {
      return invite.from() != null && invite.from().uri() instanceof SipUri u ? u.user() : null;
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** The user part of the Request-URI, visual separators removed; null when there is none. */
  static String calledNumber(SipMessage invite) {
    if (!(invite.requestUri() instanceof SipUri uri) || uri.user() == null) {
      return null;
    }
    String user = uri.userDecoded();
    int semi = user.indexOf(';');
    if (semi >= 0) {
      user = user.substring(0, semi);
    }
    return withoutSeparators(user);
  }

  /** {@code s} without the visual separators {@code - . ( )} and space (RFC 3966 §5.1.1). */
  private static final byte[] CALL_ID_SUFFIX = "@trunkline".getBytes(StandardCharsets.ISO_8859_1);

  /** 13 base-36 digits hold 63 bits. */
  static final int CALL_ID_MAX = 13 + CALL_ID_SUFFIX.length;

  /**
   * Writes the Call-ID {@code Long.toString(n, 36) + "@trunkline"} ({@code n >= 0}) into {@code id}
   * from its start, as Latin-1 bytes.
   *
   * @return its length
   */
  static int writeCallId(long n, byte[] id) {
    int digits = 1;
    for (long d = n; d >= 36; d /= 36) {
      digits++;
    }
    for (int i = digits - 1; i >= 0; i--) {
      int d = (int) (n % 36);
      id[i] = (byte) (d < 10 ? '0' + d : 'a' + d - 10);
      n /= 36;
    }
    System.arraycopy(CALL_ID_SUFFIX, 0, id, digits, CALL_ID_SUFFIX.length);
    return digits + CALL_ID_SUFFIX.length;
  }

  /** {@link String#hashCode} of the Latin-1 text in {@code b[0, n)}. */
  static int latin1Hash(byte[] b, int n) {
    int h = 0;
    for (int i = 0; i < n; i++) {
      h = 31 * h + (b[i] & 0xff);
    }
    return h;
  }

  static String withoutSeparators(String s) {
    int i = 0;
    while (i < s.length() && !isSeparator(s.charAt(i))) {
      i++;
    }
    if (i == s.length()) {
      return s; // the usual case: nothing to take out, no copy
    }
    StringBuilder sb = new StringBuilder(s.length()).append(s, 0, i);
    for (; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!isSeparator(c)) {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  private static boolean isSeparator(char c) {
    return c == '-' || c == '.' || c == '(' || c == ')' || c == ' ';
  }

  private final class Env implements Call.Env {
    /** The call's id, the correlation id of its trace. */
    private final String id;

    Env(String id) {
      this.id = id;
    }

    @Override
    public String acquire(Trunk trunk) {
      return limits.acquire(trunk, TrunkLimits.Direction.OUT);
    }

    @Override
    public void release(Trunk trunk) {
      limits.release(trunk, TrunkLimits.Direction.OUT);
    }

    @Override
    public void target(
        Trunk trunk,
        String ourNumber,
        String ourCaller,
        String loopCallId,
        Consumer<Call.Target> then) {
      SipClient c = client.get();
      String number = trunk.numbering().out(ourNumber);
      String caller = trunk.numbering().out(ourCaller);
      switch (trunk.access()) {
        case TrunkAccess.RegisterIn in -> {
          List<Binding> bs = bindings.apply(trunk.name());
          if (bs.isEmpty()) {
            then.accept(null);
            return;
          }
          Binding b = bs.get(bs.size() - 1);
          String host = hostOf(b.contact());
          then.accept(
              new Call.Target(
                  b.contact(),
                  "sip:" + number + "@" + host,
                  new Peer(b.transport(), b.source(), b.listenPoint()),
                  caller));
        }
        default -> {
          String listen =
              trunk.access() instanceof TrunkAccess.CrossConnect xc ? xc.listen() : null;
          String target =
              trunk
                  .target()
                  .orElse(
                      trunk.access() instanceof TrunkAccess.RegisterOut out
                          ? out.registrar()
                          : null);
          if (target == null) {
            then.accept(null);
            return;
          }
          String ruri = withUser(target, number);
          String key = listen == null ? target : target + "\n" + listen;
          Peer known = numericTargets.get(key);
          if (known != null) {
            then.accept(new Call.Target(ruri, ruri, known, caller));
            return;
          }
          c.resolve(target, listen, c.loopOf(loopCallId))
              .whenComplete((peers, e) -> {
                if (e != null || peers.isEmpty()) {
                  LOG.info("trunk {}: cannot resolve {}: {}", trunk.name(), target, e);
                  then.accept(null);
                } else {
                  if (hasNumericHost(target) && numericTargets.size() < MAX_NUMERIC_TARGETS) {
                    numericTargets.put(key, peers.get(0));
                  }
                  then.accept(new Call.Target(ruri, ruri, peers.get(0), caller));
                }
              });
        }
      }
    }

    @Override
    public String newCallId(String sameLoopAs) {
      SipClient c = client.get();
      var loop = c.loopOf(sameLoopAs);
      // the candidates written and hashed as bytes: only the one kept becomes a String (issue 6)
      byte[] id = new byte[CALL_ID_MAX];
      while (true) {
        int n = writeCallId(ThreadLocalRandom.current().nextLong() >>> 1, id);
        if (c.hashLoopOf(latin1Hash(id, n)) == loop) { // found without a record after release()
          return new String(id, 0, n, StandardCharsets.ISO_8859_1);
        }
      }
    }

    @Override
    public List<org.trunkline.sip.HeaderName> passHeaders() {
      return passHeaders;
    }

    @Override
    public java.time.Duration dialogCheck() {
      return policy.dialogCheck();
    }

    @Override
    public int sessionExpires() {
      return policy.sessionExpires();
    }

    @Override
    public int minSe() {
      return policy.minSe();
    }

    @Override
    public int limitStatus() {
      return policy.limitStatus();
    }

    @Override
    public org.trunkline.media.MediaRelay relay() {
      return relay;
    }

    @Override
    public boolean hangUpSilent() {
      return hangUpSilent;
    }

    @Override
    public void bLeg(Call call, String callId) {
      byCallId.put(callId, call);
      // hashes here anyway (newCallId); kept so that our own INVITE coming back cannot claim it
      client.get().keep(callId);
      trace.link(callId, id);
    }

    @Override
    public String localHost(Peer peer) {
      InetSocketAddress a = client.get().localAddress(peer.transport(), peer.listenPoint());
      return a == null ? null : hostPorts.computeIfAbsent(a, CallManager::hostPort);
    }

    @Override
    public String contactLine(Peer peer) {
      InetSocketAddress a = client.get().localAddress(peer.transport(), peer.listenPoint());
      if (a == null) {
        return null;
      }
      return contactLines
          .get(peer.transport().ordinal())
          .computeIfAbsent(
              a, k -> "Contact: <sip:trunkline@" + hostPort(k) + Call.transportParam(peer) + ">");
    }

    @Override
    public void ended(Call call, Cdr cdr) {
      SipClient c = client.get();
      byCallId.remove(call.aCallId(), call);
      c.release(call.aCallId());
      for (String b : call.bCallIds()) {
        byCallId.remove(b, call);
        c.release(b);
      }
      limits.release(call.from(), TrunkLimits.Direction.IN);
      limits.releaseServer();
      (cdr.answer() != null ? answered : failed).increment();
      store(cdr);
      if (LOG.isDebugEnabled()) { // no varargs array per call when off
        LOG.debug(
            "call {} ended: {} -> {} via {}: {} {} ({})",
            cdr.id(),
            cdr.fromTrunk(),
            cdr.called(),
            cdr.toTrunk(),
            cdr.status(),
            cdr.reason(),
            cdr.attempts());
      }
    }
  }

  /** {@code host:port} of a local address, an IPv6 host in brackets (RFC 3261 §25.1). */
  static String hostPort(InetSocketAddress a) {
    String h = a.getAddress().getHostAddress();
    return (h.indexOf(':') >= 0 ? "[" + h + "]" : h) + ":" + a.getPort();
  }

  private static String withUser(String target, String number) {
    try {
      SipUri u = (SipUri) UriParser.parse(target);
      String rest = target.substring(target.indexOf(':') + 1);
      if (u.user() != null) {
        rest = rest.substring(rest.indexOf('@') + 1);
      }
      return u.scheme() + ":" + number + "@" + rest;
    } catch (RuntimeException e) {
      return target;
    }
  }

  /** Whether the host of the SIP URI {@code target} is an IPv4 or IPv6 address (not a name). */
  static boolean hasNumericHost(String target) {
    String host;
    try {
      host = ((SipUri) UriParser.parse(target)).host();
    } catch (RuntimeException e) {
      return false;
    }
    if (host.startsWith("[")) {
      return true; // an IPv6 reference (RFC 3261 §25.1)
    }
    int dots = 0;
    for (int i = 0; i < host.length(); i++) {
      char ch = host.charAt(i);
      if (ch == '.') {
        dots++;
      } else if (ch < '0' || ch > '9') {
        return false;
      }
    }
    return dots == 3;
  }

  private static String hostOf(String contact) {
    try {
      SipUri u = (SipUri) UriParser.parse(contact);
      return u.port() > 0 ? u.host() + ":" + u.port() : u.host();
    } catch (RuntimeException e) {
      return "invalid";
    }
  }
}
