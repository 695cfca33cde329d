package org.trunkline.server.trunks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trunkline.server.TrunklineServer;
import org.trunkline.server.config.ConfigLoader;
import org.trunkline.stack.ListenPoint;
import org.trunkline.stack.transaction.TransactionConfig;

/**
 * With two event loops, a call whose caller and callee are one UDP peer (one 4-tuple, so one of the
 * server's sockets reads everything of it) runs every message of both legs on the loop that read
 * its INVITE, whatever its Call-ID hashes to: no message crosses loops (bench/RESULTS.md, stop 14,
 * branch hand). Before, the A-leg Call-ID's hash chose the loop, and about half the calls crossed
 * for every message.
 *
 * <p>And a call whose callee's 4-tuple hashes to the other socket: the callee's BYE carries our
 * B-leg From tag back in its To, marked with the call's loop, and the kernel gives it to that
 * loop's socket ({@code ReuseportSteering}), so it does not cross loops either (bench/RESULTS.md,
 * stop 15, branch tags).
 */
class CallLoopsEndToEndTest {
  private static final int CALLS = 6;
  private static final int CALLEES = 12;
  private static final String SDP =
      "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
          + "m=audio 40000 RTP/AVP 0\r\n";
  private static final Pattern TO_TAG = Pattern.compile("(?m)^To: .*;tag=([^;\\r\\n>]+)");
  private static final Pattern CONTACT = Pattern.compile("(?m)^Contact: *<([^>]+)>");
  private static final Pattern CALL_ID = Pattern.compile("(?m)^Call-ID: *(\\S+)");
  private static final Pattern TO_LINE = Pattern.compile("(?m)^To: *([^\\r\\n]+)");
  private static final Pattern FROM_LINE = Pattern.compile("(?m)^From: *([^\\r\\n]+)");

  @TempDir Path dir;
  private TrunklineServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void bothLegsOfACallFromOnePeerNeverCrossLoops() throws Exception {
    assumeTrue(io.netty.channel.epoll.Epoll.isAvailable(), "a UDP socket per loop needs epoll");
    try (DatagramSocket peer = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
      peer.setSoTimeout(5000);
      int s = peer.getLocalPort();
      Path file = dir.resolve("trunkline.yaml");
      Files.writeString(
          file,
          "listen:\n"
              + "  - {transport: udp, address: 127.0.0.1, port: 0}\n"
              + "database: {url: \"jdbc:h2:file:"
              + dir.resolve("db")
              + "\"}\n"
              + "api: {enabled: false}\n"
              + "sip: {threads: 2}\n"
              + "trunks:\n"
              + "  - {name: caller, mode: ip, peers: [\"127.0.0.1:"
              + s
              + "\"]}\n"
              + "  - {name: callee, mode: ip, peers: [\"127.0.0.98\"], target: \"sip:127.0.0.1:"
              + s
              + "\", health: off}\n"
              + "routes:\n"
              + "  - {prefix: \"\", trunks: [callee]}\n");
      server =
          TrunklineServer.start(
              ConfigLoader.load(file), Clock.systemUTC(), TransactionConfig.DEFAULT);
      assertThat(server.sip().client().layers()).isEqualTo(2);
      ListenPoint lp = server.listening().getFirst();
      InetSocketAddress sip = new InetSocketAddress(lp.address(), lp.port());
      for (int i = 0; i < CALLS; i++) {
        // Call-IDs of both hash classes: with the hash deciding, some calls would cross
        String callId = callIdHashingTo(i % 2, i);
        call(peer, sip, callId);
      }
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(() ->
              assertThat(server.core().calls().counters())
                  .containsEntry("calls_answered", (long) CALLS)
                  .containsEntry("calls_active", 0L));
      assertThat(server.sip().counters().udpHandoffs.sum()).as("hand-offs").isZero();
    }
  }

  @Test
  void aCalleesByeOfACallOnTheOtherLoopDoesNotHop() throws Exception {
    assumeTrue(io.netty.channel.epoll.Epoll.isAvailable(), "a UDP socket per loop needs epoll");
    List<DatagramSocket> callees = new ArrayList<>();
    try (DatagramSocket caller = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
      caller.setSoTimeout(5000);
      StringBuilder trunks = new StringBuilder();
      StringBuilder routes = new StringBuilder();
      trunks
          .append("  - {name: caller, mode: ip, peers: [\"127.0.0.1:")
          .append(caller.getLocalPort())
          .append("\"]}\n");
      for (int i = 0; i < CALLEES; i++) {
        // one callee socket per call: each 4-tuple hashes to either of the server's sockets
        DatagramSocket e = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        e.setSoTimeout(5000);
        callees.add(e);
        trunks
            .append("  - {name: callee")
            .append(i)
            .append(", mode: ip, peers: [\"127.0.1.")
            .append(i + 1)
            .append("\"], target: \"sip:127.0.0.1:")
            .append(e.getLocalPort())
            .append("\", health: off}\n");
        routes
            .append("  - {prefix: \"+749500")
            .append(10 + i)
            .append("\", trunks: [callee")
            .append(i)
            .append("]}\n");
      }
      Path file = dir.resolve("trunkline.yaml");
      Files.writeString(
          file,
          "listen:\n"
              + "  - {transport: udp, address: 127.0.0.1, port: 0}\n"
              + "database: {url: \"jdbc:h2:file:"
              + dir.resolve("db")
              + "\"}\n"
              + "api: {enabled: false}\n"
              + "sip: {threads: 2}\n"
              + "trunks:\n"
              + trunks
              + "routes:\n"
              + routes);
      server =
          TrunklineServer.start(
              ConfigLoader.load(file), Clock.systemUTC(), TransactionConfig.DEFAULT);
      assertThat(server.sip().client().layers()).isEqualTo(2);
      ListenPoint lp = server.listening().getFirst();
      InetSocketAddress sip = new InetSocketAddress(lp.address(), lp.port());
      for (int i = 0; i < CALLEES; i++) {
        calleeHangsUp(caller, callees.get(i), sip, "+749500" + (10 + i) + "567");
      }
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(() ->
              assertThat(server.core().calls().counters())
                  .containsEntry("calls_answered", (long) CALLEES)
                  .containsEntry("calls_active", 0L));
      // without the mark, each callee's BYE crosses when its 4-tuple hashes to the other socket
      // than the caller's: all 12 on the call's loop by chance is 2^-12
      assertThat(server.sip().counters().udpHandoffs.sum()).as("hand-offs").isZero();
    } finally {
      callees.forEach(DatagramSocket::close);
    }
  }

  /**
   * A call from {@code caller} to {@code number}, answered by {@code callee}, which then hangs up:
   * its BYE is sent to our B-leg Contact with our From tag in its To.
   */
  private static void calleeHangsUp(
      DatagramSocket caller, DatagramSocket callee, InetSocketAddress sip, String number)
      throws Exception {
    int c = caller.getLocalPort();
    int e = callee.getLocalPort();
    String callId = "hangup-" + number;
    String from = "From: <sip:+15551230000@127.0.0.1>;tag=a-" + e + "\r\n";
    String to = "To: <sip:" + number + "@127.0.0.1>";
    send(
        caller,
        sip,
        "INVITE sip:"
            + number
            + "@127.0.0.1 SIP/2.0\r\n"
            + via(c, callId + "-1")
            + "Max-Forwards: 70\r\n"
            + from
            + to
            + "\r\nCall-ID: "
            + callId
            + "\r\nCSeq: 1 INVITE\r\nContact: <sip:caller@127.0.0.1:"
            + c
            + ">\r\nContent-Type: application/sdp\r\nContent-Length: "
            + SDP.length()
            + "\r\n\r\n"
            + SDP);
    String bInvite = receiveUntil(callee, m -> m.startsWith("INVITE "));
    send(callee, sip, answer(bInvite, "200 OK", e, SDP));
    String ok =
        receiveUntil(caller, m -> m.startsWith("SIP/2.0 200 ") && callIdOf(m).equals(callId));
    send(
        caller,
        sip,
        "ACK "
            + group(CONTACT, ok)
            + " SIP/2.0\r\n"
            + via(c, callId + "-2")
            + from
            + to
            + ";tag="
            + group(TO_TAG, ok)
            + "\r\nCall-ID: "
            + callId
            + "\r\nMax-Forwards: 70\r\nCSeq: 1 ACK\r\nContent-Length: 0\r\n\r\n");
    // the callee hangs up: its From is our INVITE's To with its tag, its To our From with ours
    send(
        callee,
        sip,
        "BYE "
            + group(CONTACT, bInvite)
            + " SIP/2.0\r\n"
            + via(e, callId + "-b1")
            + "Max-Forwards: 70\r\n"
            + "From: "
            + group(TO_LINE, bInvite)
            + ";tag=b-leg\r\n"
            + "To: "
            + group(FROM_LINE, bInvite)
            + "\r\nCall-ID: "
            + callIdOf(bInvite)
            + "\r\nCSeq: 1 BYE\r\nContent-Length: 0\r\n\r\n");
    String aBye = receiveUntil(caller, m -> m.startsWith("BYE "));
    send(caller, sip, answer(aBye, "200 OK", c, null));
    receiveUntil(callee, m -> m.startsWith("SIP/2.0 200 ") && m.contains("CSeq: 1 BYE"));
  }

  /** The next datagram on {@code peer} that {@code wanted} accepts; others are skipped. */
  private static String receiveUntil(DatagramSocket peer, Predicate<String> wanted)
      throws Exception {
    String m = receive(peer);
    while (!wanted.test(m)) {
      m = receive(peer);
    }
    return m;
  }

  private static String callIdHashingTo(int loop, int i) {
    for (int n = 0; ; n++) {
      String id = "loops-" + i + "-" + n;
      if (Math.floorMod(id.hashCode(), 2) == loop) {
        return id;
      }
    }
  }

  /** INVITE, answer our own B-leg INVITE 200, ACK, BYE, answer the B-leg BYE: one call. */
  private static void call(DatagramSocket peer, InetSocketAddress sip, String callId)
      throws Exception {
    int s = peer.getLocalPort();
    String sdp =
        "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
            + "m=audio 40000 RTP/AVP 0\r\n";
    String from = "From: <sip:+15551230000@127.0.0.1>;tag=a-" + callId + "\r\n";
    String to = "To: <sip:+74951234567@127.0.0.1>";
    send(
        peer,
        sip,
        "INVITE sip:+74951234567@127.0.0.1 SIP/2.0\r\n"
            + via(s, callId + "-1")
            + "Max-Forwards: 70\r\n"
            + from
            + to
            + "\r\nCall-ID: "
            + callId
            + "\r\nCSeq: 1 INVITE\r\nContact: <sip:caller@127.0.0.1:"
            + s
            + ">\r\nContent-Type: application/sdp\r\nContent-Length: "
            + sdp.length()
            + "\r\n\r\n"
            + sdp);
    String ok = null;
    while (ok == null) {
      String m = receive(peer);
      if (m.startsWith("INVITE ")) {
        send(peer, sip, answer(m, "200 OK", s, sdp));
      } else if (m.startsWith("SIP/2.0 200 ") && callIdOf(m).equals(callId)) {
        ok = m;
      }
    }
    String toTag = group(TO_TAG, ok);
    String target = group(CONTACT, ok);
    String inDialog =
        from + to + ";tag=" + toTag + "\r\nCall-ID: " + callId + "\r\nMax-Forwards: 70\r\n";
    send(
        peer,
        sip,
        "ACK "
            + target
            + " SIP/2.0\r\n"
            + via(s, callId + "-2")
            + inDialog
            + "CSeq: 1 ACK\r\nContent-Length: 0\r\n\r\n");
    send(
        peer,
        sip,
        "BYE "
            + target
            + " SIP/2.0\r\n"
            + via(s, callId + "-3")
            + inDialog
            + "CSeq: 2 BYE\r\nContent-Length: 0\r\n\r\n");
    boolean byeAnswered = false;
    boolean calleeByeSeen = false;
    while (!byeAnswered || !calleeByeSeen) {
      String m = receive(peer);
      if (m.startsWith("BYE ")) {
        send(peer, sip, answer(m, "200 OK", s, null));
        calleeByeSeen = true;
      } else if (m.startsWith("SIP/2.0 200 ")
          && callIdOf(m).equals(callId)
          && m.contains("CSeq: 2 BYE")) {
        byeAnswered = true;
      }
    }
  }

  private static String via(int port, String branch) {
    return "Via: SIP/2.0/UDP 127.0.0.1:" + port + ";branch=z9hG4bK-" + branch + ";rport\r\n";
  }

  /** A response to {@code request} with its Via, From, To (tagged), Call-ID and CSeq. */
  private static String answer(String request, String status, int port, String sdp) {
    StringBuilder r = new StringBuilder("SIP/2.0 ").append(status).append("\r\n");
    for (String line : request.split("\r\n")) {
      if (line.isEmpty()) {
        break;
      }
      if (line.startsWith("Via:")
          || line.startsWith("From:")
          || line.startsWith("Call-ID:")
          || line.startsWith("CSeq:")) {
        r.append(line).append("\r\n");
      } else if (line.startsWith("To:")) {
        r.append(line.contains(";tag=") ? line : line + ";tag=b-leg").append("\r\n");
      }
    }
    r.append("Contact: <sip:callee@127.0.0.1:").append(port).append(">\r\n");
    if (sdp != null) {
      r.append("Content-Type: application/sdp\r\nContent-Length: ")
          .append(sdp.length())
          .append("\r\n\r\n")
          .append(sdp);
    } else {
      r.append("Content-Length: 0\r\n\r\n");
    }
    return r.toString();
  }

  private static String callIdOf(String m) {
    return group(CALL_ID, m);
  }

  private static String group(Pattern p, String m) {
    Matcher x = p.matcher(m);
    assertThat(x.find()).as("%s in %s", p, m).isTrue();
    return x.group(1);
  }

  private static void send(DatagramSocket peer, InetSocketAddress to, String text)
      throws Exception {
    byte[] b = text.getBytes(StandardCharsets.US_ASCII);
    peer.send(new DatagramPacket(b, b.length, to));
  }

  private static String receive(DatagramSocket peer) throws Exception {
    byte[] buf = new byte[65535];
    DatagramPacket p = new DatagramPacket(buf, buf.length);
    peer.receive(p);
    return new String(buf, 0, p.getLength(), StandardCharsets.UTF_8);
  }
}
