package org.trunkline.server.warmup;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.Selector;

/**
 * The warm-up's calls: a caller PBX ({@code uac}) sends INVITE with SDP to the server, which routes
 * it to the callee PBX ({@code uas}); the callee answers 180 and 200 with SDP, the caller ACKs and
 * hangs up at once (BYE, 200). Up to {@link #WINDOW} calls at a time.
 */
final class Calls extends Exchanges<Calls.Call> {
  /** Calls in flight at once. */
  static final int WINDOW = 32;

  private final Peer uac;
  private final Peer uas;
  private InetSocketAddress server;
  private int round;

  static final class Call extends Exchanges.Sent {
    final int n;
    boolean hungUp;

    Call(int n, long sentAt) {
      super(sentAt);
      this.n = n;
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
      return;
    }
    Call call = inFlight.get(m.header("Call-ID"));
    int status = m.status();
    if (call == null || status < 200) {
      return;
    }
    String method = m.cseqMethod();
    if (method.equals("INVITE")) {
      String toTag = SipText.param(m.header("To"), "tag");
      if (status >= 300) {
        uac.send(inDialog("ACK", call.n, 1, toTag, branch(call.n, "1"), inviteUri(call.n)), server);
        inFlight.remove(m.header("Call-ID"));
        failed++;
        failures.add("INVITE " + m.startLine().substring(8), 1);
        return;
      }
      String target = SipText.uri(m.header("Contact"));
      uac.send(inDialog("ACK", call.n, 1, toTag, branch(call.n, "ack"), target), server);
      if (!call.hungUp) {
        call.hungUp = true;
        call.sentAt = System.nanoTime();
        uac.send(inDialog("BYE", call.n, 2, toTag, branch(call.n, "2"), target), server);
      }
    } else if (method.equals("BYE")) {
      inFlight.remove(m.header("Call-ID"));
      if (status < 300) {
        ok++;
      } else {
        failed++;
        failures.add("BYE " + m.startLine().substring(8), 1);
      }
    }
  }

  private void callee(SipText m, SocketAddress from) throws IOException {
    if (m.isResponse()) {
      return;
    }
    int v = Math.floorMod(m.header("Call-ID").hashCode(), 60);
    switch (m.method()) {
      case "ACK" -> {}
      case "INVITE" -> {
        if (v % 5 == 0) {
          uas.send(response(m, 100, "Trying", uas.port(), v, false), from);
        }
        if (v % 4 == 1) {
          uas.send(response(m, 183, "Session Progress", uas.port(), v, true), from);
        } else {
          uas.send(response(m, 180, "Ringing", uas.port(), v, false), from);
        }
        uas.send(response(m, 200, "OK", uas.port(), v, true), from);
      }
      default -> uas.send(response(m, 200, "OK", uas.port(), v, false), from);
    }
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
      b.append(";tag=w").append(Integer.toHexString(request.header("Call-ID").hashCode()));
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
