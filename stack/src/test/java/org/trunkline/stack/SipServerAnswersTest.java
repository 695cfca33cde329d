package org.trunkline.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.trunkline.sip.ParseLimits;

/** What the server answers over real UDP and TCP sockets, and what it drops and counts. */
class SipServerAnswersTest {
  SipServer server;
  InetSocketAddress udp;
  InetSocketAddress tcp;
  SipPeer peer;

  @BeforeEach
  void start() throws Exception {
    // a small message limit, so that 513 is reachable over UDP
    server =
        new SipServer(
            List.of(
                new ListenPoint(Transport.UDP, "127.0.0.1", 0),
                new ListenPoint(Transport.TCP, "127.0.0.1", 0)),
            new ParseLimits(4096, 64, 2048, 16, 64));
    List<InetSocketAddress> bound = server.start();
    udp = bound.get(0);
    tcp = bound.get(1);
    peer = new SipPeer(udp);
  }

  @AfterEach
  void stop() throws IOException {
    peer.close();
    server.close();
  }

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void optionsGets200WithCapabilitiesAndMarkedVia() throws Exception {
    peer.sendUdp(
        ascii(
            SipPeer.options("opt-1", peer.udpPort())
                .replace("127.0.0.1:" + peer.udpPort(), "192.0.2.9:5999")));
    String r = peer.receiveUdp();
    assertThat(r).startsWith("SIP/2.0 200 OK\r\n");
    assertThat(r)
        .contains(
            "Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, REGISTER",
            "Accept: application/sdp",
            "Supported:");
    // §18.2.1 received, RFC 3581 rport filled with the source port
    assertThat(r)
        .contains(
            "Via: SIP/2.0/UDP 192.0.2.9:5999;branch=z9hG4bK-opt-1;rport="
                + peer.udpPort()
                + ";received=127.0.0.1");
    assertThat(r).containsPattern("To: <sip:127.0.0.1>;tag=tl[0-9a-z]+\r\n");
    assertThat(r)
        .contains(
            "From: <sip:probe@127.0.0.1>;tag=probe",
            "Call-ID: opt-1",
            "CSeq: 1 OPTIONS",
            "Content-Length: 0\r\n\r\n");
  }

  @Test
  void retransmissionGetsTheSameToTag() throws Exception {
    peer.sendUdp(ascii(SipPeer.options("opt-rt", peer.udpPort())));
    peer.sendUdp(ascii(SipPeer.options("opt-rt", peer.udpPort())));
    String a = peer.receiveUdp();
    String b = peer.receiveUdp();
    assertThat(a).isEqualTo(b);
  }

  @Test
  void sevenCopiesOfOneRequestAreOneTransactionAnsweredSevenTimesAlike() throws Exception {
    for (int i = 0; i < 7; i++) {
      peer.sendUdp(ascii(SipPeer.options("opt-7", peer.udpPort())));
    }
    List<String> answers = new java.util.ArrayList<>();
    for (int i = 0; i < 7; i++) {
      answers.add(peer.receiveUdp());
    }
    assertThat(answers).allMatch(a -> a != null && a.startsWith("SIP/2.0 200 OK\r\n"));
    assertThat(answers.stream().distinct()).as("the same 200, byte for byte").hasSize(1);
    // §17.2.2: the copies matched the transaction the first opened (Completed: resend the 200)
    SipCounters c = server.counters();
    await().atMost(Duration.ofSeconds(5)).until(() -> c.requestsIn.sum() == 7);
    assertThat(server.transactionCounters().retransmissionsIn.sum()).isEqualTo(6);
    assertThat(c.responsesOut.sum()).isEqualTo(7);
    assertThat(server.snapshot())
        .containsEntry("requests_in", 7L)
        .containsEntry("responses_out", 7L)
        .containsEntry("tx_retransmissions_in", 6L)
        .containsEntry("tx_unanswered", 0L);
  }

  @Test
  void badViaGets400NamingTheLineWithTheRequestsHeaders() throws Exception {
    String bad =
        "INVITE sip:bob@127.0.0.1 SIP/2.0\r\n"
            + "Max-Forwards: 70\r\n"
            + "Via: SIP/2.0/UDP 127.0.0.1:"
            + peer.udpPort()
            + ";branch=z9hG4bK1;;\r\n"
            + "From: <sip:alice@127.0.0.1>;tag=a1\r\n"
            + "To: <sip:bob@127.0.0.1>\r\n"
            + "Call-ID: bad-via\r\n"
            + "CSeq: 7 INVITE\r\n"
            + "Content-Length: 0\r\n\r\n";
    peer.sendUdp(ascii(bad));
    String r = peer.receiveUdp();
    assertThat(r).startsWith("SIP/2.0 400 Bad Via (line 3)\r\n");
    assertThat(r)
        .contains("Call-ID: bad-via", "CSeq: 7 INVITE", "From: <sip:alice@127.0.0.1>;tag=a1");
    assertThat(server.counters().malformedRequests.sum()).isEqualTo(1);
  }

  @Test
  void oversizeUdpGets513() throws Exception {
    String big =
        SipPeer.options("big", peer.udpPort())
            .replace(
                "Content-Length: 0\r\n",
                "X-Pad: " + "p".repeat(5000) + "\r\nContent-Length: 0\r\n");
    peer.sendUdp(ascii(big));
    String r = peer.receiveUdp();
    assertThat(SipPeer.status(r)).isEqualTo(513);
    assertThat(r).contains("Call-ID: big");
  }

  @Test
  void oversizeTcpGets513AndTheConnectionIsClosed() throws Exception {
    peer.connectTcp(tcp);
    String big =
        SipPeer.options("bigtcp", 5060).replace("Content-Length: 0", "Content-Length: 100000");
    peer.sendTcp(ascii(big));
    assertThat(SipPeer.status(peer.receiveTcp())).isEqualTo(513);
    assertThat(peer.tcpClosedByServer()).isTrue();
    assertThat(server.counters().closedConnections.sum()).isEqualTo(1);
  }

  @Test
  void conflictingContentLengthOverTcpGets400AndClose() throws Exception {
    peer.connectTcp(tcp);
    String msg =
        SipPeer.options("mcl", 5060)
            .replace("Content-Length: 0\r\n", "Content-Length: 0\r\nl: 5\r\n");
    peer.sendTcp(ascii(msg));
    String r = peer.receiveTcp();
    assertThat(r).startsWith("SIP/2.0 400 Multiple Content-Length Values");
    assertThat(peer.tcpClosedByServer()).isTrue();
  }

  @Test
  void tcpPipelinedAndByteByByte() throws Exception {
    peer.connectTcp(tcp);
    peer.sendTcp(
        ascii(
            SipPeer.options("p1", 5060)
                + "\r\n\r\n"
                + SipPeer.options("p2", 5060)
                + SipPeer.options("p3", 5060)));
    assertThat(peer.receiveTcp()).contains("Call-ID: p1");
    // the CRLFCRLF ping between messages is answered with one CRLF (RFC 5626 §3.5.1)
    String pong = peer.receiveTcp();
    assertThat(pong).startsWith("\r\n").contains("Call-ID: p2");
    assertThat(peer.receiveTcp()).contains("Call-ID: p3");
    for (byte b : ascii(SipPeer.options("slow", 5060))) {
      peer.sendTcp(new byte[] {b});
    }
    assertThat(peer.receiveTcp()).contains("Call-ID: slow");
    assertThat(server.counters().keepAlives.sum()).isEqualTo(1);
  }

  @Test
  void responsesAcksAndGarbageAreDroppedAndCounted() throws Exception {
    // the probe's answer shows the datagrams before it were read; an out-of-dialog OPTIONS is
    // served
    // on the loop that read it while the ACK and the responses go to their Call-ID's loop, so the
    // counters are awaited rather than read at once
    peer.sendUdp(
        ascii(
            "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 127.0.0.1;branch=z9hG4bKx\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:c@d>;tag=2\r\nCall-ID: after\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n"));
    peer.sendUdp(
        ascii(
            "SIP/2.0 4294967301 better not break the receiver\r\nVia: SIP/2.0/UDP 127.0.0.1\r\n\r\n"));
    peer.sendUdp(ascii(SipPeer.options("after", peer.udpPort()).replace("OPTIONS", "ACK")));
    peer.sendUdp(ascii("\u0016\u0003\u0001 not SIP at all\r\n\r\n"));
    peer.sendUdp(ascii(SipPeer.options("after", peer.udpPort())));
    String r = peer.receiveUdp();
    assertThat(r).contains("Call-ID: after");
    SipCounters c = server.counters();
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> {
          assertThat(c.droppedStrayResponses.sum()).isEqualTo(1);
          assertThat(c.droppedMalformedResponses.sum()).isEqualTo(1);
          assertThat(c.droppedAcks.sum()).isEqualTo(1);
          assertThat(c.droppedGarbage.sum()).isEqualTo(1);
        });
    assertThat(c.responsesOut.sum()).isEqualTo(1);
  }

  @Test
  void unknownMethodGets501AndKnownUnservedGets405() throws Exception {
    peer.sendUdp(ascii(SipPeer.options("m1", peer.udpPort()).replace("OPTIONS", "FROB")));
    String r = peer.receiveUdp();
    assertThat(r).startsWith("SIP/2.0 501 Not Implemented").contains("Allow: INVITE");
    peer.sendUdp(ascii(SipPeer.options("m2", peer.udpPort()).replace("OPTIONS", "SUBSCRIBE")));
    assertThat(peer.receiveUdp()).startsWith("SIP/2.0 405 Method Not Allowed");
  }

  @Test
  void seededGarbageFloodNeverStopsTheServer() throws Exception {
    Random random = new Random(4475);
    byte[] base = ascii(SipPeer.options("flood", peer.udpPort()));
    SipCounters c = server.counters();
    // in batches, each awaited, so that no datagram is lost to a full socket buffer
    for (int batch = 1; batch <= 20; batch++) {
      for (int i = 0; i < 100; i++) {
        byte[] b = base.clone();
        for (int k = random.nextInt(8); k >= 0; k--) {
          b[random.nextInt(b.length)] = (byte) random.nextInt(256);
        }
        peer.sendUdp(Arrays.copyOf(b, 1 + random.nextInt(b.length)));
      }
      long expected = batch * 100L;
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> c.requestsIn.sum() + c.responsesIn.sum() + c.keepAlives.sum() == expected);
    }
    // every datagram was answered or dropped and counted, and the server still answers
    assertThat(
            c.responsesOut.sum()
                + c.droppedAcks.sum()
                + c.droppedGarbage.sum()
                + c.droppedMalformedResponses.sum()
                + c.droppedStrayResponses.sum()
                + c.keepAlives.sum())
        .isEqualTo(2000);
    try (SipPeer fresh = new SipPeer(udp)) {
      fresh.sendUdp(ascii(SipPeer.options("alive", fresh.udpPort())));
      assertThat(SipPeer.status(fresh.receiveUdp())).isEqualTo(200);
    }
  }

  @Test
  void aTakenPortIsAClearError() throws Exception {
    try (SipServer second =
        new SipServer(List.of(new ListenPoint(Transport.TCP, "127.0.0.1", tcp.getPort())))) {
      assertThatThrownBy(second::start)
          .isInstanceOf(IOException.class)
          .hasMessageStartingWith(
              "cannot bind sip:127.0.0.1:" + tcp.getPort() + ";transport=tcp: ");
    }
  }
}
