package org.trunkline.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * On epoll a UDP listen point is one socket per event loop on the same address and port ({@code
 * SO_REUSEPORT}): the kernel spreads sources over them, a message whose Call-ID's loop read it is
 * handled there without a hand-off, and every answer leaves from the listen point's address and
 * port whichever socket sends it. A port someone else holds is still refused.
 */
class UdpSocketPerLoopTest {
  private static final int SOURCES = 32;

  private final List<SipServer> servers = new ArrayList<>();

  @AfterEach
  void stop() {
    servers.forEach(SipServer::close);
  }

  private SipServer server(int port) {
    SipServer s = new SipServer(List.of(new ListenPoint("udp", Transport.UDP, "127.0.0.1", port)));
    servers.add(s);
    return s;
  }

  /**
   * A Call-ID of {@code source} that hashes to the transaction layer {@code layer} of {@code n}.
   */
  private static String callIdFor(int layer, int n, int source) {
    for (int i = 0; ; i++) {
      String id = "reuse-" + source + "-" + i;
      if (Math.floorMod(id.hashCode(), n) == layer) {
        return id;
      }
    }
  }

  @Test
  void answersLeaveFromTheListenPointAndSomeSourcesNeedNoHandOff() throws Exception {
    assumeTrue(Netty.epoll(), "SO_REUSEPORT sockets per loop need epoll");
    SipServer server = server(0);
    InetSocketAddress lp = server.start().get(0);
    int layers = server.client().layers();
    // every Call-ID belongs to the last layer; with one socket (read by the first loop) every
    // message would be handed off; with one per loop, the sources the kernel gives to the last
    // loop's socket are handled where they were read
    int last = layers - 1;
    List<DatagramSocket> clients = new ArrayList<>();
    try {
      for (int i = 0; i < SOURCES; i++) {
        DatagramSocket c = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        c.setSoTimeout(SipPeer.TIMEOUT_MS);
        clients.add(c);
      }
      for (int i = 0; i < SOURCES; i++) {
        DatagramSocket c = clients.get(i);
        String callId = callIdFor(last, layers, i);
        // in dialog (a To tag): its Call-ID's loop, not the reading one, handles it
        byte[] b = inDialog(SipPeer.options(callId, c.getLocalPort()));
        c.send(new DatagramPacket(b, b.length, lp));
        byte[] buf = new byte[65535];
        DatagramPacket answer = new DatagramPacket(buf, buf.length);
        c.receive(answer);
        String text = new String(buf, 0, answer.getLength(), StandardCharsets.UTF_8);
        assertThat(text).startsWith("SIP/2.0 481 ").contains("Call-ID: " + callId);
        assertThat(answer.getSocketAddress()).as("answer to %s", callId).isEqualTo(lp);
      }
    } finally {
      clients.forEach(DatagramSocket::close);
    }
    long handoffs = server.counters().udpHandoffs.sum();
    // 32 sources all on the first loop's socket: 2^-31 with two loops
    assertThat(handoffs).as("hand-offs of %d messages", SOURCES).isLessThan(SOURCES);
    assertThat(server.snapshot()).containsEntry("udp_handoffs", handoffs);
  }

  private static byte[] inDialog(String request) {
    return request
        .replace("To: <sip:127.0.0.1>\r\n", "To: <sip:127.0.0.1>;tag=dialog\r\n")
        .getBytes(StandardCharsets.US_ASCII);
  }

  private static String exchange(DatagramSocket c, InetSocketAddress to, byte[] b)
      throws IOException {
    c.send(new DatagramPacket(b, b.length, to));
    byte[] buf = new byte[65535];
    DatagramPacket answer = new DatagramPacket(buf, buf.length);
    c.receive(answer);
    return new String(buf, 0, answer.getLength(), StandardCharsets.UTF_8);
  }

  /**
   * An out-of-dialog OPTIONS or REGISTER holds no call state: it is served by the loop that read
   * it, whatever its Call-ID, and its retransmissions (same source, so same socket and loop) still
   * meet its transaction. An in-dialog request with the same kind of Call-ID is still handed to its
   * Call-ID's loop.
   */
  @Test
  void outOfDialogOptionsAndRegisterAreServedWhereTheyWereReadAndAbsorbTheirCopies()
      throws Exception {
    SipServer server = server(0);
    InetSocketAddress lp = server.start().get(0);
    int layers = server.client().layers();
    int last = layers - 1;
    List<DatagramSocket> clients = new ArrayList<>();
    try {
      for (int i = 0; i < SOURCES; i++) {
        DatagramSocket c = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        c.setSoTimeout(SipPeer.TIMEOUT_MS);
        clients.add(c);
      }
      for (int i = 0; i < SOURCES; i++) {
        DatagramSocket c = clients.get(i);
        String callId = callIdFor(last, layers, i);
        byte[] options =
            SipPeer.options(callId, c.getLocalPort()).getBytes(StandardCharsets.US_ASCII);
        String first = exchange(c, lp, options);
        assertThat(first).startsWith("SIP/2.0 200 OK").contains("Call-ID: " + callId);
        // the same request again, byte for byte: answered from its transaction (§17.2.2)
        assertThat(exchange(c, lp, options)).isEqualTo(first);
        byte[] register =
            SipPeer.options(callId + "-r", c.getLocalPort())
                .replace("OPTIONS", "REGISTER")
                .getBytes(StandardCharsets.US_ASCII);
        String registered = exchange(c, lp, register);
        assertThat(exchange(c, lp, register)).isEqualTo(registered);
      }
      assertThat(server.counters().udpHandoffs.sum()).as("hand-offs").isZero();
      assertThat(server.snapshot())
          .containsEntry("tx_retransmissions_in", 2L * SOURCES)
          .containsEntry("tx_unanswered", 0L);
      if (layers > 1) {
        // in dialog, the Call-ID decides: sources read by another loop are handed over
        for (int i = 0; i < SOURCES; i++) {
          DatagramSocket c = clients.get(i);
          String callId = callIdFor(last, layers, i);
          assertThat(exchange(c, lp, inDialog(SipPeer.options(callId + "-d", c.getLocalPort()))))
              .startsWith("SIP/2.0 481 ");
        }
        assertThat(server.counters().udpHandoffs.sum()).as("in-dialog hand-offs").isPositive();
      }
    } finally {
      clients.forEach(DatagramSocket::close);
    }
  }

  @Test
  void aPortHeldByAnotherServerIsRefusedNotShared() throws Exception {
    SipServer first = server(0);
    InetSocketAddress lp = first.start().get(0);
    SipServer second = server(lp.getPort());
    assertThatThrownBy(second::start)
        .isInstanceOf(IOException.class)
        .hasMessageContaining("cannot bind sip:127.0.0.1:" + lp.getPort() + ";transport=udp")
        .hasMessageContaining("in use");
    // the first one still answers
    try (SipPeer peer = new SipPeer(lp)) {
      peer.sendUdp(SipPeer.options("still-first", 5060).getBytes(StandardCharsets.US_ASCII));
      assertThat(SipPeer.status(peer.receiveUdp())).isEqualTo(200);
    }
  }

  @Test
  void aPortHeldByAPlainSocketIsRefused() throws Exception {
    try (DatagramSocket holder = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
      SipServer server = server(holder.getLocalPort());
      assertThatThrownBy(server::start).isInstanceOf(IOException.class);
    }
  }
}
