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
    return Cbpf.run(ReuseportSteering.program(MARK), datagram.getBytes(StandardCharsets.US_ASCII));
  }
}
