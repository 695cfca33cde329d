package org.trunkline.stack.transaction;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.trunkline.stack.Transport;

/** A loop that loses one packet in five (seeded): every transaction still completes, once. */
class LossyLoopTest {
  static final InetSocketAddress ALICE = LoopNetwork.address(1, 5070);
  static final InetSocketAddress BOB = LoopNetwork.address(2, 5060);

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5})
  void everyTransactionCompletesOnceDespiteLoss(long seed) {
    LoopNetwork net = new LoopNetwork(Transport.UDP).lossy(5, seed);
    RecordingUser aliceTu = new RecordingUser();
    RecordingUser bobTu = new RecordingUser();
    TransactionLayer alice = net.bind(ALICE, TransactionConfig.DEFAULT, aliceTu);
    TransactionLayer bob = net.bind(BOB, TransactionConfig.DEFAULT, bobTu);
    bobTu.onRequest =
        (tx, m) -> {
          String callId = m.callId();
          if (callId.startsWith("busy")) {
            tx.respond(486, "Busy Here");
          } else if (callId.startsWith("ok")) {
            tx.respond(180, "Ringing");
            tx.respond(200, "OK");
          } else {
            tx.respond(200, "OK");
          }
        };
    Map<ClientTransaction, Integer> finals = new IdentityHashMap<>();
    aliceTu.onResponse =
        (tx, m) -> {
          if (m.status() >= 200) {
            finals.putIfAbsent(tx, m.status());
          }
          if (m.status() / 100 == 2 && tx instanceof ClientInviteTransaction) {
            // the TU ACKs every 2xx it is given, retransmissions too (§13.2.2.4)
            alice.sendStateless(
                Requests.ackFor2xx(m, ALICE, BOB, alice.newBranch()), net.peer(BOB));
          }
        };
    List<ClientTransaction> sent = new ArrayList<>();
    Map<ClientTransaction, String> callIds = new HashMap<>();
    for (int i = 0; i < 30; i++) {
      sent.add(send(net, alice, "OPTIONS", "opt" + i));
      callIds.put(sent.get(sent.size() - 1), "opt" + i);
    }
    for (int i = 0; i < 10; i++) {
      sent.add(send(net, alice, "INVITE", "busy" + i));
      callIds.put(sent.get(sent.size() - 1), "busy" + i);
      sent.add(send(net, alice, "INVITE", "ok" + i));
      callIds.put(sent.get(sent.size() - 1), "ok" + i);
    }
    net.advanceSeconds(120);

    assertThat(net.dropped).isPositive();
    assertThat(aliceTu.timeouts).isEmpty();
    assertThat(finals).hasSize(sent.size());
    for (ClientTransaction tx : sent) {
      String callId = callIds.get(tx);
      assertThat(finals.get(tx)).as(callId).isEqualTo(callId.startsWith("busy") ? 486 : 200);
    }
    assertThat(bobTu.requests).hasSize(sent.size()); // retransmissions never reached the TU
    assertThat(bobTu.acks).hasSize(10);
    assertThat(alice.openTransactions() + bob.openTransactions()).isZero();
  }

  private static ClientTransaction send(
      LoopNetwork net, TransactionLayer alice, String method, String callId) {
    return alice.sendRequest(
        Requests.bytes(Requests.request(method, ALICE, BOB, alice.newBranch(), callId, 1)),
        net.peer(BOB));
  }
}
