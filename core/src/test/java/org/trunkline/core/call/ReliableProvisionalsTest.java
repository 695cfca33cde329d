package org.trunkline.core.call;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.trunkline.sip.SipMessage;
import org.trunkline.sip.SipParser;
import org.trunkline.stack.transaction.VirtualScheduler;

/** RFC 3262 §3 as the UAS towards the caller, on virtual time (T1 = 500 ms). */
class ReliableProvisionalsTest {
  private final VirtualScheduler time = new VirtualScheduler();
  private final List<String> sent = new ArrayList<>();
  private final List<String> gaveUp = new ArrayList<>();
  private final ReliableProvisionals rel =
      new ReliableProvisionals(
          (task, delay) -> time.schedule(task, delay.toNanos()),
          Duration.ofMillis(500),
          1,
          bytes -> sent.add(time.elapsed().toMillis() + " " + new String(bytes)),
          () -> gaveUp.add("at " + time.elapsed().toMillis()));

  private static SipMessage prack(String rack) {
    String m =
        "PRACK sip:trunkline@127.0.0.1 SIP/2.0\r\n"
            + "Via: SIP/2.0/UDP 127.0.0.20:5060;branch=z9hG4bK2\r\n"
            + "From: <sip:a@127.0.0.20>;tag=1\r\nTo: <sip:b@127.0.0.1>;tag=2\r\n"
            + "Call-ID: c1\r\nCSeq: 2 PRACK\r\nRAck: "
            + rack
            + "\r\nContent-Length: 0\r\n\r\n";
    return new SipParser().parseDatagram(m.getBytes(StandardCharsets.UTF_8));
  }

  private long rseqOf(int i) {
    return Long.parseLong(sent.get(i).split(" ")[2]);
  }

  @Test
  void aProvisionalIsRetransmittedAtDoublingIntervalsUntilItsPrack() {
    rel.send(rseq -> ("183 " + rseq).getBytes(StandardCharsets.UTF_8), true);
    time.advance(Duration.ofMillis(3600));
    assertThat(sent).extracting(s -> s.split(" ")[0]).containsExactly("0", "500", "1500", "3500");
    long rseq = rseqOf(0);
    assertThat(rel.matches(prack((rseq + 1) + " 1 INVITE"))).as("another RSeq").isFalse();
    assertThat(rel.matches(prack(rseq + " 2 INVITE"))).as("another CSeq").isFalse();
    assertThat(rel.matches(prack(rseq + " 1 INVITE"))).isTrue();
    rel.acknowledged();
    time.advance(Duration.ofSeconds(60));
    assertThat(sent).hasSize(4);
    assertThat(gaveUp).isEmpty();
  }

  @Test
  void aSecondProvisionalWaitsForTheFirstsPrackWithTheNextRseq() {
    rel.send(rseq -> ("180 " + rseq).getBytes(StandardCharsets.UTF_8), false);
    rel.send(rseq -> ("183 " + rseq).getBytes(StandardCharsets.UTF_8), true);
    assertThat(sent).hasSize(1);
    long first = rseqOf(0);
    assertThat(rel.matches(prack(first + " 1 INVITE"))).isTrue();
    rel.acknowledged();
    assertThat(sent).hasSize(2);
    assertThat(sent.get(1)).startsWith("0 183 ");
    assertThat(rseqOf(1)).isEqualTo(first + 1);
  }

  @Test
  void a2xxWaitsForThePrackOfAProvisionalWithASessionDescription() {
    rel.send(rseq -> ("183 " + rseq).getBytes(StandardCharsets.UTF_8), true);
    List<String> finals = new ArrayList<>();
    rel.success(() -> finals.add("200"));
    assertThat(finals).isEmpty();
    assertThat(rel.holding()).isTrue();
    assertThat(rel.matches(prack(rseqOf(0) + " 1 INVITE"))).isTrue();
    rel.acknowledged();
    assertThat(finals).containsExactly("200");
    time.advance(Duration.ofSeconds(60));
    assertThat(sent).as("no retransmission after the final").hasSize(1);
  }

  @Test
  void a2xxAfterAProvisionalWithoutBodyGoesAtOnceAndDropsQueuedOnes() {
    rel.send(rseq -> ("180 " + rseq).getBytes(StandardCharsets.UTF_8), false);
    rel.send(rseq -> ("183 " + rseq).getBytes(StandardCharsets.UTF_8), true);
    List<String> finals = new ArrayList<>();
    rel.success(() -> finals.add("200"));
    assertThat(finals).containsExactly("200");
    time.advance(Duration.ofSeconds(60));
    assertThat(sent).hasSize(1);
  }

  @Test
  void withoutAPrackFor64T1TheCallerIsGivenUp() {
    rel.send(rseq -> ("183 " + rseq).getBytes(StandardCharsets.UTF_8), true);
    time.advance(Duration.ofMillis(31_999));
    assertThat(gaveUp).isEmpty();
    time.advance(Duration.ofMillis(1));
    assertThat(gaveUp).containsExactly("at 32000");
    assertThat(sent)
        .as("sent at 0 and retransmitted at 0.5, 1.5, 3.5, 7.5, 15.5, 31.5 s")
        .hasSize(7);
    time.advance(Duration.ofSeconds(60));
    assertThat(sent).hasSize(7);
  }
}
