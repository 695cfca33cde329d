package org.trunkline.stack.transaction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.lang.ref.WeakReference;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.trunkline.sip.SipMessage;
import org.trunkline.stack.Transport;

/**
 * RFC 6026's Accepted state once nothing in it reaches a TU any more: a server INVITE whose 2xx was
 * ACKed, a client INVITE whose TU handed it over ({@link ClientInviteTransaction#ackEach2xx}). The
 * layer keeps keys and bytes for Timers L and M, not the transaction objects (issue 6: what a call
 * leaves live for 32 s), and absorbs and answers exactly as the objects did.
 */
class AcceptedTransactionsTest {
  static final InetSocketAddress ALICE = LoopNetwork.address(1, 5070);
  static final InetSocketAddress BOB = LoopNetwork.address(2, 5060);

  /** A TU that answers every INVITE 200 and keeps no transaction (only a weak reference). */
  static final class Answering implements TransactionUser {
    final List<WeakReference<ServerTransaction>> seen = new ArrayList<>();
    final List<SipMessage> acks = new ArrayList<>();
    final List<SipMessage> cancels = new ArrayList<>();
    final List<SipMessage> strays = new ArrayList<>();

    @Override
    public void onRequest(ServerTransaction tx, SipMessage request) {
      seen.add(new WeakReference<>(tx));
      tx.respond(200, "OK");
    }

    @Override
    public void onResponse(ClientTransaction tx, SipMessage response) {}

    @Override
    public void onTimeout(Transaction tx) {}

    @Override
    public void onTransportError(Transaction tx, String reason) {}

    @Override
    public void onAck(ServerTransaction invite, SipMessage ack) {
      acks.add(ack);
    }

    @Override
    public void onCancel(ServerTransaction invite, SipMessage cancel) {
      cancels.add(cancel);
    }

    @Override
    public void onStray(SipMessage message, Peer source) {
      strays.add(message);
    }
  }

  @Test
  void anAckedInviteIsKeptWithoutItsTransactionAndStillAbsorbsUntilTimerL() {
    LoopNetwork net = new LoopNetwork(Transport.UDP);
    Answering bobTu = new Answering();
    TransactionLayer bob = net.bind(BOB, TransactionConfig.DEFAULT, bobTu);
    String invite = Requests.request("INVITE", ALICE, BOB, "z9hG4bK-acc", "acc@x", 1);
    net.inject(ALICE, BOB, invite);
    SipMessage ok =
        new org.trunkline.sip.SipParser()
            .parseDatagram(net.sentFrom(BOB, "SIP/2.0 200").get(0).bytes());
    String ack = new String(Requests.ackFor2xx(ok, ALICE, BOB, "z9hG4bK-ack1"));
    net.inject(ALICE, BOB, ack);
    assertThat(bobTu.acks).hasSize(1);
    assertThat(bob.openTransactions()).isEqualTo(1);

    // the layer holds neither the transaction nor (through it) its request, peer or timer
    WeakReference<ServerTransaction> tx = bobTu.seen.get(0);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> {
          System.gc();
          return tx.get() == null;
        });

    // RFC 6026 on §17.2.1: copies of the INVITE and of the ACK (with its own branch or the
    // INVITE's) are absorbed: nothing is sent, the TU sees none of them, each is counted
    long before = bob.counters().retransmissionsIn.sum();
    net.advanceSeconds(5);
    net.inject(ALICE, BOB, invite);
    net.inject(ALICE, BOB, ack);
    net.inject(ALICE, BOB, ack.replace("z9hG4bK-ack1", "z9hG4bK-acc"));
    assertThat(bob.counters().retransmissionsIn.sum() - before).isEqualTo(3);
    assertThat(net.sentFrom(BOB, "SIP/2.0")).hasSize(1);
    assertThat(bobTu.seen).hasSize(1);
    assertThat(bobTu.acks).hasSize(1);
    assertThat(bobTu.strays).isEmpty();

    // a CANCEL of the answered INVITE still gets 200 (§9.2) and goes no further
    net.inject(ALICE, BOB, invite.replace("INVITE", "CANCEL"));
    assertThat(net.sentFrom(BOB, "SIP/2.0 200")).hasSize(2);
    assertThat(new String(net.sentFrom(BOB, "SIP/2.0").get(1).bytes())).contains("CSeq: 1 CANCEL");
    assertThat(bobTu.cancels).isEmpty();

    // Timer L (64*T1 from the 2xx) ends it: the same INVITE is then a new request
    net.advanceSeconds(27.1);
    assertThat(bob.openTransactions()).isEqualTo(1); // the CANCEL's Timer J still runs
    net.inject(ALICE, BOB, ack);
    assertThat(bobTu.strays).hasSize(1);
    net.inject(ALICE, BOB, invite);
    assertThat(bobTu.seen).hasSize(2);
  }

  @Test
  void theTransactionObjectReadsTimerLForItsStateAfterTheAck() {
    LoopNetwork net = new LoopNetwork(Transport.UDP);
    RecordingUser bobTu = new RecordingUser();
    TransactionLayer bob = net.bind(BOB, TransactionConfig.DEFAULT, bobTu);
    bobTu.onRequest = (tx, m) -> tx.respond(200, "OK");
    net.inject(ALICE, BOB, Requests.request("INVITE", ALICE, BOB, "z9hG4bK-st", "st@x", 1));
    SipMessage ok =
        new org.trunkline.sip.SipParser()
            .parseDatagram(net.sentFrom(BOB, "SIP/2.0 200").get(0).bytes());
    net.inject(ALICE, BOB, new String(Requests.ackFor2xx(ok, ALICE, BOB, "z9hG4bK-a")));
    ServerInviteTransaction tx = (ServerInviteTransaction) bobTu.requests.get(0);
    assertThat(tx.state()).isEqualTo(ServerInviteTransaction.State.ACCEPTED);
    assertThat(tx.detached).isTrue();
    // its request is gone (released at the 2xx), and it sends a TU's own 2xx copy still
    assertThatThrownBy(tx::request).isInstanceOf(IllegalStateException.class);
    tx.respond(net.sentFrom(BOB, "SIP/2.0 200").get(0).bytes());
    assertThat(net.sentFrom(BOB, "SIP/2.0 200")).hasSize(2);
    net.advanceSeconds(32);
    assertThat(tx.isTerminated()).isTrue();
    assertThat(tx.stateName()).isEqualTo("Terminated");
    assertThat(bob.openTransactions()).isZero();
    assertThat(bobTu.timeouts).isEmpty();
  }

  @Test
  void anAcceptedInviteHandedOverSendsTheSameAckForEach2xxCopyWithoutItsTransaction() {
    LoopNetwork net = new LoopNetwork(Transport.UDP);
    RecordingUser aliceTu = new RecordingUser();
    RecordingUser bobTu = new RecordingUser();
    TransactionLayer alice = net.bind(ALICE, TransactionConfig.DEFAULT, aliceTu);
    net.bind(BOB, TransactionConfig.DEFAULT, bobTu);
    bobTu.onRequest = (tx, m) -> tx.respond(200, "OK");
    byte[][] ackBytes = new byte[1][];
    // the TU is done at the first 2xx (a call that ended) and hands the ACK over unsent: the
    // layer sends it for each copy of the 2xx Bob resends while it has none
    aliceTu.onResponse =
        (tx, m) -> {
          ackBytes[0] = Requests.ackFor2xx(m, ALICE, BOB, alice.newBranch());
          ((ClientInviteTransaction) tx).ackEach2xx(ackBytes[0], net.peer(BOB));
        };
    WeakReference<ClientTransaction> tx =
        new WeakReference<>(
            alice.sendRequest(
                Requests.bytes(Requests.request("INVITE", ALICE, BOB, alice.newBranch(), "h@x", 1)),
                net.peer(BOB)));
    net.advanceSeconds(0.2);
    assertThat(aliceTu.statuses()).containsExactly(200);
    assertThat(net.sentFrom(ALICE, "ACK")).isEmpty();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> {
          System.gc();
          return tx.get() == null;
        });
    assertThat(alice.openTransactions()).isEqualTo(1);

    // §13.3.1.4: Bob resends at T1; RFC 6026: the copy gets the TU's ACK, byte for byte, and
    // reaches no TU; the ACK stops Bob's resends
    net.advanceSeconds(5);
    assertThat(net.timesFrom(BOB, "SIP/2.0 200")).containsExactly(0.0, 0.5);
    assertThat(net.sentFrom(ALICE, "ACK")).hasSize(1);
    assertThat(net.sentFrom(ALICE, "ACK").get(0).bytes()).isEqualTo(ackBytes[0]);
    assertThat(net.sentFrom(ALICE, "ACK").get(0).to()).isEqualTo(BOB);
    assertThat(bobTu.acks).hasSize(1);
    assertThat(aliceTu.statuses()).containsExactly(200);
    assertThat(aliceTu.strays).isEmpty();
    assertThat(alice.counters().retransmissionsIn.sum()).isEqualTo(1);

    // another copy, and a non-2xx response on that branch: ACKed again, absorbed
    String copy = new String(net.sentFrom(BOB, "SIP/2.0 200").get(0).bytes());
    net.inject(BOB, ALICE, copy);
    net.inject(BOB, ALICE, copy.replace("SIP/2.0 200 OK", "SIP/2.0 500 Oops"));
    assertThat(net.sentFrom(ALICE, "ACK")).hasSize(2);
    assertThat(net.sentFrom(ALICE, "ACK").get(1).bytes()).isEqualTo(ackBytes[0]);
    assertThat(aliceTu.strays).isEmpty();

    // Timer M (64*T1 from the 2xx) ends it: a copy after it is stray
    net.advanceSeconds(27);
    assertThat(alice.openTransactions()).isZero();
    net.inject(BOB, ALICE, copy);
    assertThat(aliceTu.strays).hasSize(1);
    assertThat(net.sentFrom(ALICE, "ACK")).hasSize(2);
  }

  @Test
  void onlyAnAcceptedInviteCanBeHandedOver() {
    LoopNetwork net = new LoopNetwork(Transport.UDP);
    RecordingUser aliceTu = new RecordingUser();
    TransactionLayer alice = net.bind(ALICE, TransactionConfig.DEFAULT, aliceTu);
    ClientInviteTransaction calling =
        (ClientInviteTransaction)
            alice.sendRequest(
                Requests.bytes(Requests.request("INVITE", ALICE, BOB, alice.newBranch(), "c@x", 1)),
                net.peer(BOB));
    assertThatThrownBy(() -> calling.ackEach2xx(new byte[] {1}, net.peer(BOB)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("in state Calling");
    assertThat(calling.state()).isEqualTo(ClientInviteTransaction.State.CALLING);
  }
}
