package org.trunkline.stack;

import io.netty.util.concurrent.EventExecutor;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trunkline.sip.SipMessage;
import org.trunkline.sip.SipMethod;
import org.trunkline.sip.SipUri;
import org.trunkline.sip.UriParser;
import org.trunkline.stack.auth.AuthAttempt;
import org.trunkline.stack.auth.AuthorizationLine;
import org.trunkline.stack.auth.ChallengeAnswer;
import org.trunkline.stack.auth.DigestAnswerer;
import org.trunkline.stack.dns.Failover;
import org.trunkline.stack.dns.SipResolver;
import org.trunkline.stack.dns.Target;
import org.trunkline.stack.transaction.ByteText;
import org.trunkline.stack.transaction.ClientTransaction;
import org.trunkline.stack.transaction.Peer;
import org.trunkline.stack.transaction.ServerTransaction;
import org.trunkline.stack.transaction.Transaction;
import org.trunkline.stack.transaction.TransactionLayer;
import org.trunkline.stack.transaction.TransactionUser;

/**
 * Sends requests on the server's own behalf (registrations, probes, later B-legs) and completes
 * with their final outcome: it writes the Via and CSeq of each attempt, finds the targets (a fixed
 * peer, or RFC 3263 DNS with failover on timeout, transport error and 503), and answers 401/407
 * with the request's credentials once per challenge ({@link AuthAttempt}: never loops on a wrong
 * password).
 *
 * <p>Each request runs on the event loop of the transaction layer that owns its Call-ID ({@link
 * #loopOf}), the same loop its responses are handled on; the returned future completes there.
 * Thread-safe.
 */
public final class SipClient {
  private static final Logger LOG = LoggerFactory.getLogger(SipClient.class);

  /**
   * Written in From or a header line of an {@link OutboundRequest}, stands for the {@code
   * host:port} of the socket the attempt leaves from (e.g. {@code Contact: <sip:u@{local}>}).
   */
  public static final String LOCAL = "{local}";

  private final List<TransactionLayer> layers;
  private final List<EventExecutor> loops;
  private final CallLoops owners;
  private final ViaAddresses via;
  private final Function<EventExecutor, SipResolver> resolvers;

  /** The address to write in the Via of a request to a peer (§18.1.1: the sending socket's). */
  @FunctionalInterface
  interface ViaAddresses {
    /**
     * @return the local address for {@code transport} (from {@code listenPoint} when named), or
     *     null when the server has no socket for it
     */
    InetSocketAddress forPeer(Transport transport, String listenPoint);
  }

  SipClient(
      List<TransactionLayer> layers,
      List<EventExecutor> loops,
      CallLoops owners,
      ViaAddresses via,
      Function<EventExecutor, SipResolver> resolvers) {
    this.layers = List.copyOf(layers);
    this.loops = List.copyOf(loops);
    this.owners = owners;
    this.via = via;
    this.resolvers = resolvers;
  }

  /**
   * The local address requests to {@code transport} leave from (the named listen point's, else the
   * first of that transport), for Via and Contact; null when the server has no such socket.
   */
  public InetSocketAddress localAddress(Transport transport, String listenPoint) {
    return via.forPeer(transport, listenPoint);
  }

  /**
   * The peers for a request to {@code uri} (RFC 3263), best first, completed on {@code loop}'s
   * thread when it is one of the server's event loops. Fails with the resolver's reason.
   */
  public CompletableFuture<List<Peer>> resolve(String uri, String listenPoint, EventExecutor loop) {
    SipUri target;
    try {
      target = targetUri(uri);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    return resolvers
        .apply(loop)
        .resolve(target)
        .thenApply(ts -> {
          List<Peer> peers = new ArrayList<>();
          for (Target t : ts) {
            transport(t).ifPresent(tr -> peers.add(new Peer(tr, t.address(), listenPoint)));
          }
          return peers;
        });
  }

  /**
   * The event loop of the transaction layer {@code callId} belongs to: the one recorded for it (the
   * loop that read a call's INVITE, {@link #keep}), else the one its hash picks.
   */
  public EventExecutor loopOf(String callId) {
    return loops.get(owners.ownerOf(callId));
  }

  /**
   * The event loop {@code callId} hashes to: where it belongs when nothing is recorded for it (a
   * B-leg Call-ID chosen to hash to its call's loop needs no record).
   */
  public EventExecutor hashLoopOf(String callId) {
    return hashLoopOf(callId.hashCode());
  }

  /**
   * {@link #hashLoopOf(String)} of a Call-ID whose {@link String#hashCode} is {@code callIdHash}:
   * for a transaction user that picks a Call-ID by its hash before it makes the String.
   */
  public EventExecutor hashLoopOf(int callIdHash) {
    return loops.get(Math.floorMod(callIdHash, layers.size()));
  }

  /**
   * On the event loop of a call: every message with {@code callId} runs on this loop, from wherever
   * it comes, until {@link #release}. For the transaction user, when a call starts and for each
   * B-leg's Call-ID.
   */
  public void keep(String callId) {
    if (layers.size() > 1) {
      owners.keep(callId);
    }
  }

  /** On the event loop of a call that ended: undoes {@link #keep} (after 64*T1 at most). */
  public void release(String callId) {
    if (layers.size() > 1) {
      owners.release(callId);
    }
  }

  /** How many transaction layers (event loops) there are. */
  public int layers() {
    return layers.size();
  }

  /** Sends {@code request}; the future never fails, failures are {@link ClientResult}s. */
  public CompletableFuture<ClientResult> send(OutboundRequest request) {
    int i = owners.ownerOf(request.callId());
    CompletableFuture<ClientResult> result = new CompletableFuture<>();
    Exchange x = new Exchange(request, layers.get(i), loops.get(i), result);
    if (loops.get(i).inEventLoop()) {
      x.start();
    } else {
      loops.get(i).execute(x::start);
    }
    return result;
  }

  /** One request and its retries; confined to its layer's loop. */
  private final class Exchange implements TransactionUser {
    private final OutboundRequest request;
    private final TransactionLayer layer;
    private final EventExecutor loop;
    private final CompletableFuture<ClientResult> result;
    private final AuthAttempt auth;
    private Failover failover;
    private Peer peer;
    private long cseq;
    private List<AuthorizationLine> authLines = List.of();
    private ClientTransaction current;
    private SipMethod method;

    /** The UDP peer this attempt left for TCP because of its size (§18.1.1), else null. */
    private Peer sizeSwitched;

    /** TCP failed after a size switch: stay on UDP. */
    private boolean udpOnly;

    Exchange(
        OutboundRequest request,
        TransactionLayer layer,
        EventExecutor loop,
        CompletableFuture<ClientResult> result) {
      this.request = request;
      this.layer = layer;
      this.loop = loop;
      this.result = result;
      this.cseq = request.cseq();
      this.auth =
          request.credentials() == null
              ? null
              : new DigestAnswerer(request.credentials()).newAttempt();
    }

    void start() {
      String bad = unwritable(request);
      if (bad != null) {
        finish(503, "Service Unavailable", null, "cannot send: " + bad);
        return;
      }
      method = SipMethod.valueOf(request.method());
      try {
        if (request.destination() != null) {
          failover = Failover.over(List.of());
          peer = request.destination();
          if (request.listenPoint() != null) {
            peer = peer.via(request.listenPoint());
          }
          attempt();
          return;
        }
        SipUri uri = targetUri(request.target());
        resolvers
            .apply(loop)
            .resolve(uri)
            .whenComplete((targets, e) -> {
              if (e != null) {
                Throwable cause = e instanceof CompletionException c ? c.getCause() : e;
                finish(
                    503,
                    "Service Unavailable",
                    null,
                    "cannot resolve " + uri + ": " + cause.getMessage());
                return;
              }
              List<Target> usable = new ArrayList<>();
              for (Target t : targets) {
                if (transport(t).isPresent()) {
                  usable.add(t);
                }
              }
              failover = Failover.over(usable);
              nextTarget("no usable target for " + uri + " (resolved " + targets + ")");
            });
      } catch (RuntimeException e) {
        LOG.warn("{} {}: {}", request.method(), request.requestUri(), e.toString());
        finish(503, "Service Unavailable", null, e.getMessage());
      }
    }

    private void nextTarget(String whenNone) {
      Optional<Target> t = failover.next();
      if (t.isEmpty()) {
        finish(
            peer == null ? 503 : lastLocalStatus,
            peer == null ? "Service Unavailable" : lastLocalReason,
            null,
            failover.tried() == 0 ? whenNone : failover.summary());
        return;
      }
      peer = new Peer(transport(t.get()).orElseThrow(), t.get().address(), request.listenPoint());
      attempt();
    }

    private int lastLocalStatus = 503;
    private String lastLocalReason = "Service Unavailable";

    private void attempt() {
      InetSocketAddress local = via.forPeer(peer.transport(), request.listenPoint());
      if (local == null) {
        failed(503, "Service Unavailable", "no " + peer.transport() + " listen point to send from");
        return;
      }
      String branch = layer.newBranch();
      byte[] bytes = write(local, branch);
      if (peer.transport() == Transport.UDP
          && bytes.length > MAX_UDP_REQUEST
          && !udpOnly
          && request.destination() == null
          && !explicitTransport(request.target())) {
        // §18.1.1: a request over 1300 bytes (path MTU unknown) goes over TCP unless the
        // transport was asked for; if TCP cannot connect, it is retried over UDP once
        InetSocketAddress tcpLocal = via.forPeer(Transport.TCP, request.listenPoint());
        if (tcpLocal != null) {
          sizeSwitched = peer;
          peer = new Peer(Transport.TCP, peer.address(), peer.listenPoint());
          bytes = write(tcpLocal, branch);
        }
      }
      try {
        // written here whole, with its method, CSeq method and branch known: not parsed again
        current = layer.sendRequest(bytes, method, branch, peer, this);
      } catch (IllegalArgumentException e) {
        finish(503, "Service Unavailable", null, "cannot send: " + e.getMessage());
      }
    }

    private byte[] write(InetSocketAddress local, String branch) {
      return SipClient.write(request, peer.transport(), hostPort(local), branch, cseq, authLines);
    }

    @Override
    public void onResponse(ClientTransaction tx, SipMessage response) {
      int status = response.status();
      if (tx != current || status < 200 || result.isDone()) {
        return;
      }
      if ((status == 401 || status == 407) && auth != null) {
        ChallengeAnswer a = auth.answer(response, request.method(), request.requestUri());
        if (a instanceof ChallengeAnswer.Retry retry) {
          authLines = retry.lines();
          cseq++;
          attempt();
          return;
        }
        finish(
            status,
            response.reason(),
            response,
            status + " from " + peer + ": " + ((ChallengeAnswer.GiveUp) a).reason());
        return;
      }
      if (Failover.failsOver(status) && failover.hasNext()) {
        failover.failed(String.valueOf(status));
        lastLocalStatus = status;
        lastLocalReason = response.reason();
        nextTarget("");
        return;
      }
      finish(status, response.reason(), response, status + " from " + peerText(peer));
    }

    @Override
    public void onTimeout(Transaction tx) {
      if (tx == current) {
        failed(408, "Request Timeout", "timeout");
      }
    }

    @Override
    public void onTransportError(Transaction tx, String reason) {
      if (tx == current && sizeSwitched != null) {
        LOG.debug(
            "{} over TCP to {} failed ({}); retrying over UDP", request.method(), peer, reason);
        peer = sizeSwitched;
        sizeSwitched = null;
        udpOnly = true;
        attempt();
        return;
      }
      if (tx == current) {
        failed(503, "Service Unavailable", "transport error: " + reason);
      }
    }

    private void failed(int status, String reason, String what) {
      if (failover.hasNext()) {
        failover.failed(what);
        lastLocalStatus = status;
        lastLocalReason = reason;
        nextTarget("");
        return;
      }
      String detail = what + " from " + peer;
      if (failover.tried() > 1) {
        failover.failed(what);
        detail = what + " (" + failover.summary() + ")";
      }
      finish(status, reason, null, detail);
    }

    private void finish(int status, String reason, SipMessage response, String detail) {
      result.complete(new ClientResult(status, reason, response, peer, cseq, detail));
    }

    @Override
    public void onRequest(ServerTransaction tx, SipMessage r) {
      throw new IllegalStateException("a client exchange got a server transaction");
    }
  }

  /**
   * Why {@code r} cannot be written as a request, or null: what the layer's parse of the written
   * request caught before SipClient stopped parsing what it writes (a method that is no token, an
   * empty or multi-line start line or header value). Header lines are checked by {@link
   * OutboundRequest} itself.
   */
  static String unwritable(OutboundRequest r) {
    if (!isToken(r.method())) {
      return "method is not a token: " + r.method();
    }
    if (r.method().equals("ACK")) {
      return "an ACK has no client transaction; use sendStateless";
    }
    String bad = oneLine("Request-URI", r.requestUri());
    bad = bad != null ? bad : oneLine("From", r.from());
    bad = bad != null ? bad : oneLine("To", r.to());
    bad = bad != null ? bad : oneLine("Call-ID", r.callId());
    if (bad != null) {
      return bad;
    }
    if (r.requestUri().indexOf(' ') >= 0 || r.callId().indexOf(' ') >= 0) {
      return "Request-URI or Call-ID with a space: " + r.requestUri() + ", " + r.callId();
    }
    return null;
  }

  /**
   * The bytes of one attempt of {@code r}: its lines with our Via ({@code branch}, sent-by {@code
   * hostPort}), Max-Forwards, CSeq {@code cseq}, the credentials' lines, User-Agent, Content-Type
   * and Content-Length, then the body; {@link #LOCAL} in From and in the header lines becomes
   * {@code hostPort}. Written as UTF-8 straight into one array of the exact size (no StringBuilder,
   * String and encoded copy of it per request).
   */
  static byte[] write(
      OutboundRequest r,
      Transport transport,
      String hostPort,
      String branch,
      long cseq,
      List<AuthorizationLine> authLines) {
    ByteText out = ByteText.scratch();
    out.text(r.method()).ascii(" ").text(r.requestUri()).ascii(" SIP/2.0").crlf();
    out.ascii("Via: SIP/2.0/").ascii(transport.name()).ascii(" ").text(hostPort);
    out.ascii(";branch=").text(branch).ascii(";rport").crlf();
    out.ascii("Max-Forwards: 70").crlf();
    local(out.ascii("From: "), r.from(), hostPort).crlf();
    out.ascii("To: ").text(r.to()).crlf();
    out.ascii("Call-ID: ").text(r.callId()).crlf();
    out.ascii("CSeq: ").number(cseq).ascii(" ").text(r.method()).crlf();
    for (String h : r.headers()) {
      local(out, h, hostPort).crlf();
    }
    for (AuthorizationLine a : authLines) {
      out.text(a.name().name()).ascii(": ").text(a.value()).crlf();
    }
    out.ascii("User-Agent: ").text(org.trunkline.stack.transaction.Responses.SERVER).crlf();
    if (r.contentType() != null) {
      out.ascii("Content-Type: ").text(r.contentType()).crlf();
    }
    out.ascii("Content-Length: ").number(r.body().length).crlf().crlf();
    return r.body().length == 0 ? out.toArray() : out.toArray(r.body());
  }

  /** {@code s} with every {@link #LOCAL} written as {@code hostPort}. */
  private static ByteText local(ByteText out, String s, String hostPort) {
    int from = 0;
    for (int at = s.indexOf(LOCAL); at >= 0; at = s.indexOf(LOCAL, from)) {
      out.text(s, from, at).text(hostPort);
      from = at + LOCAL.length();
    }
    return out.text(s, from, s.length());
  }

  /** Why a value that must be one non-empty line is not, or null. */
  private static String oneLine(String what, String v) {
    if (v.isBlank() || v.indexOf('\r') >= 0 || v.indexOf('\n') >= 0) {
      return what + " is empty or has CR/LF: " + v;
    }
    return null;
  }

  /** RFC 3261 §25.1 token characters. */
  private static boolean isToken(String s) {
    if (s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9')
          && "-.!%*_+`'~".indexOf(c) < 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * {@code peer} as text for a result's detail, made once per peer (formatting an address costs
   * more than the rest of a 200's handling in SipClient); at most {@link #PEER_TEXTS} kept.
   */
  private String peerText(Peer peer) {
    String s = peerTexts.get(peer);
    if (s == null) {
      if (peerTexts.size() >= PEER_TEXTS) {
        peerTexts.clear();
      }
      s = peer.toString();
      peerTexts.put(peer, s);
    }
    return s;
  }

  private static final int PEER_TEXTS = 1024;
  private final java.util.Map<Peer, String> peerTexts =
      new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * The sent-by of a Via from {@code local} ({@code host:port}, an IPv6 host in brackets): made
   * once per local address (a listen point's), not per request.
   */
  private String hostPort(InetSocketAddress local) {
    String s = hostPorts.get(local);
    if (s == null) {
      String host = local.getAddress().getHostAddress();
      s = (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + local.getPort();
      hostPorts.put(local, s);
    }
    return s;
  }

  /** {@link #hostPort} by local address; as many entries as listen points. */
  private final java.util.Map<InetSocketAddress, String> hostPorts =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** §18.1.1: requests larger than this go over TCP when the path MTU is not known. */
  static final int MAX_UDP_REQUEST = 1300;

  private static boolean explicitTransport(String target) {
    try {
      return targetUri(target).param("transport") != null;
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static SipUri targetUri(String target) {
    var parsed = UriParser.parse(target);
    if (parsed instanceof SipUri s) {
      return s;
    }
    throw new IllegalArgumentException("target is not a sip: or sips: URI: " + target);
  }

  private static Optional<Transport> transport(Target t) {
    for (Transport tr : Transport.values()) {
      if (tr.name().equals(t.transport().name())) {
        return Optional.of(tr);
      }
    }
    return Optional.empty();
  }
}
