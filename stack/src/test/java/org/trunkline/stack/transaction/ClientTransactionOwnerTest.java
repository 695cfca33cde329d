package org.trunkline.stack.transaction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;
import org.trunkline.sip.SipMethod;
import org.trunkline.stack.Transport;

/**
 * What a transaction user that writes its own requests and outlives them uses: {@link
 * ClientTransaction#owner} (an ended call hands its Accepted INVITE to an ACK-only owner), {@link
 * TransactionLayer#sendRequest(byte[], SipMethod, String, Peer, TransactionUser)} (no second parse)
 * and {@link Responses#statusOf}. Over the loop transport, on virtual time.
 */
class ClientTransactionOwnerTest {
  static final InetSocketAddress ALICE = LoopNetwork.address(1, 5070);
  static final InetSocketAddress BOB = LoopNetwork.address(2, 5060);

  final RecordingUser aliceTu = new RecordingUser();
  final RecordingUser bobTu = new RecordingUser();
  final RecordingUser after = new RecordingUser();

  @Test
  void anAcceptedInviteHandedToANewOwnerGivesItTheLater2xxCopies() {
    LoopNetwork net = new LoopNetwork(Transport.UDP);
    TransactionLayer alice = net.bind(ALICE, TransactionConfig.DEFAULT, aliceTu);
    net.bind(BOB, TransactionConfig.DEFAULT, bobTu);
    bobTu.onRequest = (tx, m) -> tx.respond(200, "OK");
    // the first owner sees the 2xx, does not ACK it, and hands the transaction over
    aliceTu.onResponse = (tx, m) -> tx.owner(after);
    ClientInviteTransaction tx =
        (ClientInviteTransaction) alice.sendRequest(invite(alice), net.peer(BOB));
    net.advanceSeconds(2);
    // §13.3.1.4: Bob resends the 2xx at T1 and 2*T1 while no ACK comes; RFC 6026: Accepted
    // passes the copies to the TU, which is now the new owner
    assertThat(net.timesFrom(BOB, "SIP/2.0 200")).containsExactly(0.0, 0.5, 1.5);
    assertThat(aliceTu.statuses()).containsExactly(200);
    assertThat(after.statuses()).containsExactly(200, 200);
    assertThat(tx.state()).isEqualTo(ClientInviteTransaction.State.ACCEPTED);
    assertThat(aliceTu.strays).isEmpty();
    assertThatThrownBy(() -> tx.owner(null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void aRequestSentWithItsMethodAndBranchOpensATransactionLikeAParsedOne() {
    LoopNetwork net = new LoopNetwork(Transport.UDP);
    TransactionLayer alice = net.bind(ALICE, TransactionConfig.DEFAULT, aliceTu);
    net.bind(BOB, TransactionConfig.DEFAULT, bobTu);
    bobTu.onRequest = (tx, m) -> tx.respond(486, "Busy Here");
    String branch = alice.newBranch();
    ClientTransaction tx =
        alice.sendRequest(
            Requests.bytes(Requests.request("INVITE", ALICE, BOB, branch, "b@x", 1)),
            SipMethod.INVITE,
            branch,
            net.peer(BOB),
            after);
    net.advanceSeconds(1);
    assertThat(after.statuses()).containsExactly(486);
    assertThat(aliceTu.statuses()).isEmpty();
    // §17.1.1.2: the transaction ACKs the non-2xx itself, from the kept bytes
    assertThat(net.sentFrom(ALICE, "ACK")).hasSize(1);
    assertThat(((ClientInviteTransaction) tx).state())
        .isEqualTo(ClientInviteTransaction.State.COMPLETED);
  }

  @Test
  void aRequestSentWithItsMethodAndBranchKeepsTheLayersRules() {
    LoopNetwork net = new LoopNetwork(Transport.UDP);
    TransactionLayer alice = net.bind(ALICE, TransactionConfig.DEFAULT, aliceTu);
    Peer bob = net.peer(BOB);
    String used = alice.newBranch();
    byte[] bye = Requests.bytes(Requests.request("BYE", ALICE, BOB, used, "c@x", 2));
    alice.sendRequest(bye, SipMethod.BYE, used, bob, after);
    assertThatThrownBy(() -> alice.sendRequest(bye, SipMethod.BYE, used, bob, after))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("branch " + used + " is in use by");
    assertThatThrownBy(() -> alice.sendRequest(bye, SipMethod.ACK, alice.newBranch(), bob, after))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("use sendStateless");
    assertThatThrownBy(() -> alice.sendRequest(bye, SipMethod.BYE, "1234", bob, after))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must start with z9hG4bK, got 1234");
    assertThat(alice.openTransactions()).isEqualTo(1);
  }

  @Test
  void statusOfReadsOnlyAStatusLine() {
    assertThat(Responses.statusOf(Requests.bytes("SIP/2.0 180 Ringing\r\n\r\n"))).isEqualTo(180);
    assertThat(Responses.statusOf(Requests.bytes("SIP/2.0 699 x\r\n"))).isEqualTo(699);
    assertThat(Responses.statusOf(Requests.bytes("OPTIONS sip:x SIP/2.0\r\n\r\n"))).isEqualTo(-1);
    assertThat(Responses.statusOf(Requests.bytes("SIP/2.0 099 Low\r\n"))).isEqualTo(-1);
    assertThat(Responses.statusOf(Requests.bytes("SIP/2.0 700 High\r\n"))).isEqualTo(-1);
    assertThat(Responses.statusOf(Requests.bytes("SIP/2.0 1x0 Bad\r\n"))).isEqualTo(-1);
    assertThat(Responses.statusOf(Requests.bytes("SIP/3.0 200 OK\r\n"))).isEqualTo(-1);
    assertThat(Responses.statusOf(Requests.bytes("SIP/2.0 200"))).isEqualTo(-1);
  }

  static byte[] invite(TransactionLayer layer) {
    return Requests.bytes(Requests.request("INVITE", ALICE, BOB, layer.newBranch(), "o@x", 1));
  }
}
