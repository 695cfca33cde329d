package org.trunkline.stack.transaction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.trunkline.sip.SipMessage;
import org.trunkline.stack.Transport;

/**
 * A layer's tag prefix (its loop's mark) starts the tags where a dialog may follow: our To tag in
 * every answer to an INVITE and to its CANCEL (the same tag, §9.2), and {@link
 * TransactionLayer#newTag}; not an OPTIONS' tag; and without a prefix the tags are as before.
 */
class MarkedTagsTest {
  static final InetSocketAddress ALICE = LoopNetwork.address(1, 5070);
  static final InetSocketAddress BOB = LoopNetwork.address(2, 5060);
  static final String PREFIX = "tok12345" + "01";

  final RecordingUser aliceTu = new RecordingUser();
  final RecordingUser bobTu = new RecordingUser();
  final LoopNetwork net = new LoopNetwork(Transport.UDP);
  final TransactionLayer alice = net.bind(ALICE, TransactionConfig.DEFAULT, aliceTu);
  final TransactionLayer bob = net.bind(BOB, TransactionConfig.DEFAULT, bobTu).tagPrefix(PREFIX);

  @Test
  void everyAnswerToAnInviteAndItsCancelCarriesOneMarkedTag() {
    List<String> txTags = new ArrayList<>();
    bobTu.onRequest =
        (tx, m) -> {
          txTags.add(tx.toTag());
          tx.respond(180, "Ringing");
        };
    ClientInviteTransaction invite =
        (ClientInviteTransaction) alice.sendRequest(invite("mk-1@x"), net.peer(BOB));
    net.advanceSeconds(1);
    assertThat(invite.cancel()).isTrue();
    net.advanceSeconds(1);

    assertThat(aliceTu.responses.stream().map(r -> r.status() + " " + r.cseqMethod()))
        .containsExactly("180 INVITE", "200 CANCEL", "487 INVITE");
    String tag = aliceTu.responses.get(0).toTag();
    assertThat(tag).startsWith(PREFIX + "tl").isEqualTo(txTags.get(0));
    assertThat(aliceTu.responses.stream().map(SipMessage::toTag)).containsOnly(tag);
  }

  @Test
  void aFinalRefusalCarriesTheMarkedTag() {
    bobTu.onRequest = (tx, m) -> tx.respond(486, "Busy Here");
    alice.sendRequest(invite("mk-2@x"), net.peer(BOB));
    net.advanceSeconds(1);
    assertThat(aliceTu.statuses()).containsExactly(486);
    assertThat(aliceTu.responses.get(0).toTag()).startsWith(PREFIX);
  }

  @Test
  void anOptionsTagIsNotMarked() {
    bobTu.onRequest = (tx, m) -> tx.respond(200, "OK");
    alice.sendRequest(
        Requests.bytes(Requests.request("OPTIONS", ALICE, BOB, alice.newBranch(), "mk-3@x", 1)),
        net.peer(BOB));
    net.advanceSeconds(1);
    assertThat(aliceTu.statuses()).containsExactly(200);
    assertThat(aliceTu.responses.get(0).toTag()).startsWith("tl").doesNotContain(PREFIX);
  }

  @Test
  void theMarkedTagIsThePrefixAndTheDerivedOneAndWithoutAPrefixTheDerivedOneAlone() {
    bobTu.onRequest = (tx, m) -> tx.respond(180, "Ringing");
    alice.sendRequest(invite("mk-4@x"), net.peer(BOB));
    net.advanceSeconds(1);
    SipMessage sent = CancelTest.parse(net.sentFrom(ALICE, "INVITE").get(0).bytes());
    assertThat(aliceTu.responses.get(0).toTag()).isEqualTo(PREFIX + Responses.toTag(sent));

    // the same exchange with a layer that has no prefix: the tag as before
    LoopNetwork plainNet = new LoopNetwork(Transport.UDP);
    RecordingUser plainAliceTu = new RecordingUser();
    RecordingUser plainBobTu = new RecordingUser();
    TransactionLayer plainAlice = plainNet.bind(ALICE, TransactionConfig.DEFAULT, plainAliceTu);
    plainNet.bind(BOB, TransactionConfig.DEFAULT, plainBobTu);
    plainBobTu.onRequest = (tx, m) -> tx.respond(180, "Ringing");
    plainAlice.sendRequest(
        Requests.bytes(Requests.request("INVITE", ALICE, BOB, plainAlice.newBranch(), "mk-5@x", 1)),
        plainNet.peer(BOB));
    plainNet.advanceSeconds(1);
    SipMessage plainSent = CancelTest.parse(plainNet.sentFrom(ALICE, "INVITE").get(0).bytes());
    assertThat(plainAliceTu.responses.get(0).toTag())
        .isEqualTo(Responses.toTag(plainSent))
        .startsWith("tl");
  }

  @Test
  void newTagsStartWithThePrefixAndAreRandom() {
    Set<String> tags = new HashSet<>();
    for (int i = 0; i < 100; i++) {
      String t = bob.newTag();
      assertThat(t).startsWith(PREFIX).hasSizeGreaterThan(PREFIX.length()).matches("[0-9a-z]+");
      tags.add(t);
    }
    assertThat(tags).hasSize(100);
    assertThat(alice.tagPrefix()).isEmpty();
    assertThat(alice.newTag()).matches("[0-9a-z]+");
    assertThatThrownBy(() -> alice.tagPrefix("ab;c")).isInstanceOf(IllegalArgumentException.class);
  }

  byte[] invite(String callId) {
    return Requests.bytes(Requests.request("INVITE", ALICE, BOB, alice.newBranch(), callId, 1));
  }
}
