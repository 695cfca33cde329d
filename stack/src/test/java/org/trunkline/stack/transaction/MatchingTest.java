package org.trunkline.stack.transaction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;
import org.trunkline.sip.SipMessage;
import org.trunkline.stack.Transport;

/** §17.1.3 and §17.2.3 matching, with the RFC 2543 fallback. */
class MatchingTest {
  static final InetSocketAddress ALICE = LoopNetwork.address(1, 5070);
  static final InetSocketAddress CAROL = LoopNetwork.address(3, 5070);
  static final InetSocketAddress BOB = LoopNetwork.address(2, 5060);

  final RecordingUser bobTu = new RecordingUser();
  final LoopNetwork net = new LoopNetwork(Transport.UDP);
  final TransactionLayer bob = net.bind(BOB, TransactionConfig.DEFAULT, bobTu);

  @Test
  void rfc2543RequestsWithoutBranchMatchByUriTagsCallIdCseqAndVia() {
    bobTu.onRequest = (tx, m) -> tx.respond(486, "Busy Here");
    String invite = Requests.request("INVITE", ALICE, BOB, null, "old@x", 1);
    net.inject(ALICE, BOB, invite);
    net.inject(ALICE, BOB, invite);
    net.inject(ALICE, BOB, invite);
    assertThat(bobTu.requests).hasSize(1);
    assertThat(net.sentFrom(BOB, "SIP/2.0 486")).hasSize(3);

    // The ACK: same Request-URI, From tag, Call-ID, CSeq number and Via, our To tag
    SipMessage busy = InviteTransactionTest.parse(net.sentFrom(BOB, "SIP/2.0 486").get(0).bytes());
    String ack = InviteTransactionTest.ack(busy, "x").replace(";branch=x", "");
    net.inject(ALICE, BOB, ack);
    assertThat(((ServerInviteTransaction) bobTu.requests.get(0)).state())
        .isEqualTo(ServerInviteTransaction.State.CONFIRMED);
    assertThat(bob.counters().strayAcks.sum()).isZero();

    // A new CSeq, or another Call-ID, is a new transaction
    net.inject(ALICE, BOB, Requests.request("INVITE", ALICE, BOB, null, "old@x", 2));
    net.inject(ALICE, BOB, Requests.request("INVITE", ALICE, BOB, null, "other@x", 1));
    assertThat(bobTu.requests).hasSize(3);
  }

  @Test
  void rfc2543CancelMatchesItsInvite() {
    net.inject(ALICE, BOB, Requests.request("INVITE", ALICE, BOB, null, "old@x", 1));
    net.inject(ALICE, BOB, Requests.request("CANCEL", ALICE, BOB, null, "old@x", 1));
    assertThat(bobTu.cancels).hasSize(1);
    assertThat(net.sentFrom(BOB, "SIP/2.0").stream().map(LoopNetwork.Sent::firstLine))
        .containsExactly("SIP/2.0 200 OK", "SIP/2.0 487 Request Terminated");
  }

  @Test
  void sameBranchFromAnotherSentByIsAnotherTransaction() {
    net.inject(ALICE, BOB, Requests.request("OPTIONS", ALICE, BOB, "z9hG4bK-same", "s@x", 1));
    net.inject(CAROL, BOB, Requests.request("OPTIONS", CAROL, BOB, "z9hG4bK-same", "s@x", 1));
    assertThat(bobTu.requests).hasSize(2);
  }

  @Test
  void sameBranchWithAnotherMethodIsAnotherTransaction() {
    net.inject(ALICE, BOB, Requests.request("OPTIONS", ALICE, BOB, "z9hG4bK-m", "m@x", 1));
    net.inject(ALICE, BOB, Requests.request("INFO", ALICE, BOB, "z9hG4bK-m", "m@x", 1));
    assertThat(bobTu.requests).hasSize(2);
  }

  @Test
  void cancelRetransmissionIsAnsweredFromItsOwnTransaction() {
    net.inject(ALICE, BOB, Requests.request("INVITE", ALICE, BOB, "z9hG4bK-c", "c@x", 1));
    String cancel = Requests.request("CANCEL", ALICE, BOB, "z9hG4bK-c", "c@x", 1);
    net.inject(ALICE, BOB, cancel);
    net.inject(ALICE, BOB, cancel);
    assertThat(bobTu.cancels).hasSize(1);
    assertThat(net.sentFrom(BOB, "SIP/2.0 200 OK")).hasSize(2);
    assertThat(net.sentFrom(BOB, "SIP/2.0 487")).hasSize(1);
  }

  @Test
  void strayAckAndStrayResponseAreCountedAndReported() {
    net.inject(ALICE, BOB, Requests.request("ACK", ALICE, BOB, "z9hG4bK-stray", "stray@x", 1));
    net.inject(
        ALICE,
        BOB,
        "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 127.0.0.2:5060;branch=z9hG4bK-unknown\r\n"
            + "From: <sip:b@x>;tag=1\r\nTo: <sip:a@x>;tag=2\r\nCall-ID: q@x\r\n"
            + "CSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n");
    assertThat(bob.counters().strayAcks.sum()).isEqualTo(1);
    assertThat(bob.counters().strayResponses.sum()).isEqualTo(1);
    assertThat(bobTu.strays).hasSize(2);
    assertThat(net.sentFrom(BOB, "")).isEmpty(); // an ACK is never answered
  }

  @Test
  void responseForAnotherMethodWithTheSameBranchDoesNotMatch() {
    RecordingUser aliceTu = new RecordingUser();
    TransactionLayer alice = net.bind(ALICE, TransactionConfig.DEFAULT, aliceTu);
    String branch = alice.newBranch();
    alice.sendRequest(
        Requests.bytes(Requests.request("OPTIONS", ALICE, CAROL, branch, "r@x", 1)),
        net.peer(CAROL));
    String response =
        "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 127.0.0.1:5070;branch="
            + branch
            + "\r\n"
            + "From: <sip:alice@example.com>;tag=a1\r\nTo: <sip:bob@example.com>;tag=2\r\n"
            + "Call-ID: r@x\r\nCSeq: 1 INFO\r\nContent-Length: 0\r\n\r\n";
    net.inject(CAROL, ALICE, response);
    assertThat(aliceTu.responses).isEmpty();
    assertThat(aliceTu.strays).hasSize(1);
    net.inject(CAROL, ALICE, response.replace("1 INFO", "1 OPTIONS"));
    assertThat(aliceTu.statuses()).containsExactly(200);
  }

  @Test
  void sendRequestRejectsWhatCannotBeATransaction() {
    assertThatThrownBy(() ->
            bob.sendRequest(
                Requests.bytes(Requests.request("OPTIONS", BOB, ALICE, "old", "x@x", 1)),
                net.peer(ALICE)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must start with z9hG4bK, got old");
    String branch = bob.newBranch();
    byte[] options = Requests.bytes(Requests.request("OPTIONS", BOB, ALICE, branch, "x@x", 1));
    bob.sendRequest(options, net.peer(ALICE));
    assertThatThrownBy(() -> bob.sendRequest(options, net.peer(ALICE)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is in use");
  }
}
