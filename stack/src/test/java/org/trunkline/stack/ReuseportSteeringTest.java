package org.trunkline.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.trunkline.stack.transaction.Peer;

/**
 * The kernel gives a response to the socket of the loop that sent its request ({@link
 * ReuseportSteering}): the program, run here by a small classic-BPF interpreter, returns the loop
 * of this server's branch and "not ours" for the rest; and end to end, responses from many peers
 * (each 4-tuple hashing to either socket) reach their transactions without one hand-off.
 */
class ReuseportSteeringTest {
  private static final String MARK = "z9hG4bKabc12xyz";
  private static final String TAG = "tagtok77";
  private static final int NOT_OURS = 0xffff;
  private static final int PEERS = 32;

  private SipServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void theProgramReturnsTheLoopOfOurBranchInAResponse() {
    BranchLoops branches = new BranchLoops(40, MARK.substring(7));
    for (int loop : new int[] {0, 1, 9, 10, 35, 36, 39}) {
      String branch = branches.prefix(loop) + "3f";
      assertThat(run(response("SIP/2.0 200 OK", branch))).as("loop %d", loop).isEqualTo(loop);
      assertThat(run(response("SIP/2.0 183 Session Progress", branch))).isEqualTo(loop);
    }
  }

  @Test
  void requestsForeignBranchesAndShortDatagramsAreLeftToTheHash() {
    String ours = new BranchLoops(2, MARK.substring(7)).prefix(1) + "1";
    assertThat(run(response("SIP/2.0 200 OK", "z9hG4bK-peer-1234567"))).isEqualTo(NOT_OURS);
    assertThat(run(response("SIP/2.0 200 OK", "z9hG4bKabc12xyq01.1"))).isEqualTo(NOT_OURS);
    assertThat(run(response("SIP/2.0 200 OK", MARK + "0-.1"))).isEqualTo(NOT_OURS);
    assertThat(run(response("OPTIONS sip:a@b SIP/2.0", ours))).isEqualTo(NOT_OURS);
    assertThat(run("SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP h;branch=" + ours + "\r\n\r\n"))
        .as("shorter than every load")
        .isEqualTo(NOT_OURS);
    assertThat(run("\r\n\r\n")).isEqualTo(NOT_OURS);
    String late = "SIP/2.0 200 OK\r\nX-Pad: " + "p".repeat(200) + "\r\n";
    assertThat(run(late + response("", ours).substring(2)))
        .as("a top Via past the head")
        .isEqualTo(NOT_OURS);
  }

  @Test
  void theProgramReturnsTheLoopOfOurToTagInARequest() {
    BranchLoops loops = new BranchLoops(40, MARK.substring(7), TAG);
    for (int loop : new int[] {0, 1, 9, 10, 35, 36, 39}) {
      String tag = loops.tagPrefix(loop) + "tl3k9x";
      for (String method : List.of("ACK", "BYE", "INVITE", "UPDATE", "INFO")) {
        assertThat(run(request(method, tag))).as("%s, loop %d", method, loop).isEqualTo(loop);
      }
    }
    String padded = request("BYE", loops.tagPrefix(7) + "x");
    String late = "X-Pad: " + "p".repeat(ReuseportSteering.LAST_TAG_START - 300) + "\r\n";
    assertThat(run(padded.replace("Max-Forwards", late + "Max-Forwards")))
        .as("a To tag near the last offset looked at")
        .isEqualTo(7);
  }

  @Test
  void requestsWithoutOurTagAreLeftToTheHash() {
    String ours = new BranchLoops(2, MARK.substring(7), TAG).tagPrefix(1) + "x";
    assertThat(run(request("INVITE", null))).as("a new request").isEqualTo(NOT_OURS);
    assertThat(run(request("BYE", "peer-tag-1234567"))).isEqualTo(NOT_OURS);
    assertThat(run(request("BYE", "tagtok7801x"))).as("another token").isEqualTo(NOT_OURS);
    assertThat(run(request("BYE", TAG + "0-x"))).as("not a digit").isEqualTo(NOT_OURS);
    assertThat(run(request("BYE", TAG + "A1x"))).as("not a lowercase digit").isEqualTo(NOT_OURS);
    assertThat(run(request("BYE", MARK.substring(7) + "01x")))
        .as("the branch token")
        .isEqualTo(NOT_OURS);
    String late = "X-Pad: " + "p".repeat(ReuseportSteering.LAST_TAG_START) + "\r\n";
    assertThat(run(request("BYE", ours).replace("Max-Forwards", late + "Max-Forwards")))
        .as("a To tag past the head")
        .isEqualTo(NOT_OURS);
  }

  @Test
  void noLoadGoesPastTheEndOfADatagram() {
    // the kernel returns 0 for a load past the end: with loop 1, that would show as 0
    BranchLoops loops = new BranchLoops(2, MARK.substring(7), TAG);
    List<ReuseportSteering.Insn> program = ReuseportSteering.program(MARK, TAG);
    assertThat(program.size()).isLessThanOrEqualTo(4096);
    for (String datagram :
        List.of(
            request("BYE", loops.tagPrefix(1) + "tl9"),
            response("SIP/2.0 200 OK", loops.prefix(1) + "7"))) {
      byte[] whole = datagram.getBytes(StandardCharsets.US_ASCII);
      assertThat(Cbpf.run(program, whole)).isEqualTo(1);
      for (int n = 0; n < whole.length; n++) {
        assertThat(Cbpf.run(program, java.util.Arrays.copyOf(whole, n)))
            .as("the first %d bytes of %s", n, datagram)
            .isIn(1, NOT_OURS);
      }
    }
  }

  @Test
  void requestsCarryingOurToTagAreReadOnTheLoopThatMadeIt() throws Exception {
    assumeTrue(Netty.epoll(), "SO_REUSEPORT sockets per loop need epoll");
    server = new SipServer(List.of(new ListenPoint(Transport.UDP, "127.0.0.1", 0))).threads(2);
    InetSocketAddress sip = server.start().get(0);
    List<DatagramSocket> peers = new ArrayList<>();
    try {
      for (int i = 0; i < PEERS; i++) {
        DatagramSocket p = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        p.setSoTimeout(SipPeer.TIMEOUT_MS);
        peers.add(p);
      }
      // one peer's INVITE: its final answer carries our To tag, marked with the loop that read it
      DatagramSocket first = peers.get(0);
      send(first, sip, request(first.getLocalPort(), "tags-1@test", null, "INVITE", 1));
      String answer = receive(first);
      assertThat(answer).startsWith("SIP/2.0 ").doesNotStartWith("SIP/2.0 100");
      Matcher m = Pattern.compile("(?m)^To: .*;tag=([^;\\r\\n]+)").matcher(answer);
      assertThat(m.find()).as(answer).isTrue();
      String tag = m.group(1);
      // §17.1.1.3: the ACK of a non-2xx final has the INVITE's branch and the To tag
      send(first, sip, request(first.getLocalPort(), "tags-1@test", tag, "ACK", 1));
      // every peer (each 4-tuple hashing to either socket) sends a request with that tag
      for (int i = 0; i < PEERS; i++) {
        DatagramSocket p = peers.get(i);
        send(p, sip, request(p.getLocalPort(), "tags-1@test", tag, "BYE", 2 + i));
        String r = receive(p);
        while (!r.contains("CSeq: " + (2 + i) + " BYE")) {
          r = receive(p); // a copy of the INVITE's answer sent before the ACK arrived
        }
        assertThat(r).startsWith("SIP/2.0 481 ");
      }
    } finally {
      peers.forEach(DatagramSocket::close);
    }
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> server.counters().requestsIn.sum() == 2L + PEERS);
    // unsteered, 32 requests from 32 4-tuples all on the tag's socket: 2^-32
    assertThat(server.snapshot()).containsEntry("udp_handoffs", 0L);
  }

  /**
   * A request of {@code method} from the peer on {@code port}, with {@code toTag} if not null; the
   * branch is the port and the CSeq number's (an ACK of a non-2xx has its INVITE's).
   */
  private static String request(int port, String callId, String toTag, String method, int cseq) {
    return method
        + " sip:service@127.0.0.1 SIP/2.0\r\n"
        + "Via: SIP/2.0/UDP 127.0.0.1:"
        + port
        + ";branch=z9hG4bK-"
        + port
        + "-"
        + cseq
        + ";rport\r\n"
        + "Max-Forwards: 70\r\n"
        + "From: <sip:peer@127.0.0.1>;tag=peer\r\n"
        + "To: <sip:service@127.0.0.1>"
        + (toTag == null ? "" : ";tag=" + toTag)
        + "\r\n"
        + "Call-ID: "
        + callId
        + "\r\n"
        + "CSeq: "
        + cseq
        + " "
        + method
        + "\r\n"
        + "Contact: <sip:peer@127.0.0.1:"
        + port
        + ">\r\n"
        + "Content-Length: 0\r\n\r\n";
  }

  private static void send(DatagramSocket p, InetSocketAddress to, String text) throws Exception {
    byte[] b = text.getBytes(StandardCharsets.US_ASCII);
    p.send(new DatagramPacket(b, b.length, to));
  }

  private static String receive(DatagramSocket p) throws Exception {
    byte[] buf = new byte[65535];
    DatagramPacket in = new DatagramPacket(buf, buf.length);
    p.receive(in);
    return new String(buf, 0, in.getLength(), StandardCharsets.UTF_8);
  }

  @Test
  void responsesComeBackToTheLoopThatSentTheirRequest() throws Exception {
    assumeTrue(Netty.epoll(), "SO_REUSEPORT sockets per loop need epoll");
    server = new SipServer(List.of(new ListenPoint(Transport.UDP, "127.0.0.1", 0))).threads(2);
    server.start();
    SipClient client = server.client();
    List<DatagramSocket> peers = new ArrayList<>();
    try {
      for (int i = 0; i < PEERS; i++) {
        DatagramSocket p = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        p.setSoTimeout(SipPeer.TIMEOUT_MS);
        peers.add(p);
      }
      for (int i = 0; i < PEERS; i++) {
        DatagramSocket p = peers.get(i);
        // Call-IDs of both loops: each peer answers one transaction of each
        for (int loop = 0; loop < 2; loop++) {
          String callId = callIdOf(loop, i);
          CompletableFuture<ClientResult> result =
              client.send(
                  OutboundRequest.to(
                      new Peer(Transport.UDP, (InetSocketAddress) p.getLocalSocketAddress()),
                      "OPTIONS",
                      "sip:peer@127.0.0.1:" + p.getLocalPort(),
                      "<sip:probe@{local}>;tag=s" + i,
                      "<sip:peer@127.0.0.1>",
                      callId,
                      1,
                      List.of(),
                      null));
          answer200(p);
          assertThat(result.get(5, TimeUnit.SECONDS).status()).as(callId).isEqualTo(200);
        }
      }
    } finally {
      peers.forEach(DatagramSocket::close);
    }
    // counted once handled: the last one may still be on its way there
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> server.counters().responsesIn.sum() == 2L * PEERS);
    assertThat(server.snapshot())
        .containsEntry("tx_stray_responses", 0L)
        // unsteered, 64 responses from 32 4-tuples all on the right socket: 2^-64
        .containsEntry("udp_handoffs", 0L);
  }

  /** Receives a request and answers 200 with its Via, From, To, Call-ID and CSeq. */
  private static void answer200(DatagramSocket p) throws Exception {
    byte[] buf = new byte[65535];
    DatagramPacket in = new DatagramPacket(buf, buf.length);
    p.receive(in);
    String request = new String(buf, 0, in.getLength(), StandardCharsets.UTF_8);
    StringBuilder sb = new StringBuilder("SIP/2.0 200 OK\r\n");
    for (String line : request.split("\r\n")) {
      if (line.startsWith("Via:")
          || line.startsWith("From:")
          || line.startsWith("Call-ID:")
          || line.startsWith("CSeq:")) {
        sb.append(line).append("\r\n");
      } else if (line.startsWith("To:")) {
        sb.append(line).append(";tag=peer\r\n");
      }
    }
    byte[] out = sb.append("Content-Length: 0\r\n\r\n").toString().getBytes(StandardCharsets.UTF_8);
    p.send(new DatagramPacket(out, out.length, in.getSocketAddress()));
  }

  private static String callIdOf(int loop, int k) {
    for (int i = 0; ; i++) {
      String id = "steer-" + k + "-" + i + "@test";
      if (Math.floorMod(id.hashCode(), 2) == loop) {
        return id;
      }
    }
  }

  private static String response(String statusLine, String branch) {
    return statusLine
        + "\r\nVia: SIP/2.0/UDP 127.0.0.1:5060;branch="
        + branch
        + ";rport=5060;received=127.0.0.1\r\n"
        + "From: <sip:probe@127.0.0.1:5060>;tag=p1\r\n"
        + "To: <sip:peer@127.0.0.1>;tag=peer\r\n"
        + "Call-ID: 1234567890abcdef@127.0.0.1\r\n"
        + "CSeq: 1 OPTIONS\r\n"
        + "Content-Length: 0\r\n\r\n";
  }

  private static int run(String datagram) {
    return Cbpf.run(
        ReuseportSteering.program(MARK, TAG), datagram.getBytes(StandardCharsets.US_ASCII));
  }

  /** A request inside a dialog from the callee's side, with {@code toTag} (none when null). */
  private static String request(String method, String toTag) {
    return method
        + " sip:trunkline@127.0.0.1:5060 SIP/2.0\r\n"
        + "Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-peer-77;rport\r\n"
        + "Max-Forwards: 70\r\n"
        + "From: <sip:callee@127.0.0.1:5070>;tag=peer-1\r\n"
        + "To: <sip:+15551230000@127.0.0.1>"
        + (toTag == null ? "" : ";tag=" + toTag)
        + "\r\n"
        + "Call-ID: 1234567890abcdef@127.0.0.1\r\n"
        + "CSeq: 2 "
        + method
        + "\r\n"
        + "Content-Length: 0\r\n\r\n";
  }
}
