package org.trunkline.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.trunkline.sip.ParseLimits;

/** A TCP peer cannot hold a connection forever with half a message, nor idle forever. */
class StreamTimeoutsTest {
  SipServer server;
  InetSocketAddress tcp;

  @BeforeEach
  void start() throws Exception {
    server =
        new SipServer(
            List.of(new ListenPoint(Transport.TCP, "127.0.0.1", 0)),
            ParseLimits.DEFAULT,
            new StreamTimeouts(Duration.ofMillis(300), Duration.ofSeconds(2)));
    tcp = server.start().get(0);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void aPartialMessageIsDroppedWithItsConnection() throws Exception {
    try (Socket s = new Socket(tcp.getAddress(), tcp.getPort())) {
      s.setSoTimeout(5000);
      // RFC 4475 clerr over TCP: a body that never comes
      String head =
          SipPeer.options("partial", 5060).replace("Content-Length: 0", "Content-Length: 9999");
      s.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
      long t0 = System.nanoTime();
      assertThat(s.getInputStream().read()).as("closed by the server").isEqualTo(-1);
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(2));
    }
    assertThat(server.counters().closedConnections.sum()).isEqualTo(1);
  }

  @Test
  void anIdleConnectionIsKeptUntilTheIdleTimeout() throws Exception {
    try (Socket s = new Socket(tcp.getAddress(), tcp.getPort())) {
      s.setSoTimeout(5000);
      s.getOutputStream().write(SipPeer.options("idle", 5060).getBytes(StandardCharsets.US_ASCII));
      byte[] status = s.getInputStream().readNBytes(12);
      assertThat(new String(status, StandardCharsets.US_ASCII)).isEqualTo("SIP/2.0 200 ");
      long t0 = System.nanoTime();
      s.getInputStream().skip(s.getInputStream().available());
      int c;
      while ((c = s.getInputStream().read()) >= 0) {
        assertThat(c).isGreaterThanOrEqualTo(0); // the rest of the 200 OK
      }
      // nothing buffered: the 300 ms partial-message timer does not apply, the 2 s idle one does
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThan(Duration.ofMillis(1500));
    }
  }
}
