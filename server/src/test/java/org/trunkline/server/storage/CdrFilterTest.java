package org.trunkline.server.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The block summaries' Bloom filter: no false negatives, few false positives, one byte format. */
class CdrFilterTest {
  private record Row(String id, String a, String b, String caller, String called) {}

  /** Rows until the filter is full, as the writer adds them. */
  private static List<Row> fill(CdrFilter f, SplittableRandom r) {
    List<Row> rows = new ArrayList<>();
    while (!f.full()) {
      Row row =
          new Row(
              Long.toString(r.nextLong() >>> 1, 36),
              r.nextInt(1_000_000) + "-4242@127.0.0.1",
              Long.toString(r.nextLong() >>> 1, 36) + "@trunkline",
              "+7495" + (1_000_000 + r.nextInt(9_000_000)),
              "+4930" + (1_000_000 + r.nextInt(9_000_000)));
      f.addRow(row.id(), row.a(), row.b(), row.caller(), row.called());
      rows.add(row);
    }
    return rows;
  }

  @Test
  void holdsEveryKeyAddedAndEveryPrefixOfItsNumbers() {
    CdrFilter f = new CdrFilter();
    List<Row> rows = fill(f, new SplittableRandom(1));
    assertThat(rows).hasSizeGreaterThan(20);
    byte[] bytes = f.bytes();
    CdrFilter again = CdrFilter.of(bytes);
    for (Row row : rows) {
      List<Long> probes = new ArrayList<>();
      probes.add(CdrFilter.probe(CdrFilter.ID, row.id()));
      probes.add(CdrFilter.probe(CdrFilter.CALL_ID, row.a()));
      probes.add(CdrFilter.probe(CdrFilter.CALL_ID, row.b()));
      for (int len = 1; len <= row.caller().length(); len++) {
        probes.add(CdrFilter.probe(CdrFilter.NUMBER, row.caller().substring(0, len)));
        probes.add(CdrFilter.probe(CdrFilter.NUMBER, row.called().substring(0, len)));
      }
      for (long h : probes) {
        assertThat(f.mightHold(h)).isTrue();
        assertThat(again.mightHold(h)).isTrue();
        assertThat(CdrFilter.mightHold(bytes, 0, h)).isTrue();
      }
    }
  }

  @Test
  void aPrefixLongerThanTheLongestKeptProbesThatOne() {
    CdrFilter f = new CdrFilter();
    String number = "sip-user-with-a-rather-long-name-0123456789";
    f.addRow("id", "a@x", "", number, "+1");
    assertThat(f.mightHold(CdrFilter.probe(CdrFilter.NUMBER, number))).isTrue();
    assertThat(f.mightHold(CdrFilter.probe(CdrFilter.NUMBER, number.substring(0, 30)))).isTrue();
    assertThat(CdrFilter.probe(CdrFilter.NUMBER, "+1")).isZero(); // too short: no probe
  }

  @Test
  void aKeyNotAddedIsRarelyHeld() {
    CdrFilter f = new CdrFilter();
    fill(f, new SplittableRandom(2));
    SplittableRandom other = new SplittableRandom(3);
    int held = 0;
    int tries = 100_000;
    for (int i = 0; i < tries; i++) {
      String key = Long.toString(other.nextLong() >>> 1, 36) + "@elsewhere";
      long h = CdrFilter.probe(CdrFilter.CALL_ID, key);
      assertThat(CdrFilter.mightHold(f.bytes(), 0, h)).isEqualTo(f.mightHold(h));
      if (f.mightHold(h)) {
        held++;
      }
    }
    // 0.4^7 = 0.16 % at the fullest; allow twice that
    assertThat(held).isLessThan(tries * 32 / 10_000);
  }
}
