package org.trunkline.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RtpStatsTest {
  private static final long MS = 1_000_000;

  @Test
  void lossDuplicatesAndLateAreCountedAcrossTheSequenceWrap() {
    RtpStats s = new RtpStats();
    int seq = 65500;
    for (int i = 0; i < 100; i++) {
      if (i % 10 == 9) {
        continue; // every 10th lost
      }
      s.packet(7, (seq + i) & 0xffff, 160L * i, 172, i * 20 * MS, 8000);
    }
    s.packet(7, (seq + 50) & 0xffff, 160L * 50, 172, 2000 * MS, 8000); // a duplicate
    s.packet(7, (seq + 9) & 0xffff, 160L * 9, 172, 2000 * MS, 8000); // a lost one, late
    FlowStats f = s.snapshot(Flow.A_TO_B, 8000);
    assertThat(f.packets()).isEqualTo(92);
    assertThat(f.duplicates()).isEqualTo(1);
    assertThat(f.late()).isEqualTo(1);
    assertThat(f.lost()).isEqualTo(8); // 99 expected (0-98), 91 got: the late 9 came after all
  }

  @Test
  void jitterFollowsRfc3550() {
    RtpStats steady = new RtpStats();
    RtpStats shaky = new RtpStats();
    for (int i = 0; i < 500; i++) {
      steady.packet(1, i, 160L * i, 172, i * 20 * MS, 8000);
      long wobble = (i % 2 == 0 ? 0 : 10) * MS; // every other packet 10 ms late
      shaky.packet(1, i, 160L * i, 172, i * 20 * MS + wobble, 8000);
    }
    assertThat(steady.snapshot(Flow.A_TO_B, 8000).jitterMs()).isCloseTo(0, within(0.01));
    // |D| is 10 ms on every packet, so J converges on 10 ms
    assertThat(shaky.snapshot(Flow.A_TO_B, 8000).jitterMs()).isCloseTo(10, within(0.2));
    assertThat(steady.snapshot(Flow.A_TO_B, 8000).mos()).isGreaterThan(4.3);
    assertThat(shaky.snapshot(Flow.A_TO_B, 8000).mos())
        .isLessThan(steady.snapshot(Flow.A_TO_B, 8000).mos());
  }

  @Test
  void aNewSsrcStartsItsOwnSequence() {
    RtpStats s = new RtpStats();
    for (int i = 0; i < 10; i++) {
      s.packet(1, 100 + i, 0, 172, 0, 8000);
    }
    for (int i = 0; i < 10; i++) {
      s.packet(2, 40000 + i, 0, 172, 0, 8000);
    }
    assertThat(s.snapshot(Flow.A_TO_B, 8000).lost()).isZero();
    assertThat(s.snapshot(Flow.A_TO_B, 8000).packets()).isEqualTo(20);
  }

  @Test
  void eModelFallsWithLoss() {
    assertThat(EModel.mos(0, 0)).isCloseTo(4.41, within(0.02));
    assertThat(EModel.mos(1, 0)).isBetween(4.2, 4.35);
    assertThat(EModel.mos(10, 0)).isBetween(2.5, 3.5);
    assertThat(EModel.mos(60, 0)).isLessThan(1.6);
  }

  @Test
  void dtmfEndsAreReportedOnceAndALostEndStillCounts() {
    DtmfDetector d = new DtmfDetector(Flow.A_TO_B, 0);
    List<DtmfEvent> got = new ArrayList<>();
    for (int dur = 160; dur <= 800; dur += 160) {
      d.packet(1000, Unpooled.wrappedBuffer(RtpPeer.event(5, false, 10, dur)), 8000, got::add);
    }
    for (int i = 0; i < 3; i++) {
      d.packet(1000, Unpooled.wrappedBuffer(RtpPeer.event(5, true, 10, 960)), 8000, got::add);
    }
    d.packet(5000, Unpooled.wrappedBuffer(RtpPeer.event(11, false, 10, 160)), 8000, got::add);
    d.packet(9000, Unpooled.wrappedBuffer(RtpPeer.event(1, true, 10, 400)), 8000, got::add);
    assertThat(got).extracting(DtmfEvent::digit).containsExactly('5', '#', '1');
    assertThat(got.get(0).durationMs()).isEqualTo(120);
  }

  @Test
  void g711DecodesTheReferencePoints() {
    assertThat(G711.decodeUlaw(0xff)).isEqualTo((short) 0);
    assertThat(G711.decodeUlaw(0x00)).isEqualTo((short) -32124);
    assertThat(G711.decodeUlaw(0x80)).isEqualTo((short) 32124);
    assertThat(G711.decodeAlaw(0xd5)).isEqualTo((short) 8);
    assertThat(G711.decodeAlaw(0x55)).isEqualTo((short) -8);
    assertThat(G711.decodeAlaw(0xaa)).isEqualTo((short) 32256);
  }
}
