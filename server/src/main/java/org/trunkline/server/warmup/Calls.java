package org.trunkline.server.warmup;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.Selector;
import java.util.HashMap;
import java.util.Map;

/**
 * The warm-up's calls: a caller PBX ({@code uac}) sends INVITE with SDP to the server, which routes
 * it to the callee PBX ({@code uas}); the callee answers 180 (or 183 with SDP) and 200 with SDP,
 * the caller ACKs. How a call goes on depends on its {@link Kind}: the caller or the callee hangs
 * up (BYE, 200), the caller cancels it while it rings (CANCEL, 200, 487, ACK), or puts it on hold
 * with a re-INVITE first. Up to {@link #WINDOW} calls at a time.
 */
final class Calls extends Exchanges<Calls.Call> {
  /** Calls in flight at once. */
  static final int WINDOW = 32;

  private final Peer uac;
  private final Peer uas;
  private InetSocketAddress server;
  private int round;

  /** How a call ends, from its number: what a real server sees in every minute of traffic. */
  enum Kind {
    CALLER_BYE,
    CALLEE_BYE,
    CANCEL,
    HOLD_THEN_BYE;

    static Kind of(int n) {
      return switch (n % 6) {
        case 0, 1 -> CALLER_BYE;
        case 2, 3 -> CALLEE_BYE;
        case 4 -> CANCEL;
        default -> HOLD_THEN_BYE;
      };
    }
  }

  /** The callee's INVITEs whose call it ends itself (BYE after the ACK) or expects a CANCEL for. */
  private final Map<String, SipText> calleeWaits = new HashMap<>();

  /** Calls answered, by {@link Kind}. */
  private final int[] byKind = new int[Kind.values().length];

  static final class Call extends Exchanges.Sent {
    final int n;
    final Kind kind;
    boolean hungUp;
    boolean cancelled;
    boolean held;
    String target;

    Call(int n, long sentAt) {
      super(sentAt);
      this.n = n;
      this.kind = Kind.of(n);
    }
  }

  Calls(Selector selector, Peer uac, Peer uas, Failures failures) {
    super(selector, WINDOW, "call without an answer", failures);
    this.uac = uac;
    this.uas = uas;
  }

  /** The server called through from now on (each round runs on a new one). */
  void target(InetSocketAddress server) {
    this.server = server;
  }

  /** Places {@code count} calls; false when {@code deadline} stopped it. */
  boolean place(int count, long deadline) throws IOException {
    round++;
    calleeWaits.clear();
    return run(count, deadline);
  }

  @Override
  void start(int n, long now) throws IOException {
    inFlight.put(callId(n), new Call(n, now));
    uac.send(invite(n), server);
  }

  @Override
  void drain() throws IOException {
    for (Peer.Received r; (r = uas.receive()) != null; ) {
      callee(r.message(), r.from());
    }
    for (Peer.Received r; (r = uac.receive()) != null; ) {
      caller(r.message());
    }
  }

  /** A branch of its own per round, call and request: a reused one is a retransmission. */
  private String branch(int n, String request) {
    return "z9hG4bK-wc" + round + "-" + n + "-" + request;
  }

  /** The call's own Call-ID in three forms and lengths, as different PBXs make them. */
  private String callId(int n) {
    return switch (n % 3) {
      case 0 -> "wc-" + round + "-" + n + "@warmup";
      case 1 -> SipText.hex((long) n * 0x9E3779B97F4A7C15L, 32) + "-" + round + "@127.0.0.1";
      default -> Integer.toHexString(n * 0x45d9f3b) + round + "-" + n;
    };
  }

  private static String number(int n) {
    return "+4930" + SipText.digits(n % 10_000_000, 7);
  }

  private void caller(SipText m) throws IOException {
    if (!m.isResponse()) {
      if (!m.method().equals("ACK")) {
        uac.send(response(m, 200, "OK", uac.port(), 0, false), server);
      }
      Call call = inFlight.get(m.header("Call-ID"));
      if (call != null && call.kind == Kind.CALLEE_BYE && m.method().equals("BYE")) {
        inFlight.remove(m.header("Call-ID"));
        answered(Kind.CALLEE_BYE);
      }
      return;
    }
    Call call = inFlight.get(m.header("Call-ID"));
    int status = m.status();
    if (call == null || status <= 100) {
      return;
    }
    String method = m.cseqMethod();
    if (status < 200) {
      // ringing: a call of the CANCEL kind is cancelled now (the same branch as its INVITE)
      if (call.kind == Kind.CANCEL && !call.cancelled && method.equals("INVITE")) {
        call.cancelled = true;
        call.sentAt = System.nanoTime();
        uac.send(inDialog("CANCEL", call.n, 1, "", branch(call.n, "1"), inviteUri(call.n)), server);
      }
      return;
    }
    if (method.equals("INVITE")) {
      String toTag = SipText.param(m.header("To"), "tag");
      boolean reInvite = m.header("CSeq").startsWith("2 ");
      boolean refused = status >= 300;
      if (!refused) {
        call.target = SipText.uri(m.header("Contact"));
      }
      // the ACK of a refusal is in its INVITE's transaction (the same branch and Request-URI),
      // the ACK of a 200 is a request of its own to the callee's Contact
      String ackBranch = refused ? (reInvite ? "3" : "1") : (reInvite ? "ack2" : "ack");
      String ackUri = refused && !reInvite ? inviteUri(call.n) : call.target;
      uac.send(
          inDialog("ACK", call.n, reInvite ? 2 : 1, toTag, branch(call.n, ackBranch), ackUri),
          server);
      if (refused) {
        inFlight.remove(m.header("Call-ID"));
        if (status == 487 && call.cancelled) {
          answered(Kind.CANCEL);
        } else {
          failed++;
          failures.add("INVITE " + m.startLine().substring(8), 1);
        }
        return;
      }
      String target = call.target;
      if (call.kind == Kind.CALLEE_BYE || call.hungUp || (call.held && !reInvite)) {
        return; // the callee hangs up; or a retransmitted 200, ACKed again
      }
      call.sentAt = System.nanoTime();
      if (call.kind == Kind.HOLD_THEN_BYE && !call.held) {
        call.held = true;
        uac.send(reInvite(call.n, toTag, target), server);
        return;
      }
      call.hungUp = true;
      int cseq = call.held ? 3 : 2;
      uac.send(inDialog("BYE", call.n, cseq, toTag, branch(call.n, "bye"), target), server);
    } else if (method.equals("BYE")) {
      inFlight.remove(m.header("Call-ID"));
      if (status < 300) {
        // a call of the CANCEL kind answered before its CANCEL arrived ends here too
        answered(call.kind == Kind.HOLD_THEN_BYE ? Kind.HOLD_THEN_BYE : Kind.CALLER_BYE);
      } else {
        failed++;
        failures.add("BYE " + m.startLine().substring(8), 1);
      }
    }
  }

  private void answered(Kind kind) {
    ok++;
    byKind[kind.ordinal()]++;
  }

  /** The calls answered by how they went on: {@code CALLER_BYE 40, CALLEE_BYE 40, ...}. */
  String byKind() {
    StringBuilder b = new StringBuilder();
    for (Kind k : Kind.values()) {
      b.append(b.isEmpty() ? "" : ", ").append(k).append(' ').append(byKind[k.ordinal()]);
    }
    return b.toString();
  }

  private void callee(SipText m, SocketAddress from) throws IOException {
    if (m.isResponse()) {
      return;
    }
    String callId = m.header("Call-ID");
    int v = Math.floorMod(callId.hashCode(), 60);
    switch (m.method()) {
      case "ACK" -> {
        SipText invite = calleeWaits.remove(callId);
        if (invite != null) {
          uas.send(calleeBye(invite), from);
        }
      }
      case "INVITE" -> {
        if (!SipText.param(m.header("To"), "tag").isEmpty()) {
          // a re-INVITE putting the call on hold: the answer's SDP in its next version, recvonly
          // (the same lengths: Content-Length stays right)
          uas.send(held(response(m, 200, "OK", uas.port(), v, true), "recvonly"), from);
          return;
        }
        if (v % 5 == 0) {
          uas.send(response(m, 100, "Trying", uas.port(), v, false), from);
        }
        if (v % 4 == 1) {
          uas.send(response(m, 183, "Session Progress", uas.port(), v, true), from);
        } else {
          uas.send(response(m, 180, "Ringing", uas.port(), v, false), from);
        }
        Kind kind = Kind.of(dialed(m.startLine()));
        if (kind == Kind.CANCEL) {
          calleeWaits.put(callId, m); // rings until the CANCEL
          return;
        }
        if (kind == Kind.CALLEE_BYE) {
          calleeWaits.put(callId, m); // hangs up once the caller's ACK is here
        }
        uas.send(response(m, 200, "OK", uas.port(), v, true), from);
      }
      case "CANCEL" -> {
        uas.send(response(m, 200, "OK", uas.port(), v, false), from);
        SipText invite = calleeWaits.remove(callId);
        if (invite != null) {
          uas.send(response(invite, 487, "Request Terminated", uas.port(), v, false), from);
        }
      }
      default -> uas.send(response(m, 200, "OK", uas.port(), v, false), from);
    }
  }

  /** The call number in a Request-URI the server routed ({@code sip:+4930NNNNNNN@...}), or 0. */
  static int dialed(String startLine) {
    int at = startLine.indexOf("+4930");
    int end = startLine.indexOf('@', Math.max(at, 0));
    if (at < 0 || end < 0) {
      return 0;
    }
    try {
      return Integer.parseInt(startLine.substring(at + 5, end));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /** The callee's To tag in the dialog of the server's B-leg with this Call-ID. */
  private static String calleeTag(String callId) {
    return "w" + Integer.toHexString(callId.hashCode());
  }

  /** The callee's BYE in the dialog its 200 made with the server's B-leg. */
  private String calleeBye(SipText invite) {
    String ourTag = calleeTag(invite.header("Call-ID"));
    StringBuilder b = new StringBuilder(512);
    b.append("BYE ").append(SipText.uri(invite.header("Contact"))).append(" SIP/2.0\r\n");
    b.append("Via: SIP/2.0/UDP 127.0.0.1:").append(uas.port());
    b.append(";branch=z9hG4bK-wb").append(Integer.toHexString(ourTag.hashCode())).append("\r\n");
    for (String rr : invite.lines("Record-Route")) {
      b.append("Route").append(rr.substring(rr.indexOf(':'))).append("\r\n");
    }
    b.append("Max-Forwards: 70\r\n");
    b.append("From: ").append(invite.header("To")).append(";tag=").append(ourTag).append("\r\n");
    b.append("To: ").append(invite.header("From")).append("\r\n");
    b.append("Call-ID: ").append(invite.header("Call-ID")).append("\r\n");
    b.append("CSeq: 1 BYE\r\n");
    b.append("Content-Length: 0\r\n\r\n");
    return b.toString();
  }

  /** The caller's re-INVITE putting the call on hold (a=sendonly), CSeq 2. */
  private String reInvite(int n, String toTag, String target) {
    String sdp = held(sdp(uac.port(), variant(n)), "sendonly");
    String head = inDialog("INVITE", n, 2, toTag, branch(n, "3"), target);
    return head.substring(0, head.length() - "Content-Length: 0\r\n\r\n".length())
        + "Contact: <sip:warmup@127.0.0.1:"
        + uac.port()
        + ">\r\nContent-Type: application/sdp\r\nContent-Length: "
        + sdp.length()
        + "\r\n\r\n"
        + sdp;
  }

  private String inviteUri(int n) {
    return "sip:" + number(n) + "@" + server.getHostString() + ":" + server.getPort();
  }

  /** A PBX's make, from the call number: 0..59. */
  private static int variant(int n) {
    return (n * 37) % 60;
  }

  /** An INVITE as PBXs of several makes write it (rport, display name, User-Agent, Allow, SDP). */
  private String invite(int n) {
    String host = "127.0.0.1:" + uac.port();
    String to = number(n);
    int v = variant(n);
    String sdp = sdp(uac.port(), v);
    StringBuilder b = new StringBuilder(1024);
    b.append("INVITE ").append(inviteUri(n)).append(" SIP/2.0\r\n");
    b.append("Via: SIP/2.0/UDP ").append(host).append(";branch=").append(branch(n, "1"));
    b.append(v % 2 == 0 ? ";rport\r\n" : "\r\n");
    b.append("Max-Forwards: 70\r\n");
    b.append("From: ").append(v % 4 == 1 ? "\"Caller " + n + "\" " : "").append("<sip:+4969");
    b.append(SipText.digits(n % 10_000_000, 7)).append("@127.0.0.1>;tag=wc").append(n);
    b.append("\r\n");
    b.append("To: <sip:").append(to).append('@').append(server.getHostString()).append(">\r\n");
    b.append("Call-ID: ").append(callId(n)).append("\r\n");
    b.append("CSeq: 1 INVITE\r\n");
    if (v % 5 == 3) {
      b.append("Contact: sip:warmup@").append(host).append("\r\n"); // without angle brackets
    } else {
      b.append("Contact: <sip:warmup@").append(host).append(v % 3 == 2 ? ";transport=udp>" : ">");
      b.append("\r\n");
    }
    if (v % 4 != 3) {
      b.append("User-Agent: trunkline-warmup/").append(v).append("\r\n");
    }
    if (v % 3 == 0) {
      b.append("Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, UPDATE, PRACK, REFER\r\n");
      b.append("Supported: timer, replaces\r\n");
    }
    b.append("Content-Type: application/sdp\r\n");
    b.append("Content-Length: ").append(sdp.length()).append("\r\n\r\n").append(sdp);
    return b.toString();
  }

  private String inDialog(
      String method, int n, int cseq, String toTag, String branch, String requestUri) {
    String to = number(n);
    return method
        + " "
        + requestUri
        + " SIP/2.0\r\n"
        + "Via: SIP/2.0/UDP 127.0.0.1:"
        + uac.port()
        + ";branch="
        + branch
        + ";rport\r\n"
        + "Max-Forwards: 70\r\n"
        + "From: <sip:+4969"
        + SipText.digits(n % 10_000_000, 7)
        + "@127.0.0.1>;tag=wc"
        + n
        + "\r\n"
        + "To: <sip:"
        + to
        + "@"
        + server.getHostString()
        + ">"
        + (toTag.isEmpty() ? "" : ";tag=" + toTag)
        + "\r\n"
        + "Call-ID: "
        + callId(n)
        + "\r\n"
        + "CSeq: "
        + cseq
        + " "
        + method
        + "\r\n"
        + "Content-Length: 0\r\n\r\n";
  }

  /** A response as the callee's make writes it (Contact transport, Server header). */
  private static String response(
      SipText request, int status, String reason, int port, int v, boolean withSdp) {
    StringBuilder b = new StringBuilder(768);
    b.append("SIP/2.0 ").append(status).append(' ').append(reason).append("\r\n");
    for (String via : request.lines("Via")) {
      b.append(via).append("\r\n");
    }
    b.append(request.lines("From").get(0)).append("\r\n");
    String to = request.lines("To").get(0);
    b.append(to);
    if (status > 100 && SipText.param(request.header("To"), "tag").isEmpty()) {
      b.append(";tag=").append(calleeTag(request.header("Call-ID")));
    }
    b.append("\r\n");
    b.append(request.lines("Call-ID").get(0)).append("\r\n");
    b.append(request.lines("CSeq").get(0)).append("\r\n");
    if (status > 100) {
      b.append("Contact: <sip:warmup@127.0.0.1:").append(port);
      b.append(v % 3 == 1 ? ";transport=UDP>\r\n" : ">\r\n");
    }
    if (v % 4 == 2) {
      b.append("Server: trunkline-warmup/").append(v).append("\r\n");
    }
    if (withSdp) {
      String sdp = sdp(port, v);
      b.append("Content-Type: application/sdp\r\nContent-Length: ")
          .append(sdp.length())
          .append("\r\n\r\n")
          .append(sdp);
    } else {
      b.append("Content-Length: 0\r\n\r\n");
    }
    return b.toString();
  }

  /**
   * {@code sdp} (or a message with it) in its next version with {@code direction} instead of
   * sendrecv: the offer or answer of a hold. Both are as long as before, so a Content-Length stays
   * right.
   */
  private static String held(String sdp, String direction) {
    return sdp.replace(" 1 IN IP4", " 2 IN IP4").replace("a=sendrecv", "a=" + direction);
  }

  private static String sdp(int port, int v) {
    int media = port % 2 == 0 ? port : port + 1;
    return "v=0\r\n"
        + "o=warmup "
        + (1000 + v)
        + " 1 IN IP4 127.0.0.1\r\n"
        + "s=-\r\n"
        + "c=IN IP4 127.0.0.1\r\n"
        + "t=0 0\r\n"
        + (v % 3 == 0
            ? "m=audio " + media + " RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n"
            : "m=audio "
                + media
                + " RTP/AVP 8 0 101\r\n"
                + "a=rtpmap:8 PCMA/8000\r\n"
                + "a=rtpmap:0 PCMU/8000\r\n"
                + "a=rtpmap:101 telephone-event/8000\r\n"
                + "a=fmtp:101 0-16\r\n"
                + (v % 2 == 0 ? "a=ptime:20\r\n" : ""))
        + "a=sendrecv\r\n";
  }
}
