package org.trunkline.core.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The ladder of a call recorded through the server: both legs, one column per party. */
class LadderTest {
  private final List<TracedMessage> call = TraceFixtures.load("call");

  @Test
  void bothLegsAreDrawnWithOneColumnPerPartyAndOneNumberedRowPerMessage() {
    String ladder = Ladder.draw(call, new Ladder.Options(100, true, false));
    List<String> lines = ladder.lines().toList();

    assertThat(lines.get(0))
        .isEqualTo(
            "12 messages from 2026-11-27 12:55:20.926975 UTC over 0.557s (trace fixture-call)");
    // caller on the left, us, the callee on the right
    assertThat(lines.get(1))
        .containsSubsequence("127.0.0.20:25070", "Trunkline 127.0.0.1:25060", "127.0.0.1:25080");
    assertThat(lines.get(2)).containsSubsequence("caller", "(us)", "callee");
    List<String> rows = lines.subList(3, lines.size());
    assertThat(rows).hasSize(12);
    assertThat(rows.get(0)).matches(" 1 +\\+0\\.000s +\\|-- INVITE \\(SDP\\) -+>\\| +\\|");
    assertThat(rows.get(1)).matches(" 2 +\\+0\\.272s +\\| +\\|-- INVITE \\(SDP\\) -+>\\|");
    assertThat(rows.get(2)).matches(" 3 +\\+0\\.000s +\\| +\\|<- 180 Ringing -+\\|");
    assertThat(rows.get(3)).matches(" 4 +\\+0\\.001s +\\| +\\|<- 200 OK \\(SDP\\) -+\\|");
    assertThat(rows.get(4)).matches(" 5 +\\+0\\.007s +\\|<- 180 Ringing -+\\| +\\|");
    assertThat(rows.get(5)).matches(" 6 +\\+0\\.001s +\\| +\\|-- ACK -+>\\|");
    assertThat(rows.get(6)).matches(" 7 +\\+0\\.000s +\\|<- 200 OK \\(SDP\\) -+\\| +\\|");
    assertThat(rows.get(8)).matches(" 9 +\\+0\\.254s +\\|-- BYE -+>\\| +\\|");
    assertThat(rows.get(11)).matches("12 +\\+0\\.000s +\\| +\\|<- 200 OK -+\\|");
    // the lanes line up under the parties' names
    int callerLane = rows.get(0).indexOf('|');
    assertThat(lines.get(1).substring(callerLane - 8, callerLane + 8))
        .isEqualTo("127.0.0.20:25070");
    // every row is as wide as the lanes, and the ladder fits the width asked for
    assertThat(lines).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(100));
    assertThat(ladder).doesNotContain("retransmission");
  }

  @Test
  void aCallThroughTwoOfOurAddressesSaysWhichFacedWhom() {
    // the callee leg through a cross-connect trunk's own socket
    List<TracedMessage> crossConnect = new ArrayList<>();
    for (TracedMessage m : call) {
      boolean calleeSide = m.remote().getPort() == 25080;
      crossConnect.add(
          new TracedMessage(
              m.epochMicros(),
              m.direction(),
              m.transport(),
              calleeSide ? TraceFixtures.address("127.0.0.2:25060") : m.local(),
              m.remote(),
              m.bytes(),
              m.correlationId()));
    }

    List<String> lines =
        Ladder.draw(crossConnect, new Ladder.Options(100, true, false)).lines().toList();

    assertThat(lines.get(3).strip())
        .isEqualTo("us: 127.0.0.1:25060 to the caller, 127.0.0.2:25060 to the callee");
    assertThat(lines).hasSize(3 + 1 + 12);
    assertThat(Ladder.draw(call, new Ladder.Options(100, true, false))).doesNotContain("us:");
  }

  @Test
  void aRetransmissionIsMarkedWithTheRowThatFirstCarriedIt() {
    List<TracedMessage> withRetransmission = new ArrayList<>(call);
    TracedMessage invite = call.get(1); // our INVITE to the callee
    withRetransmission.add(
        new TracedMessage(
            invite.epochMicros() + 100,
            invite.direction(),
            invite.transport(),
            invite.local(),
            invite.remote(),
            invite.bytes().clone(),
            invite.correlationId()));

    List<String> rows =
        Ladder.draw(withRetransmission, new Ladder.Options(120, true, false)).lines().toList();

    assertThat(rows.get(5)).contains("INVITE (SDP)").endsWith("retransmission of #2");
    assertThat(rows.stream().filter(r -> r.contains("retransmission"))).hasSize(1);
  }

  @Test
  void theOrderOfTheInputDoesNotMatterRowsAreInTimeOrder() {
    List<TracedMessage> shuffled = new ArrayList<>(call);
    Collections.reverse(shuffled);
    assertThat(Ladder.draw(shuffled, Ladder.Options.DEFAULT))
        .isEqualTo(Ladder.draw(call, Ladder.Options.DEFAULT));
  }

  @Test
  void aNarrowTerminalCutsLabelsButKeepsEveryLane() {
    List<String> lines = Ladder.draw(call, new Ladder.Options(40, true, false)).lines().toList();
    List<String> rows = lines.subList(3, lines.size());
    assertThat(rows)
        .allSatisfy(r ->
            assertThat(r.chars().filter(c -> c == '|' || c == '>' || c == '<'))
                .hasSizeGreaterThanOrEqualTo(3));
    assertThat(rows.get(0)).contains("INVITE");
  }

  @Test
  void boxDrawingCharactersByDefault() {
    String ladder = Ladder.draw(call, Ladder.Options.DEFAULT);
    assertThat(ladder).contains("│── INVITE (SDP) ─").contains("▶│").contains("│◀─ 180 Ringing");
    assertThat(ladder).doesNotContain("|");
  }

  @Test
  void fullPrintsEveryMessageUnderItsRowAndMessageNPrintsOne() {
    String full = Ladder.draw(call, new Ladder.Options(100, true, true));
    assertThat(full)
        .contains("INVITE sip:+74951234567@127.0.0.1:25060 SIP/2.0")
        .contains("m=audio 6000 RTP/AVP 0 8")
        .doesNotContain("\r");

    String second = Ladder.message(call, 2);
    assertThat(second.lines().findFirst().orElseThrow())
        .isEqualTo(
            "#2  2026-11-27 12:55:21.199321 UTC  udp 127.0.0.1:25060 -> 127.0.0.1:25080  (sent,"
                + " "
                + call.get(1).bytes().length
                + " bytes)");
    assertThat(second).contains("INVITE sip:+74951234567@127.0.0.1:25080");
    assertThatThrownBy(() -> Ladder.message(call, 13))
        .hasMessage("no message #13: the trace has 12 (1..12)");
  }

  @Test
  void aFailoverGetsAColumnPerCalleeAndArrowsPassOverTheLanesBetween() {
    List<String> lines =
        Ladder.draw(TraceFixtures.load("failover"), new Ladder.Options(120, true, false))
            .lines()
            .toList();
    assertThat(lines.get(1))
        .containsSubsequence("127.0.0.20:25070", "Trunkline", "127.0.0.1:25080", "127.0.0.1:25081");
    assertThat(lines.get(2)).containsSubsequence("caller", "(us)", "callee 1", "callee 2");
    // a label longer than the gap is cut, and says so
    assertThat(lines.get(5)).contains("|<- 503 Service Unavail~ -|");
    // us to the second callee: one arrow over the first callee's lane, no lane mark inside it
    assertThat(lines.get(7)).matches(" 5 +\\+0\\.004s +\\| +\\|-- INVITE \\(SDP\\) -+>\\|");
  }

  @Test
  void aTraceThatStartsWithUsSendingPutsUsOnTheLeft() {
    List<TracedMessage> bLeg = call.stream().filter(m -> m.remote().getPort() == 25080).toList();
    List<String> lines = Ladder.draw(bLeg, new Ladder.Options(80, true, false)).lines().toList();
    assertThat(lines.get(1).strip()).startsWith("Trunkline 127.0.0.1:25060");
    assertThat(lines.get(2)).containsSubsequence("(us)", "callee");
    assertThat(lines.get(3)).contains("|-- INVITE (SDP) -");
  }
}
