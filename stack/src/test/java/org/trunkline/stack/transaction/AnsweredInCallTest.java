package org.trunkline.stack.transaction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.trunkline.sip.SipParser;
import org.trunkline.stack.Transport;

/**
 * A non-INVITE server transaction whose TU answers within its call (§17.2.2): no table entry and no
 * answer timer are made for it; one the TU leaves waiting, or whose TU throws, gets both, as
 * before.
 */
class AnsweredInCallTest {
  static final InetSocketAddress ALICE = LoopNetwork.address(1, 5070);
  static final InetSocketAddress BOB = LoopNetwork.address(2, 5060);

  static final TransactionConfig CONFIG =
      new TransactionConfig(
          Duration.ofMillis(500),
          Duration.ofSeconds(4),
          Duration.ofSeconds(5),
          Duration.ofMillis(200),
          Duration.ofSeconds(10),
          Duration.ofSeconds(20));

  final LoopNetwork net = new LoopNetwork(Transport.UDP);
  final RecordingUser bobTu = new RecordingUser();
  final SipParser parser = new SipParser();

  /** Counts what the layer schedules, on the network's virtual time. */
  int scheduled;

  final Scheduler counting =
      new Scheduler() {
        @Override
        public long nanoTime() {
          return net.scheduler.nanoTime();
        }

        @Override
        public Scheduled schedule(Runnable task, long delayNanos) {
          scheduled++;
          return net.scheduler.schedule(task, delayNanos);
        }
      };

  final TransactionLayer bob = new TransactionLayer(CONFIG, counting, net.sink(BOB), bobTu);

  void receive(String request) {
    bob.receive(
        parser.parseDatagram(request.getBytes(StandardCharsets.UTF_8)),
        new Peer(Transport.UDP, ALICE));
  }

  static String register(int i) {
    return Requests.request(
        "REGISTER", ALICE, BOB, "z9hG4bK-in-call-" + i, "in-call-" + i + "@x", 1);
  }

  @Test
  void answeredWithinTheCallSchedulesOnlyTimerJsRingTaskAndIsStillRepeated() {
    bobTu.onRequest = (tx, m) -> tx.respond(200, "OK");
    for (int i = 0; i < 100; i++) {
      receive(register(i));
    }
    // one task for the Completed ring's head (Timer J); no answer timer made and cancelled per
    // request (there were 101 scheduled before)
    assertThat(scheduled).isEqualTo(1);
    assertThat(bob.openTransactions()).isEqualTo(100);
    // §17.2.2: a copy in Completed gets the final response again, and the TU hears nothing
    receive(register(7));
    assertThat(net.sentFrom(BOB, "SIP/2.0 200 OK")).hasSize(101);
    assertThat(bobTu.requests).hasSize(100);
    assertThat(bob.counters().retransmissionsIn.sum()).isEqualTo(1);
    // §8.2.6.2: the To tag the layer derives (written without a String of it), the same on the copy
    var answers = net.sentFrom(BOB, "SIP/2.0 200 OK");
    String tag =
        Responses.toTag(parser.parseDatagram(register(7).getBytes(StandardCharsets.UTF_8)));
    assertThat(new String(answers.get(7).bytes(), StandardCharsets.UTF_8))
        .contains(";tag=" + tag + "\r\n");
    assertThat(answers.get(100).bytes()).isEqualTo(answers.get(7).bytes());
    net.advanceSeconds(32);
    assertThat(bob.openTransactions()).isZero();
    assertThat(bob.counters().unanswered.sum()).isZero();
  }

  @Test
  void aProvisionalWithinTheCallLeavesItWaitingInTheTableUntilTheAnswerTimer() {
    bobTu.onRequest = (tx, m) -> tx.respond(100, "Trying");
    receive(register(1));
    assertThat(scheduled).isEqualTo(1); // the answer timer
    receive(register(1));
    // §17.2.2: a copy in Proceeding gets the last provisional again
    assertThat(net.sentFrom(BOB, "SIP/2.0 100 Trying")).hasSize(2);
    assertThat(bobTu.requests).hasSize(1);
    net.advanceSeconds(9.999);
    assertThat(net.sentFrom(BOB, "SIP/2.0 500")).isEmpty();
    net.advanceSeconds(0.001);
    assertThat(net.sentFrom(BOB, "SIP/2.0 500")).hasSize(1);
    assertThat(bob.counters().unanswered.sum()).isEqualTo(1);
  }

  @Test
  void aTuThatThrowsLeavesTheTransactionWaitingAndItIsAnswered500() {
    bobTu.onRequest =
        (tx, m) -> {
          throw new IllegalStateException("TU bug");
        };
    assertThatThrownBy(() -> receive(register(2))).hasMessage("TU bug");
    receive(register(2));
    assertThat(bobTu.requests).hasSize(1); // the copy was absorbed by the transaction
    net.advanceSeconds(10);
    assertThat(net.sentFrom(BOB, "SIP/2.0 500")).hasSize(1);
    assertThat(bob.counters().unanswered.sum()).isEqualTo(1);
  }

  @Test
  void abandonedWithinTheCallLeavesNothingAndACopyIsANewRequest() {
    bobTu.onRequest = (tx, m) -> tx.abandon();
    receive(register(3));
    assertThat(scheduled).isZero();
    assertThat(bob.openTransactions()).isZero();
    receive(register(3));
    assertThat(bobTu.requests).hasSize(2);
    assertThat(net.sent).hasSize(0);
  }
}
