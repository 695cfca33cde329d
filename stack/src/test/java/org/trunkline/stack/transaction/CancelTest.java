package org.trunkline.stack.transaction;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;
import org.trunkline.sip.SipMessage;
import org.trunkline.sip.SipMethod;
import org.trunkline.stack.Transport;

/** §9.1 and §9.2 over the loop transport. */
class CancelTest {
  static final InetSocketAddress ALICE = LoopNetwork.address(1, 5070);
  static final InetSocketAddress BOB = LoopNetwork.address(2, 5060);

  final RecordingUser aliceTu = new RecordingUser();
  final RecordingUser bobTu = new RecordingUser();
  final LoopNetwork net = new LoopNetwork(Transport.UDP);
  final TransactionLayer alice = net.bind(ALICE, TransactionConfig.DEFAULT, aliceTu);
  final TransactionLayer bob = net.bind(BOB, TransactionConfig.DEFAULT, bobTu);

  @Test
  void cancelOfAPendingInviteGets200AndTheInvite487() {
    bobTu.onRequest = (tx, m) -> tx.respond(180, "Ringing");
    ClientInviteTransaction invite =
        (ClientInviteTransaction) alice.sendRequest(invite(), net.peer(BOB));
    net.advanceSeconds(1);
    assertThat(invite.cancel()).isTrue();
    net.advanceSeconds(1);

    assertThat(bobTu.cancels).hasSize(1);
    assertThat(net.sentFrom(BOB, "SIP/2.0").stream().map(LoopNetwork.Sent::firstLine))
        .containsExactly("SIP/2.0 180 Ringing", "SIP/2.0 200 OK", "SIP/2.0 487 Request Terminated");
    assertThat(aliceTu.responses.stream().map(r -> r.status() + " " + r.cseqMethod()))
        .containsExactly("180 INVITE", "200 CANCEL", "487 INVITE");
    SipMessage cancel = parse(net.sentFrom(ALICE, "CANCEL").get(0).bytes());
    // §9.1: the INVITE's branch, Request-URI, Call-ID, From, To and CSeq number
    SipMessage sentInvite = parse(net.sentFrom(ALICE, "INVITE").get(0).bytes());
    assertThat(cancel.topViaBranch()).isEqualTo(sentInvite.topViaBranch());
    assertThat(cancel.requestUriText()).isEqualTo(sentInvite.requestUriText());
    assertThat(cancel.cseqNumber()).isEqualTo(1);
    assertThat(cancel.cseqMethod()).isEqualTo(SipMethod.CANCEL);
    // §9.2: the 200 to the CANCEL and the 487 carry the same To tag
    assertThat(aliceTu.responses.get(1).toTag()).isEqualTo(aliceTu.responses.get(2).toTag());
    assertThat(net.sentFrom(ALICE, "ACK")).hasSize(1);
    assertThat(((ServerInviteTransaction) bobTu.requests.get(0)).state())
        .isEqualTo(ServerInviteTransaction.State.CONFIRMED);
    assertThat(bobTu.requests).hasSize(1); // the CANCEL is the layer's, not the TU's
  }

  @Test
  void aSecondCancelSendsNoSecondCancel() {
    // A TU that cancels on every 180 calls cancel() again when the 180 is retransmitted (the UAS
    // resends its last
    // provisional on each INVITE retransmission): one CANCEL per INVITE, one Timer B.
    bobTu.onRequest = (tx, m) -> tx.respond(180, "Ringing");
    ClientInviteTransaction invite =
        (ClientInviteTransaction) alice.sendRequest(invite(), net.peer(BOB));
    net.advanceSeconds(0.1);
    assertThat(invite.cancel()).isTrue();
    assertThat(invite.cancel()).isTrue();
    net.advanceSeconds(1);
    assertThat(net.sentFrom(ALICE, "CANCEL")).hasSize(1);
    assertThat(aliceTu.statuses()).containsExactly(180, 200, 487);
  }

  @Test
  void cancelBeforeAnyProvisionalWaitsForOne() {
    ClientInviteTransaction invite =
        (ClientInviteTransaction) alice.sendRequest(invite(), net.peer(BOB));
    assertThat(invite.cancel()).isTrue();
    net.advanceSeconds(0.199);
    assertThat(net.sentFrom(ALICE, "CANCEL")).isEmpty();
    net.advanceSeconds(0.001); // Bob's 100 Trying
    assertThat(net.timesFrom(ALICE, "CANCEL")).containsExactly(0.2);
    net.advanceSeconds(1);
    assertThat(aliceTu.statuses()).containsExactly(100, 200, 487);
  }

  @Test
  void cancelAfterTheFinalResponseHasNoEffect() {
    bobTu.onRequest = (tx, m) -> tx.respond(486, "Busy Here");
    ClientInviteTransaction invite =
        (ClientInviteTransaction) alice.sendRequest(invite(), net.peer(BOB));
    net.advanceSeconds(0.1);
    assertThat(invite.cancel()).isFalse();
    net.advanceSeconds(1);
    assertThat(net.sentFrom(ALICE, "CANCEL")).isEmpty();
  }

  @Test
  void cancelThatMatchesNothingGets481AndItsRetransmissionTheSameAnswer() {
    String cancel = Requests.request("CANCEL", ALICE, BOB, "z9hG4bK-none", "none@x", 1);
    net.inject(ALICE, BOB, cancel);
    net.inject(ALICE, BOB, cancel);
    assertThat(net.sentFrom(BOB, "SIP/2.0").stream().map(LoopNetwork.Sent::firstLine))
        .containsExactly(
            "SIP/2.0 481 Call/Transaction Does Not Exist",
            "SIP/2.0 481 Call/Transaction Does Not Exist");
    assertThat(bob.counters().unmatchedCancels.sum()).isEqualTo(1);
    assertThat(bobTu.requests).isEmpty();
  }

  @Test
  void cancelledInviteWithoutFinalAnswerGivesUpAfter64T1() {
    bobTu.onRequest = (tx, m) -> tx.respond(180, "Ringing");
    bobTu.defaultCancel = false; // Bob's TU never answers the INVITE
    ClientInviteTransaction invite =
        (ClientInviteTransaction) alice.sendRequest(invite(), net.peer(BOB));
    net.advanceSeconds(1);
    invite.cancel();
    net.advanceSeconds(31.999);
    assertThat(aliceTu.timeouts).isEmpty();
    net.advanceSeconds(0.001); // §9.1: 64*T1 after the CANCEL
    assertThat(aliceTu.timeouts).containsExactly(invite);
  }

  byte[] invite() {
    return Requests.bytes(Requests.request("INVITE", ALICE, BOB, alice.newBranch(), "cx@x", 1));
  }

  static SipMessage parse(byte[] b) {
    return new org.trunkline.sip.SipParser().parseDatagram(b);
  }
}
