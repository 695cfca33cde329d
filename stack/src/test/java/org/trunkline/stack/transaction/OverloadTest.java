package org.trunkline.stack.transaction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.trunkline.stack.Transport;

/**
 * A full layer answers new requests 503 + Retry-After at once and still absorbs retransmissions.
 */
class OverloadTest {
  static final InetSocketAddress ALICE = LoopNetwork.address(1, 5070);
  static final InetSocketAddress BOB = LoopNetwork.address(2, 5060);

  final RecordingUser bobTu = new RecordingUser();

  @Test
  void newRequestsBeyondTheBoundGet503WhileOpenOnesStillAbsorbCopies() {
    LoopNetwork net = new LoopNetwork(Transport.UDP);
    TransactionLayer bob = net.bind(BOB, TransactionConfig.DEFAULT, bobTu).maxServerTransactions(3);
    // the TU does not answer, so every transaction stays open
    for (int i = 1; i <= 3; i++) {
      net.inject(
          ALICE, BOB, Requests.request("OPTIONS", ALICE, BOB, "z9hG4bK-o" + i, "c" + i + "@x", 1));
    }
    assertThat(bobTu.requests).hasSize(3);
    assertThat(net.sentFrom(BOB, "SIP/2.0")).isEmpty();

    net.inject(ALICE, BOB, Requests.request("OPTIONS", ALICE, BOB, "z9hG4bK-o4", "c4@x", 1));
    assertThat(bobTu.requests).hasSize(3);
    assertThat(net.sentFrom(BOB, "SIP/2.0 503 Service Unavailable"))
        .singleElement()
        .extracting(sent -> new String(sent.bytes(), StandardCharsets.UTF_8))
        .asString()
        .contains("Retry-After: 5\r\n", "Call-ID: c4@x");
    assertThat(bob.counters().overloaded.sum()).isEqualTo(1);
    assertThat(bob.openTransactions()).isEqualTo(3);

    // a retransmission of an open transaction is absorbed, not refused
    net.inject(ALICE, BOB, Requests.request("OPTIONS", ALICE, BOB, "z9hG4bK-o1", "c1@x", 1));
    assertThat(bob.counters().retransmissionsIn.sum()).isEqualTo(1);
    assertThat(bob.counters().overloaded.sum()).isEqualTo(1);

    // once one is answered and ends, there is room again
    bobTu.requests.get(0).respond(200, "OK");
    net.advanceSeconds(32);
    net.inject(ALICE, BOB, Requests.request("OPTIONS", ALICE, BOB, "z9hG4bK-o5", "c5@x", 1));
    assertThat(bobTu.requests).hasSize(4);
  }

  @Test
  void theBoundMustBePositive() {
    LoopNetwork net = new LoopNetwork(Transport.UDP);
    TransactionLayer bob = net.bind(BOB, TransactionConfig.DEFAULT, bobTu);
    assertThatThrownBy(() -> bob.maxServerTransactions(0))
        .hasMessage("maxServerTransactions: must be >= 1, got 0");
  }
}
