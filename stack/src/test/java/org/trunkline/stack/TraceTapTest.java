package org.trunkline.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The trace tap sees every message in and out, with transport, addresses, bytes and time. */
class TraceTapTest {
  record Seen(
      TraceTap.Direction dir,
      Transport transport,
      InetSocketAddress local,
      InetSocketAddress remote,
      String text,
      long micros) {}

  final Queue<Seen> seen = new ConcurrentLinkedQueue<>();
  SipServer server;

  List<InetSocketAddress> start(TraceTap tap) throws Exception {
    server =
        new SipServer(
                List.of(
                    new ListenPoint(Transport.UDP, "127.0.0.1", 0),
                    new ListenPoint(Transport.TCP, "127.0.0.1", 0)))
            .traceTap(tap);
    return server.start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void everyMessageInAndOutIsTappedWithItsAddressesAndTime() throws Exception {
    List<InetSocketAddress> bound =
        start((dir, transport, local, remote, buf, off, len, micros) ->
            seen.add(
                new Seen(
                    dir,
                    transport,
                    local,
                    remote,
                    new String(Arrays.copyOfRange(buf, off, off + len), StandardCharsets.UTF_8),
                    micros)));
    long before = TraceTap.nowMicros();
    try (SipPeer peer = new SipPeer(bound.get(0))) {
      String options = SipPeer.options("tap-udp", peer.udpPort());
      peer.sendUdp(options.getBytes(StandardCharsets.US_ASCII));
      String answer = peer.receiveUdp();
      peer.connectTcp(bound.get(1));
      peer.sendTcp(SipPeer.options("tap-tcp", 5060).getBytes(StandardCharsets.US_ASCII));
      assertThat(SipPeer.status(peer.receiveTcp())).isEqualTo(200);
      await().atMost(Duration.ofSeconds(5)).until(() -> seen.size() == 4);

      List<Seen> all = List.copyOf(seen);
      Seen in = all.get(0);
      assertThat(in.dir()).isEqualTo(TraceTap.Direction.IN);
      assertThat(in.transport()).isEqualTo(Transport.UDP);
      assertThat(in.text()).isEqualTo(options);
      assertThat(in.local()).isEqualTo(bound.get(0));
      assertThat(in.remote().getPort()).isEqualTo(peer.udpPort());
      Seen out = all.get(1);
      assertThat(out.dir()).isEqualTo(TraceTap.Direction.OUT);
      assertThat(out.text()).isEqualTo(answer);
      assertThat(out.remote()).isEqualTo(in.remote());
      assertThat(all.subList(2, 4))
          .extracting(Seen::dir, Seen::transport)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple(TraceTap.Direction.IN, Transport.TCP),
              org.assertj.core.groups.Tuple.tuple(TraceTap.Direction.OUT, Transport.TCP));
      assertThat(all.get(2).text()).contains("Call-ID: tap-tcp");
      assertThat(all.get(3).text()).startsWith("SIP/2.0 200 OK").contains("Call-ID: tap-tcp");
      assertThat(all)
          .extracting(Seen::micros)
          .allSatisfy(t -> assertThat(t).isBetween(before, TraceTap.nowMicros()))
          .isSorted();
    }
  }

  @Test
  void aFailingTapIsCountedAndTheServerStillAnswers() throws Exception {
    List<InetSocketAddress> bound =
        start((dir, transport, local, remote, buf, off, len, micros) -> {
          throw new IllegalStateException("tap broken");
        });
    try (SipPeer peer = new SipPeer(bound.get(0))) {
      peer.sendUdp(SipPeer.options("tap-fail", peer.udpPort()).getBytes(StandardCharsets.US_ASCII));
      assertThat(SipPeer.status(peer.receiveUdp())).isEqualTo(200);
      await().atMost(Duration.ofSeconds(5)).until(() -> server.counters().traceErrors.sum() == 2);
    }
  }
}
