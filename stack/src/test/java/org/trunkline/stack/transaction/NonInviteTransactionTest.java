package org.trunkline.stack.transaction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.trunkline.stack.Transport;

/** §17.1.2 and §17.2.2 over the loop transport, on virtual time. */
class NonInviteTransactionTest {
  static final InetSocketAddress ALICE = LoopNetwork.address(1, 5070);
  static final InetSocketAddress BOB = LoopNetwork.address(2, 5060);
  static final InetSocketAddress NOBODY = LoopNetwork.address(9, 5060);

  final RecordingUser aliceTu = new RecordingUser();
  final RecordingUser bobTu = new RecordingUser();

  @Test
  void timerEDoublesUpToT2AndTimerFReportsTimeoutAt64T1() {
    LoopNetwork net = new LoopNetwork(Transport.UDP);
    TransactionLayer alice = net.bind(ALICE, TransactionConfig.DEFAULT, aliceTu);
    ClientTransaction tx = alice.sendRequest(options(alice, NOBODY), net.peer(NOBODY));

    net.advanceSeconds(31.999);
    // §17.1.2.2: T1, 2*T1, 4*T1, then T2 = 4 s
    assertThat(net.timesFrom(ALICE, "OPTIONS"))
        .containsExactly(0.0, 0.5, 1.5, 3.5, 7.5, 11.5, 15.5, 19.5, 23.5, 27.5, 31.5);
    assertThat(aliceTu.timeouts).isEmpty();

    net.advanceSeconds(0.001);
    assertThat(aliceTu.timeouts).containsExactly(tx);
    assertThat(tx.stateName()).isEqualTo("Terminated");
    assertThat(alice.counters().timeouts.sum()).isEqualTo(1);
    assertThat(alice.openTransactions()).isZero();
    net.advanceSeconds(60);
    assertThat(net.sentFrom(ALICE, "OPTIONS")).hasSize(11);
  }

  @Test
  void provisionalResponseMovesToProceedingWhereTimerERunsAtT2() {
    LoopNetwork net = new LoopNetwork(Transport.UDP);
    TransactionLayer alice = net.bind(ALICE, TransactionConfig.DEFAULT, aliceTu);
    net.bind(BOB, TransactionConfig.DEFAULT, bobTu);
    bobTu.onRequest = (tx, m) -> tx.respond(100, "Trying");
    ClientNonInviteTransaction tx =
        (ClientNonInviteTransaction) alice.sendRequest(options(alice, BOB), net.peer(BOB));
    net.advanceSeconds(0.1);
    assertThat(tx.state()).isEqualTo(ClientNonInviteTransaction.State.PROCEEDING);
    net.advanceSeconds(9);
    // §17.1.2.2: E keeps its T1 schedule, then T2 in Proceeding; Bob resends the 100 each time.
    assertThat(net.timesFrom(ALICE, "OPTIONS")).containsExactly(0.0, 0.5, 4.5, 8.5);
    assertThat(net.timesFrom(BOB, "SIP/2.0 100")).hasSize(4);
    assertThat(bobTu.requests).hasSize(1);
  }

  @Test
  void sevenCopiesOfARequestOpenOneTransactionAndTheFinalAnswerIsRepeated() {
    LoopNetwork net = new LoopNetwork(Transport.UDP);
    TransactionLayer bob = net.bind(BOB, TransactionConfig.DEFAULT, bobTu);
    String options = Requests.request("OPTIONS", ALICE, BOB, "z9hG4bK-seven", "c7@x", 1);
    for (int i = 0; i < 7; i++) {
      net.inject(ALICE, BOB, options);
    }
    assertThat(bobTu.requests).hasSize(1);
    // §17.2.2: in Trying, retransmissions are discarded
    assertThat(net.sentFrom(BOB, "SIP/2.0")).isEmpty();
    assertThat(bob.counters().retransmissionsIn.sum()).isEqualTo(6);

    bobTu.requests.get(0).respond(200, "OK");
    net.inject(ALICE, BOB, options);
    net.inject(ALICE, BOB, options);
    assertThat(net.sentFrom(BOB, "SIP/2.0 200 OK")).hasSize(3);
    assertThat(bobTu.requests).hasSize(1);

    // §17.2.2: Timer J = 64*T1, then a copy is a new request
    net.advanceSeconds(32);
    assertThat(bob.openTransactions()).isZero();
    net.inject(ALICE, BOB, options);
    assertThat(bobTu.requests).hasSize(2);
  }

  @Test
  void completedServerResendsTheSameBytesUntilTimerJAndNoneFromThenOn() {
    LoopNetwork net = new LoopNetwork(Transport.UDP);
    TransactionLayer bob = net.bind(BOB, TransactionConfig.DEFAULT, bobTu);
    bobTu.onRequest = (tx, m) -> tx.respond(200, "OK", "X-Answer: " + bobTu.requests.size());
    String register = Requests.request("REGISTER", ALICE, BOB, "z9hG4bK-j", "cj@x", 1);
    net.inject(ALICE, BOB, register);
    ServerNonInviteTransaction tx = (ServerNonInviteTransaction) bobTu.requests.get(0);
    assertThat(tx.state()).isEqualTo(ServerNonInviteTransaction.State.COMPLETED);
    assertThat(bob.openTransactions()).isEqualTo(1);

    net.advanceSeconds(31.999);
    net.inject(ALICE, BOB, register);
    // §17.2.2: a retransmission in Completed gets the final response again, byte for byte
    var answers = net.sentFrom(BOB, "SIP/2.0 200 OK");
    assertThat(answers).hasSize(2);
    assertThat(answers.get(1).bytes()).isEqualTo(answers.get(0).bytes());
    assertThat(answers.get(1).to()).isEqualTo(ALICE);
    assertThat(bobTu.requests).hasSize(1);
    assertThat(bob.counters().retransmissionsIn.sum()).isEqualTo(1);
    assertThat(tx.state()).isEqualTo(ServerNonInviteTransaction.State.COMPLETED);

    // Timer J = 64*T1: Terminated, and a copy from then on is a new request for the TU
    net.advanceSeconds(0.001);
    assertThat(tx.state()).isEqualTo(ServerNonInviteTransaction.State.TERMINATED);
    assertThat(tx.isTerminated()).isTrue();
    assertThat(bob.openTransactions()).isZero();
    net.inject(ALICE, BOB, register);
    assertThat(bobTu.requests).hasSize(2);
    answers = net.sentFrom(BOB, "SIP/2.0 200 OK");
    assertThat(answers).hasSize(3);
    assertThat(new String(answers.get(2).bytes())).contains("X-Answer: 2");
    assertThat(bob.counters().retransmissionsIn.sum()).isEqualTo(1);
  }

  @Test
  void completedServerTransactionsExpireInOrderEachAfterItsOwnTimerJ() {
    LoopNetwork net = new LoopNetwork(Transport.UDP);
    TransactionLayer bob = net.bind(BOB, TransactionConfig.DEFAULT, bobTu);
    bobTu.onRequest = (tx, m) -> tx.respond(200, "OK");
    String first = Requests.request("OPTIONS", ALICE, BOB, "z9hG4bK-1", "c1@x", 1);
    String second = Requests.request("OPTIONS", ALICE, BOB, "z9hG4bK-2", "c2@x", 1);
    net.inject(ALICE, BOB, first);
    net.advanceSeconds(10);
    net.inject(ALICE, BOB, second);
    assertThat(bob.openTransactions()).isEqualTo(2);

    net.advanceSeconds(22); // 32 s after the first, 22 s after the second
    assertThat(bob.openTransactions()).isEqualTo(1);
    net.inject(ALICE, BOB, first);
    net.inject(ALICE, BOB, second);
    assertThat(bobTu.requests).hasSize(3); // the first came again as new; the second was resent
    assertThat(bob.counters().retransmissionsIn.sum()).isEqualTo(1);

    net.advanceSeconds(10); // Timer J of the second, but not of the first's new transaction
    assertThat(bob.openTransactions()).isEqualTo(1);
    net.advanceSeconds(22);
    assertThat(bob.openTransactions()).isZero();
  }

  @Test
  void clientAbsorbsFinalResponseRetransmissionsInCompletedUntilTimerK() {
    LoopNetwork net = new LoopNetwork(Transport.UDP);
    TransactionLayer alice = net.bind(ALICE, TransactionConfig.DEFAULT, aliceTu);
    ClientNonInviteTransaction tx =
        (ClientNonInviteTransaction) alice.sendRequest(options(alice, NOBODY), net.peer(NOBODY));
    String branch = tx.request().topViaBranch();
    String ok =
        "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 127.0.0.1:5070;branch="
            + branch
            + "\r\n"
            + "From: <sip:alice@example.com>;tag=a1\r\nTo: <sip:bob@example.com>;tag=b1\r\n"
            + "Call-ID: c1@x\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";
    net.inject(NOBODY, ALICE, ok);
    net.inject(NOBODY, ALICE, ok);
    assertThat(aliceTu.statuses()).containsExactly(200);
    assertThat(tx.state()).isEqualTo(ClientNonInviteTransaction.State.COMPLETED);
    net.advanceSeconds(4.999);
    assertThat(tx.state()).isEqualTo(ClientNonInviteTransaction.State.COMPLETED);
    net.advanceSeconds(0.001); // §17.1.2.2: Timer K = T4
    assertThat(tx.state()).isEqualTo(ClientNonInviteTransaction.State.TERMINATED);
    net.inject(NOBODY, ALICE, ok);
    assertThat(alice.counters().strayResponses.sum()).isEqualTo(1);
    assertThat(aliceTu.strays).hasSize(1);
  }

  @Test
  void reliableTransportSendsOnceAndTerminatesAtOnce() {
    LoopNetwork net = new LoopNetwork(Transport.TCP);
    TransactionLayer alice = net.bind(ALICE, TransactionConfig.DEFAULT, aliceTu);
    TransactionLayer bob = net.bind(BOB, TransactionConfig.DEFAULT, bobTu);
    ClientTransaction lost = alice.sendRequest(options(alice, NOBODY), net.peer(NOBODY));
    bobTu.onRequest = (tx, m) -> tx.respond(200, "OK");
    ClientTransaction answered = alice.sendRequest(options(alice, BOB), net.peer(BOB));
    net.advanceSeconds(0);
    // Timers J and K are zero on a reliable transport
    assertThat(answered.isTerminated()).isTrue();
    assertThat(bob.openTransactions()).isZero();
    net.advanceSeconds(32);
    assertThat(net.sentFrom(ALICE, "OPTIONS")).hasSize(2); // no Timer E
    assertThat(aliceTu.timeouts).containsExactly(lost); // Timer F runs on every transport
    assertThat(alice.counters().retransmissionsOut.sum()).isZero();
  }

  @Test
  void unansweredRequestIsAnswered500ByTheLayerAndCounted() {
    TransactionConfig config =
        new TransactionConfig(
            Duration.ofMillis(500),
            Duration.ofSeconds(4),
            Duration.ofSeconds(5),
            Duration.ofMillis(200),
            Duration.ofSeconds(10),
            Duration.ofSeconds(20));
    LoopNetwork net = new LoopNetwork(Transport.UDP);
    TransactionLayer alice = net.bind(ALICE, config, aliceTu);
    TransactionLayer bob = net.bind(BOB, config, bobTu);
    alice.sendRequest(options(alice, BOB), net.peer(BOB));
    net.advanceSeconds(9.999);
    assertThat(aliceTu.responses).isEmpty();
    net.advanceSeconds(0.001);
    assertThat(aliceTu.statuses()).containsExactly(500);
    assertThat(bob.counters().unanswered.sum()).isEqualTo(1);
    ServerTransaction forgotten = bobTu.requests.get(0);
    assertThat(forgotten.isAnswered()).isTrue();
    // answering late is a TU bug, and says so with the state
    assertThatThrownBy(() -> forgotten.respond(200, "OK"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("in state Completed");
  }

  @Test
  void transportErrorIsReportedToTheTu() {
    LoopNetwork net = new LoopNetwork(Transport.UDP);
    TransactionLayer alice =
        new TransactionLayer(
            TransactionConfig.DEFAULT,
            net.scheduler,
            (to, message, onFailure) ->
                net.scheduler.schedule(() -> onFailure.sendFailed(to, "port unreachable"), 0),
            aliceTu);
    ClientTransaction tx = alice.sendRequest(options(alice, BOB), net.peer(BOB));
    net.advanceSeconds(0);
    assertThat(aliceTu.transportErrors).hasSize(1);
    assertThat(aliceTu.transportErrors.get(0)).contains("port unreachable");
    assertThat(tx.isTerminated()).isTrue();
    assertThat(alice.counters().transportErrors.sum()).isEqualTo(1);
  }

  @Test
  void anAnswerInTheTuCallbackIsTheAnswerGivenLater() {
    // in the callback the layer builds it from the received message, later from the kept bytes
    byte[] answeredAtOnce = answerFromBob(false);
    byte[] answeredLater = answerFromBob(true);
    assertThat(new String(answeredAtOnce, java.nio.charset.StandardCharsets.UTF_8))
        .startsWith("SIP/2.0 200 OK")
        .contains("Allow: OPTIONS")
        .contains(";tag=tl")
        .isEqualTo(new String(answeredLater, java.nio.charset.StandardCharsets.UTF_8));
  }

  /** Bob's 200 to one fixed OPTIONS, given in the TU call or one second after it. */
  private static byte[] answerFromBob(boolean later) {
    LoopNetwork net = new LoopNetwork(Transport.UDP);
    RecordingUser alice = new RecordingUser();
    RecordingUser bob = new RecordingUser();
    TransactionLayer a = net.bind(ALICE, TransactionConfig.DEFAULT, alice);
    net.bind(BOB, TransactionConfig.DEFAULT, bob);
    java.util.List<ServerTransaction> pending = new java.util.ArrayList<>();
    bob.onRequest =
        (tx, m) -> {
          if (later) {
            pending.add(tx);
          } else {
            tx.respond(200, "OK", "Allow: OPTIONS");
          }
        };
    a.sendRequest(
        Requests.bytes(Requests.request("OPTIONS", ALICE, BOB, "z9hG4bKsame", "same@x", 1)),
        net.peer(BOB));
    net.advanceSeconds(1);
    pending.forEach(tx -> tx.respond(200, "OK", "Allow: OPTIONS"));
    net.advanceSeconds(0.1);
    assertThat(alice.statuses()).containsExactly(200);
    return net.sentFrom(BOB, "SIP/2.0 200").get(0).bytes();
  }

  /**
   * The gauge tests await before giving a peer's port to a new process: client transactions to it
   * that may still send a copy of their request; an answered one, or one that timed out, does not.
   */
  @Test
  void retransmittingToCountsTheRequestsAPeerMayStillGetACopyOf() {
    LoopNetwork net = new LoopNetwork(Transport.UDP);
    TransactionLayer alice = net.bind(ALICE, TransactionConfig.DEFAULT, aliceTu);
    net.bind(BOB, TransactionConfig.DEFAULT, bobTu);
    bobTu.onRequest = (tx, m) -> tx.respond(100, "Trying");
    alice.sendRequest(options(alice, NOBODY), net.peer(NOBODY));
    alice.sendRequest(options(alice, NOBODY), net.peer(NOBODY));
    alice.sendRequest(InviteTransactionTest.invite(alice, NOBODY), net.peer(NOBODY));
    ClientNonInviteTransaction toBob =
        (ClientNonInviteTransaction) alice.sendRequest(options(alice, BOB), net.peer(BOB));
    assertThat(alice.retransmittingTo(NOBODY)).isEqualTo(3);
    net.advanceSeconds(0.1);
    // Proceeding still retransmits (Timer E at T2)
    assertThat(toBob.state()).isEqualTo(ClientNonInviteTransaction.State.PROCEEDING);
    assertThat(alice.retransmittingTo(BOB)).isEqualTo(1);
    assertThat(alice.retransmittingTo(LoopNetwork.address(2, 5062))).isZero();
    // Timer F and Timer B end them at 64*T1
    net.advanceSeconds(32);
    assertThat(alice.retransmittingTo(NOBODY)).isZero();
    assertThat(alice.retransmittingTo(BOB)).isZero();
    // a final answer ends it at once (Completed sends nothing of its own)
    bobTu.onRequest = (tx, m) -> tx.respond(200, "OK");
    ClientNonInviteTransaction answered =
        (ClientNonInviteTransaction) alice.sendRequest(options(alice, BOB), net.peer(BOB));
    assertThat(alice.retransmittingTo(BOB)).isEqualTo(1);
    net.advanceSeconds(0.1);
    assertThat(answered.state()).isEqualTo(ClientNonInviteTransaction.State.COMPLETED);
    assertThat(alice.retransmittingTo(BOB)).isZero();
  }

  static byte[] options(TransactionLayer layer, InetSocketAddress to) {
    return Requests.bytes(Requests.request("OPTIONS", ALICE, to, layer.newBranch(), "c1@x", 1));
  }
}
