package org.trunkline.stack.transaction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.trunkline.sip.SipMethod;
import org.trunkline.stack.Transport;

/**
 * §8.2.7: a TU may answer a new non-INVITE request without a server transaction; nothing is kept,
 * so a retransmission is answered again, and requests it does not answer open transactions.
 */
class StatelessAnswerTest {
  static final InetSocketAddress ALICE = LoopNetwork.address(1, 5070);
  static final InetSocketAddress BOB = LoopNetwork.address(2, 5060);

  final RecordingUser bobTu = new RecordingUser();
  final LoopNetwork net = new LoopNetwork(Transport.UDP);
  final TransactionLayer bob = net.bind(BOB, TransactionConfig.DEFAULT, bobTu);

  {
    bobTu.stateless =
        (m, source) ->
            m.method().equals(SipMethod.REGISTER)
                ? new StatelessAnswer(
                    401, "Unauthorized", List.of("WWW-Authenticate: Digest realm=\"x\""))
                : null;
    bobTu.onRequest = (tx, m) -> tx.respond(200, "OK");
  }

  @Test
  void aStatelessAnswerOpensNoTransactionAndACopyIsAnsweredAgain() {
    String register = Requests.request("REGISTER", ALICE, BOB, "z9hG4bK-r1", "r1@x", 1);
    net.inject(ALICE, BOB, register);
    assertThat(bobTu.requests).isEmpty();
    assertThat(bob.openTransactions()).isZero();
    List<String> sent = texts(net.sentFrom(BOB, "SIP/2.0 401 Unauthorized"));
    assertThat(sent)
        .singleElement()
        .asString()
        .contains(
            "WWW-Authenticate: Digest realm=\"x\"\r\n",
            "Call-ID: r1@x\r\n",
            "CSeq: 1 REGISTER\r\n",
            "To: <sip:bob@example.com>;tag=tl");

    net.inject(ALICE, BOB, register);
    List<String> again = texts(net.sentFrom(BOB, "SIP/2.0 401 Unauthorized"));
    assertThat(again).hasSize(2);
    // §8.2.7: the same To tag for every copy of the request
    assertThat(toLine(again.get(1))).isEqualTo(toLine(again.get(0)));
    assertThat(bob.openTransactions()).isZero();
    assertThat(bob.counters().statelessAnswers.sum()).isEqualTo(2);
    assertThat(bob.counters().retransmissionsIn.sum()).isZero();
    assertThat(bob.counters().snapshot()).containsEntry("tx_stateless_answers", 2L);
    // nothing was kept: no timer resends the answer
    net.advanceSeconds(40);
    assertThat(net.sentFrom(BOB, "SIP/2.0 401")).hasSize(2);
  }

  @Test
  void requestsTheTuDoesNotAnswerStatelesslyOpenTransactionsThatAbsorbCopies() {
    String options = Requests.request("OPTIONS", ALICE, BOB, "z9hG4bK-o1", "o1@x", 1);
    net.inject(ALICE, BOB, options);
    net.inject(ALICE, BOB, options);
    assertThat(bobTu.requests).hasSize(1);
    assertThat(bob.openTransactions()).isEqualTo(1);
    assertThat(bob.counters().retransmissionsIn.sum()).isEqualTo(1);
    assertThat(bob.counters().statelessAnswers.sum()).isZero();
    assertThat(net.sentFrom(BOB, "SIP/2.0 200 OK")).hasSize(2);
  }

  @Test
  void inviteAndCancelAreNeverOfferedForAStatelessAnswer() {
    bobTu.stateless = (m, source) -> new StatelessAnswer(403, "Forbidden", List.of());
    net.inject(ALICE, BOB, Requests.request("INVITE", ALICE, BOB, "z9hG4bK-i1", "i1@x", 1));
    net.inject(ALICE, BOB, Requests.request("CANCEL", ALICE, BOB, "z9hG4bK-i1", "i1@x", 1));
    assertThat(bobTu.requests).hasSize(1);
    assertThat(net.sentFrom(BOB, "SIP/2.0 403")).isEmpty();
    assertThat(net.sentFrom(BOB, "SIP/2.0 200 OK")).hasSize(2); // the INVITE's (TU) and CANCEL's
  }

  @Test
  void aStatelessAnswerIsFinal() {
    assertThatThrownBy(() -> new StatelessAnswer(100, "Trying", List.of()))
        .hasMessage("stateless answer: status must be 200-699, got 100");
  }

  private static List<String> texts(List<LoopNetwork.Sent> sent) {
    return sent.stream().map(s -> new String(s.bytes(), StandardCharsets.UTF_8)).toList();
  }

  private static String toLine(String response) {
    return response.lines().filter(l -> l.startsWith("To:")).findFirst().orElseThrow();
  }
}
