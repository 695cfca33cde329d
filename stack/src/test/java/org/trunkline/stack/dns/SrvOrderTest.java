package org.trunkline.stack.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class SrvOrderTest {

  private static SrvRecord srv(int priority, int weight, String target) {
    return new SrvRecord(priority, weight, 5060, target);
  }

  /** Hands out the draws a test scripts, and records the bounds it was asked for. */
  private static final class ScriptedRandom implements RandomGenerator {
    private final int[] draws;
    private int next;
    final StringBuilder bounds = new StringBuilder();

    ScriptedRandom(int... draws) {
      this.draws = draws;
    }

    @Override
    public int nextInt(int bound) {
      bounds.append(bound).append(' ');
      return draws[next++];
    }

    @Override
    public long nextLong() {
      throw new AssertionError("not used");
    }
  }

  @Test
  void lowerPriorityComesFirstWhateverTheWeight() {
    List<SrvRecord> in = List.of(srv(20, 100, "c"), srv(10, 0, "a"), srv(15, 5, "b"));
    List<SrvRecord> out = SrvOrder.order(in, new Random(1));
    assertThat(out).extracting(SrvRecord::target).containsExactly("a", "b", "c");
  }

  @Test
  void drawPicksTheFirstRecordWhoseRunningSumReachesIt() {
    // RFC 2782: weights 0 first, then the others; sums 0, 10, 40 for z(0), a(10), b(30)
    List<SrvRecord> in = List.of(srv(1, 10, "a"), srv(1, 30, "b"), srv(1, 0, "z"));
    ScriptedRandom random = new ScriptedRandom(11, 0, 5);
    List<SrvRecord> out = SrvOrder.order(in, random);
    // 11 > 10 → b; then z(0), a(10): 0 → z; then a alone
    assertThat(out).extracting(SrvRecord::target).containsExactly("b", "z", "a");
    // draws are uniform over 0..sum inclusive
    assertThat(random.bounds.toString()).isEqualTo("41 11 11 ");
  }

  @Test
  void unavailableTargetsAreDropped() {
    assertThat(SrvOrder.order(List.of(srv(0, 0, ".")), new Random(1))).isEmpty();
  }

  @Test
  void fixedSeedGivesAFixedOrder() {
    List<SrvRecord> in =
        List.of(srv(10, 60, "a"), srv(10, 30, "b"), srv(10, 10, "c"), srv(20, 0, "d"));
    List<String> first =
        SrvOrder.order(in, new Random(42)).stream().map(SrvRecord::target).toList();
    List<String> again =
        SrvOrder.order(in, new Random(42)).stream().map(SrvRecord::target).toList();
    assertThat(again).isEqualTo(first);
    assertThat(first).endsWith("d").containsExactlyInAnyOrder("a", "b", "c", "d");
  }

  @Test
  void firstPickFollowsTheWeights() {
    List<SrvRecord> in = List.of(srv(10, 60, "a"), srv(10, 30, "b"), srv(10, 10, "c"));
    Random random = new Random(7);
    Map<String, Integer> firsts = new HashMap<>();
    int n = 20_000;
    for (int i = 0; i < n; i++) {
      firsts.merge(SrvOrder.order(in, random).get(0).target(), 1, Integer::sum);
    }
    // 61/101, 30/101, 10/101: the draw runs over 0..100 inclusive and 0..60 land on a
    assertThat(firsts.get("a") / (double) n).isBetween(0.56, 0.63);
    assertThat(firsts.get("b") / (double) n).isBetween(0.27, 0.33);
    assertThat(firsts.get("c") / (double) n).isBetween(0.08, 0.13);
  }
}
