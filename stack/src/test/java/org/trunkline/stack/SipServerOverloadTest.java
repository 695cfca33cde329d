package org.trunkline.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.trunkline.sip.ParseLimits;
import org.trunkline.stack.transaction.TransactionConfig;

/** The server hands its {@link OverloadLimits} to its layers, over real UDP on loopback. */
class SipServerOverloadTest {

  @Test
  void aFullLayerAnswers503WithTheConfiguredRetryAfterAndSnapshotsTheOverloadCounters()
      throws Exception {
    OverloadLimits limits = new OverloadLimits(100, 1 << 20, 10, 100, 1, 9, Duration.ofMinutes(1));
    try (SipServer server =
        new SipServer(
            List.of(new ListenPoint(Transport.UDP, "127.0.0.1", 0)),
            ParseLimits.DEFAULT,
            StreamTimeouts.DEFAULT,
            TransactionConfig.DEFAULT,
            limits)) {
      InetSocketAddress udp = server.start().get(0);
      try (SipPeer peer = new SipPeer(udp)) {
        // all three on the same layer, whatever the number of event loops (<= 16)
        List<String> callIds = sameLayerCallIds(3);
        List<String> answers = new ArrayList<>();
        for (String id : callIds) {
          peer.sendUdp(SipPeer.options(id, peer.udpPort()).getBytes(StandardCharsets.UTF_8));
          answers.add(peer.receiveUdp());
        }
        // the first stays open 32 s (Timer J) after its 200: the layer holds its 1 transaction
        assertThat(SipPeer.status(answers.get(0))).isEqualTo(200);
        assertThat(answers.subList(1, 3))
            .allSatisfy(a ->
                assertThat(a)
                    .startsWith("SIP/2.0 503 Service Unavailable\r\n")
                    .contains("Retry-After: 9\r\n"));
        // a copy of the open one is still absorbed: answered 200 from its transaction
        peer.sendUdp(
            SipPeer.options(callIds.get(0), peer.udpPort()).getBytes(StandardCharsets.UTF_8));
        assertThat(SipPeer.status(peer.receiveUdp())).isEqualTo(200);
      }
      // the answer leaves before the layer's task ends and releases its in-flight count
      await().atMost(Duration.ofSeconds(5)).until(() -> server.snapshot().get("in_flight") == 0);
      assertThat(server.snapshot())
          .containsEntry("tx_overloaded", 2L)
          .containsEntry("tx_retransmissions_in", 1L)
          .containsEntry("overload_rejected_requests", 0L)
          .containsEntry("in_flight", 0L)
          .containsKeys(
              "overload_dropped_responses",
              "overload_dropped_acks",
              "overload_in_flight_full",
              "overload_source_queue_full",
              "overload_loop_queue_full",
              "in_flight_peak");
    }
  }

  /** Call-IDs whose hash is a multiple of lcm(1..16), so they share a layer for 1..16 loops. */
  static List<String> sameLayerCallIds(int n) {
    List<String> ids = new ArrayList<>();
    for (long k = 0; ids.size() < n; k++) {
      String id = "ov" + k;
      if (id.hashCode() % 720_720 == 0) {
        ids.add(id);
      }
    }
    return ids;
  }
}
