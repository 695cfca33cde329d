package org.trunkline.stack.transaction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.trunkline.sip.SipMessage;
import org.trunkline.stack.Transport;

/** §17.1.1 and §17.2.1 with RFC 6026 over the loop transport, on virtual time. */
class InviteTransactionTest {
  static final InetSocketAddress ALICE = LoopNetwork.address(1, 5070);
  static final InetSocketAddress BOB = LoopNetwork.address(2, 5060);
  static final InetSocketAddress NOBODY = LoopNetwork.address(9, 5060);

  final RecordingUser aliceTu = new RecordingUser();
  final RecordingUser bobTu = new RecordingUser();

  @Test
  void timerADoublesAndTimerBReportsTimeoutAt64T1() {
    LoopNetwork net = new LoopNetwork(Transport.UDP);
    TransactionLayer alice = net.bind(ALICE, TransactionConfig.DEFAULT, aliceTu);
    ClientTransaction tx = alice.sendRequest(invite(alice, NOBODY), net.peer(NOBODY));
    net.advanceSeconds(31.999);
    // §17.1.1.2: Timer A doubles from T1 (no T2 cap for INVITE requests)
    assertThat(net.timesFrom(ALICE, "INVITE")).containsExactly(0.0, 0.5, 1.5, 3.5, 7.5, 15.5, 31.5);
    assertThat(aliceTu.timeouts).isEmpty();
    net.advanceSeconds(0.001);
    assertThat(aliceTu.timeouts).containsExactly(tx);
    assertThat(tx.isTerminated()).isTrue();
    assertThat(alice.counters().timeouts.sum()).isEqualTo(1);
  }

  @Test
  void serverSends100TryingAfter200MsAndTheClientStopsRetransmitting() {
    LoopNetwork net = new LoopNetwork(Transport.UDP);
    TransactionLayer alice = net.bind(ALICE, TransactionConfig.DEFAULT, aliceTu);
    net.bind(BOB, TransactionConfig.DEFAULT, bobTu);
    ClientInviteTransaction tx =
        (ClientInviteTransaction) alice.sendRequest(invite(alice, BOB), net.peer(BOB));
    net.advanceSeconds(0.199);
    assertThat(net.sentFrom(BOB, "SIP/2.0 100")).isEmpty();
    net.advanceSeconds(0.001);
    assertThat(net.timesFrom(BOB, "SIP/2.0 100 Trying")).containsExactly(0.2);
    assertThat(tx.state()).isEqualTo(ClientInviteTransaction.State.PROCEEDING);
    net.advanceSeconds(60);
    // no Timer A retransmission, and Timer B does not fire in Proceeding
    assertThat(net.sentFrom(ALICE, "INVITE")).hasSize(1);
    assertThat(aliceTu.timeouts).isEmpty();
  }

  @Test
  void noTryingWhenTheTuAnswersProvisionallyInTime() {
    LoopNetwork net = new LoopNetwork(Transport.UDP);
    TransactionLayer alice = net.bind(ALICE, TransactionConfig.DEFAULT, aliceTu);
    net.bind(BOB, TransactionConfig.DEFAULT, bobTu);
    bobTu.onRequest = (tx, m) -> tx.respond(180, "Ringing");
    alice.sendRequest(invite(alice, BOB), net.peer(BOB));
    net.advanceSeconds(1);
    assertThat(net.sentFrom(BOB, "SIP/2.0 100")).isEmpty();
    assertThat(aliceTu.statuses()).containsExactly(180);
  }

  @Test
  void non2xxFinalIsRetransmittedByTimerGAndOnRequestRetransmissionUntilAck() {
    LoopNetwork net = new LoopNetwork(Transport.UDP);
    TransactionLayer bob = net.bind(BOB, TransactionConfig.DEFAULT, bobTu);
    bobTu.onRequest = (tx, m) -> tx.respond(486, "Busy Here");
    String invite = Requests.request("INVITE", ALICE, BOB, "z9hG4bK-g", "g@x", 1);
    net.inject(ALICE, BOB, invite);
    net.advanceSeconds(1.0);
    net.inject(ALICE, BOB, invite); // §17.2.1: the final response again
    net.advanceSeconds(15.0);
    assertThat(bobTu.requests).hasSize(1);
    // Timer G: T1, 2*T1, 4*T1 then T2; plus the answer to the retransmitted INVITE at 1.0
    assertThat(net.timesFrom(BOB, "SIP/2.0 486"))
        .containsExactly(0.0, 0.5, 1.0, 1.5, 3.5, 7.5, 11.5, 15.5);
    ServerInviteTransaction tx = (ServerInviteTransaction) bobTu.requests.get(0);
    SipMessage busy = parse(net.sentFrom(BOB, "SIP/2.0 486").get(0).bytes());
    net.inject(ALICE, BOB, ack(busy, "z9hG4bK-g"));
    assertThat(tx.state()).isEqualTo(ServerInviteTransaction.State.CONFIRMED);
    net.inject(ALICE, BOB, invite); // absorbed in Confirmed
    net.advanceSeconds(4.999);
    assertThat(net.sentFrom(BOB, "SIP/2.0 486")).hasSize(8);
    assertThat(tx.state()).isEqualTo(ServerInviteTransaction.State.CONFIRMED);
    net.advanceSeconds(0.001); // Timer I = T4
    assertThat(tx.isTerminated()).isTrue();
    assertThat(bob.openTransactions()).isZero();
    assertThat(bobTu.timeouts).isEmpty();
  }

  @Test
  void answeringAgainAfterANon2xxFinalIsATuBugNamedWithItsState() {
    LoopNetwork net = new LoopNetwork(Transport.UDP);
    net.bind(BOB, TransactionConfig.DEFAULT, bobTu);
    bobTu.onRequest = (tx, m) -> tx.respond(486, "Busy Here");
    net.inject(ALICE, BOB, Requests.request("INVITE", ALICE, BOB, "z9hG4bK-twice", "t@x", 1));
    ServerTransaction tx = bobTu.requests.get(0);
    assertThatThrownBy(() -> tx.respond(180, "Ringing"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("response 180 from the TU in state Completed");
    assertThatThrownBy(() -> tx.respond(Requests.bytes("OPTIONS sip:x SIP/2.0\r\n\r\n")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a response");
  }

  @Test
  void timerHReportsAMissingAckForANon2xxFinal() {
    LoopNetwork net = new LoopNetwork(Transport.UDP);
    net.bind(BOB, TransactionConfig.DEFAULT, bobTu);
    bobTu.onRequest = (tx, m) -> tx.respond(603, "Decline");
    net.inject(ALICE, BOB, Requests.request("INVITE", ALICE, BOB, "z9hG4bK-h", "h@x", 1));
    net.advanceSeconds(31.999);
    assertThat(bobTu.timeouts).isEmpty();
    net.advanceSeconds(0.001);
    assertThat(bobTu.timeouts).containsExactly(bobTu.requests.get(0));
  }

  @Test
  void aTransactionPastItsFinalResponseKeepsOnlyWhatItMayResend() {
    LoopNetwork net = new LoopNetwork(Transport.UDP);
    TransactionLayer alice = net.bind(ALICE, TransactionConfig.DEFAULT, aliceTu);
    net.bind(BOB, TransactionConfig.DEFAULT, bobTu);
    bobTu.onRequest = (tx, m) -> tx.respond(486, "Busy Here");
    ClientInviteTransaction client =
        (ClientInviteTransaction) alice.sendRequest(invite(alice, BOB), net.peer(BOB));
    net.advanceSeconds(0.1);
    ServerInviteTransaction server = (ServerInviteTransaction) bobTu.requests.get(0);

    // The 32 s that Timers D and I (and J, K, L, M) keep a transaction only absorb retransmissions:
    // the request's bytes are gone from both sides, and after the ACK the final response too.
    assertThat(client.state()).isEqualTo(ClientInviteTransaction.State.COMPLETED);
    assertThat(client.request).isNull();
    assertThatThrownBy(client::request).hasMessageContaining("not kept after the final response");
    assertThat(server.state()).isEqualTo(ServerInviteTransaction.State.CONFIRMED);
    assertThat(server.request).isNull();
    assertThat(server.lastResponse).isNull();
    assertThatThrownBy(() -> server.respond(500, "Again"))
        .hasMessageContaining("response 500 from the TU in state Confirmed");
  }

  @Test
  void clientAcksANon2xxFinalItselfAndAgainForEachRetransmission() {
    LoopNetwork net = new LoopNetwork(Transport.UDP);
    TransactionLayer alice = net.bind(ALICE, TransactionConfig.DEFAULT, aliceTu);
    TransactionLayer bob = net.bind(BOB, TransactionConfig.DEFAULT, bobTu);
    bobTu.onRequest = (tx, m) -> tx.respond(486, "Busy Here");
    ClientInviteTransaction tx =
        (ClientInviteTransaction) alice.sendRequest(invite(alice, BOB), net.peer(BOB));
    net.advanceSeconds(0.1);
    assertThat(aliceTu.statuses()).containsExactly(486);
    assertThat(tx.state()).isEqualTo(ClientInviteTransaction.State.COMPLETED);
    SipMessage ack = parse(net.sentFrom(ALICE, "ACK").get(0).bytes());
    // §17.1.1.3: same branch and Request-URI as the INVITE, the To tag of the response
    SipMessage sentInvite = parse(net.sentFrom(ALICE, "INVITE").get(0).bytes());
    assertThat(ack.topViaBranch()).isEqualTo(sentInvite.topViaBranch());
    assertThat(ack.requestUriText()).isEqualTo(sentInvite.requestUriText());
    assertThat(ack.toTag()).isEqualTo(aliceTu.responses.get(0).toTag()).isNotNull();
    assertThat(ack.cseqNumber()).isEqualTo(1);
    assertThat(bob.openTransactions()).isEqualTo(1);
    assertThat(((ServerInviteTransaction) bobTu.requests.get(0)).state())
        .isEqualTo(ServerInviteTransaction.State.CONFIRMED);
    net.inject(BOB, ALICE, new String(net.sentFrom(BOB, "SIP/2.0 486").get(0).bytes()));
    assertThat(net.sentFrom(ALICE, "ACK")).hasSize(2);
    assertThat(aliceTu.statuses()).containsExactly(486);
    net.advanceSeconds(32); // Timer D
    assertThat(tx.isTerminated()).isTrue();
  }

  @Test
  void twoHundredIsRetransmittedUntilTheAckAndAcceptedPassesCopiesToTheTu() {
    LoopNetwork net = new LoopNetwork(Transport.UDP);
    TransactionLayer alice = net.bind(ALICE, TransactionConfig.DEFAULT, aliceTu);
    TransactionLayer bob = net.bind(BOB, TransactionConfig.DEFAULT, bobTu);
    bobTu.onRequest = (tx, m) -> tx.respond(200, "OK");
    // Alice's TU is slow: it ACKs only the third copy of the 2xx
    aliceTu.onResponse =
        (tx, m) -> {
          if (aliceTu.responses.size() == 3) {
            alice.sendStateless(
                Requests.ackFor2xx(m, ALICE, BOB, alice.newBranch()), net.peer(BOB));
          }
        };
    ClientInviteTransaction tx =
        (ClientInviteTransaction) alice.sendRequest(invite(alice, BOB), net.peer(BOB));
    net.advanceSeconds(10);
    // §13.3.1.4: T1, 2*T1 ... until the ACK at 1.5 s
    assertThat(net.timesFrom(BOB, "SIP/2.0 200")).containsExactly(0.0, 0.5, 1.5);
    assertThat(net.timesFrom(ALICE, "ACK")).containsExactly(1.5);
    assertThat(bobTu.acks).hasSize(1);
    // RFC 6026 on §17.1.1.2: the copies match the Accepted transaction; none is stray
    assertThat(aliceTu.statuses()).containsExactly(200, 200, 200);
    assertThat(aliceTu.strays).isEmpty();
    assertThat(tx.state()).isEqualTo(ClientInviteTransaction.State.ACCEPTED);
    ServerInviteTransaction server = (ServerInviteTransaction) bobTu.requests.get(0);
    assertThat(server.state()).isEqualTo(ServerInviteTransaction.State.ACCEPTED);
    net.advanceSeconds(22); // Timers L and M = 64*T1
    assertThat(server.isTerminated()).isTrue();
    assertThat(tx.isTerminated()).isTrue();
    assertThat(bobTu.timeouts).isEmpty();
    assertThat(server.unackedCallId()).isNull();
    assertThat(alice.openTransactions() + bob.openTransactions()).isZero();
  }

  @Test
  void twoHundredWithoutAckStopsAtTimerLAndTellsTheTu() {
    LoopNetwork net = new LoopNetwork(Transport.UDP);
    net.bind(BOB, TransactionConfig.DEFAULT, bobTu);
    bobTu.onRequest = (tx, m) -> tx.respond(200, "OK");
    String invite = Requests.request("INVITE", ALICE, BOB, "z9hG4bK-l", "l@x", 1);
    net.inject(ALICE, BOB, invite);
    net.inject(ALICE, BOB, invite); // RFC 6026 on §17.2.1: absorbed in Accepted
    net.advanceSeconds(40);
    assertThat(net.timesFrom(BOB, "SIP/2.0 200"))
        .containsExactly(0.0, 0.5, 1.5, 3.5, 7.5, 11.5, 15.5, 19.5, 23.5, 27.5, 31.5);
    assertThat(bobTu.timeouts).containsExactly(bobTu.requests.get(0));
    assertThat(bobTu.requests).hasSize(1);
    // the TU learns which INVITE's 2xx went unacknowledged (its request is released by then)
    ServerInviteTransaction server = (ServerInviteTransaction) bobTu.requests.get(0);
    assertThat(server.unackedCallId()).isEqualTo("l@x");
    assertThat(server.unackedCseq()).isEqualTo(1);
  }

  @Test
  void reliableTransportNeitherRetransmitsNorWaits() {
    LoopNetwork net = new LoopNetwork(Transport.TCP);
    TransactionLayer alice = net.bind(ALICE, TransactionConfig.DEFAULT, aliceTu);
    TransactionLayer bob = net.bind(BOB, TransactionConfig.DEFAULT, bobTu);
    bobTu.onRequest = (tx, m) -> tx.respond(486, "Busy Here");
    ClientTransaction busy = alice.sendRequest(invite(alice, BOB), net.peer(BOB));
    ClientTransaction lost = alice.sendRequest(invite(alice, NOBODY), net.peer(NOBODY));
    net.advanceSeconds(0);
    // Timers D and I are zero on a reliable transport
    assertThat(busy.isTerminated()).isTrue();
    assertThat(bob.openTransactions()).isZero();
    net.advanceSeconds(40);
    assertThat(net.sentFrom(ALICE, "INVITE")).hasSize(2);
    assertThat(net.sentFrom(BOB, "SIP/2.0 486")).hasSize(1);
    assertThat(aliceTu.timeouts).containsExactly(lost);
    assertThat(alice.counters().retransmissionsOut.sum() + bob.counters().retransmissionsOut.sum())
        .isZero();
  }

  @Test
  void unansweredInviteGetsTryingThen500AndTheClientAcksIt() {
    TransactionConfig config =
        new TransactionConfig(
            Duration.ofMillis(500),
            Duration.ofSeconds(4),
            Duration.ofSeconds(5),
            Duration.ofMillis(200),
            Duration.ofSeconds(32),
            Duration.ofSeconds(20));
    LoopNetwork net = new LoopNetwork(Transport.UDP);
    TransactionLayer alice = net.bind(ALICE, config, aliceTu);
    TransactionLayer bob = net.bind(BOB, config, bobTu);
    alice.sendRequest(invite(alice, BOB), net.peer(BOB));
    net.advanceSeconds(19.999);
    assertThat(aliceTu.statuses()).containsExactly(100);
    net.advanceSeconds(0.001);
    assertThat(aliceTu.statuses()).containsExactly(100, 500);
    assertThat(bob.counters().unanswered.sum()).isEqualTo(1);
    assertThat(net.sentFrom(ALICE, "ACK")).hasSize(1);
    assertThat(((ServerInviteTransaction) bobTu.requests.get(0)).state())
        .isEqualTo(ServerInviteTransaction.State.CONFIRMED);
  }

  static byte[] invite(TransactionLayer layer, InetSocketAddress to) {
    return Requests.bytes(Requests.request("INVITE", ALICE, to, layer.newBranch(), "i1@x", 1));
  }

  static SipMessage parse(byte[] b) {
    return new org.trunkline.sip.SipParser().parseDatagram(b);
  }

  /** A hand-written ACK for a non-2xx response to an injected INVITE. */
  static String ack(SipMessage response, String branch) {
    return "ACK sip:bob@127.0.0.2:5060 SIP/2.0\r\n"
        + "Via: SIP/2.0/UDP 127.0.0.1:5070;branch="
        + branch
        + "\r\n"
        + "Max-Forwards: 70\r\n"
        + "From: <sip:alice@example.com>;tag=a1\r\n"
        + "To: "
        + response.header(org.trunkline.sip.HeaderName.TO)
        + "\r\n"
        + "Call-ID: "
        + response.callId()
        + "\r\n"
        + "CSeq: "
        + response.cseqNumber()
        + " ACK\r\n"
        + "Content-Length: 0\r\n\r\n";
  }
}
