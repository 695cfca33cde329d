package org.trunkline.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.trunkline.stack.transaction.Peer;

/**
 * Every message leaves from the listen point its peer names: answers from the socket their request
 * came in on, requests from the socket they are sent through (cross-connect trunks).
 */
class ListenPointSocketsTest {
  SipServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private static DatagramPacket receive(DatagramSocket s) throws Exception {
    byte[] buf = new byte[65535];
    DatagramPacket p = new DatagramPacket(buf, buf.length);
    s.receive(p);
    return p;
  }

  private static String text(DatagramPacket p) {
    return new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8);
  }

  @Test
  void udpAnswersLeaveFromTheSocketTheRequestCameIn() throws Exception {
    server =
        new SipServer(
            List.of(
                new ListenPoint("public", Transport.UDP, "127.0.0.1", 0),
                new ListenPoint("xc", Transport.UDP, "127.0.0.2", 0)));
    List<InetSocketAddress> bound = server.start();
    try (DatagramSocket client = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
      client.setSoTimeout(SipPeer.TIMEOUT_MS);
      for (int round = 0; round < 2; round++) {
        for (InetSocketAddress lp : bound) {
          // OPTIONS is answered in a server transaction, through the layer's sink
          String callId = "lp-" + lp.getAddress().getHostAddress() + "-" + round;
          byte[] b =
              SipPeer.options(callId, client.getLocalPort()).getBytes(StandardCharsets.US_ASCII);
          client.send(new DatagramPacket(b, b.length, lp));
          DatagramPacket answer = receive(client);
          assertThat(text(answer)).startsWith("SIP/2.0 200 OK").contains("Call-ID: " + callId);
          assertThat(answer.getSocketAddress()).as("answer to %s", callId).isEqualTo(lp);
        }
      }
    }
  }

  @Test
  void udpRequestsLeaveFromTheNamedListenPoint() throws Exception {
    server =
        new SipServer(
            List.of(
                new ListenPoint("public", Transport.UDP, "127.0.0.1", 0),
                new ListenPoint("xc", Transport.UDP, "127.0.0.2", 0)));
    List<InetSocketAddress> bound = server.start();
    try (DatagramSocket far = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
      far.setSoTimeout(SipPeer.TIMEOUT_MS);
      InetSocketAddress to = (InetSocketAddress) far.getLocalSocketAddress();
      byte[] req = SipPeer.options("out", 5060).getBytes(StandardCharsets.US_ASCII);

      server.sink().send(new Peer(Transport.UDP, to, "xc"), req, (p, why) -> {});
      assertThat(receive(far).getSocketAddress()).isEqualTo(bound.get(1));
      server.sink().send(new Peer(Transport.UDP, to, "public"), req, (p, why) -> {});
      assertThat(receive(far).getSocketAddress()).isEqualTo(bound.get(0));
      // no listen point named: the first of the family
      server.sink().send(new Peer(Transport.UDP, to), req, (p, why) -> {});
      assertThat(receive(far).getSocketAddress()).isEqualTo(bound.get(0));
    }
  }

  @Test
  void connectionsBeyondThePerSourceLimitAreClosedAndCounted() throws Exception {
    server =
        new SipServer(
            List.of(
                new ListenPoint("tcp", Transport.TCP, "127.0.0.1", 0)
                    .withMaxConnectionsPerSource(2)));
    InetSocketAddress tcp = server.start().get(0);
    try (SipPeer a = new SipPeer(tcp);
        SipPeer b = new SipPeer(tcp);
        SipPeer c = new SipPeer(tcp)) {
      a.connectTcp(tcp);
      b.connectTcp(tcp);
      c.connectTcp(tcp);
      assertThat(c.tcpClosedByServer()).isTrue();
      assertThat(server.counters().connectionsRefused.sum()).isEqualTo(1);
      for (SipPeer p : List.of(a, b)) {
        p.sendTcp(SipPeer.options("limit", 5060).getBytes(StandardCharsets.US_ASCII));
        assertThat(SipPeer.status(p.receiveTcp())).isEqualTo(200);
      }
      // one closes: a new connection from that address is accepted again
      a.closeTcp();
      await()
          .atMost(Duration.ofSeconds(5))
          .untilAsserted(() -> {
            c.connectTcp(tcp);
            c.sendTcp(SipPeer.options("again", 5060).getBytes(StandardCharsets.US_ASCII));
            assertThat(SipPeer.status(c.receiveTcp())).isEqualTo(200);
          });
    }
  }
}
