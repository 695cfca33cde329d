package org.trunkline.stack.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.trunkline.stack.auth.NonceCounts.Verdict;

class NonceCountsTest {
  @Test
  void memoryStaysBoundedAndEvictionNeverReopensAReplay() {
    NonceCounts counts = new NonceCounts(100); // 64 slots at most
    for (int i = 0; i < 10_000; i++) {
      // nothing has expired: every slot taken pushes a live nonce out
      assertThat(counts.check(1000 + i, i, 1, Long.MIN_VALUE)).isEqualTo(Verdict.FRESH);
      assertThat(counts.size()).isLessThanOrEqualTo(64);
    }
    assertThat(counts.size()).isEqualTo(64);
    // every nonce before the last 64 was pushed out: a replay of any of them is not FRESH
    for (int i = 0; i < 10_000 - 64; i += 37) {
      assertThat(counts.check(1000 + i, i, 1, Long.MIN_VALUE)).isEqualTo(Verdict.FORGOTTEN);
      assertThat(counts.check(1000 + i, i, 2, Long.MIN_VALUE)).isEqualTo(Verdict.FORGOTTEN);
    }
    assertThat(counts.check(1000 + 9_999, 9_999, 1, Long.MIN_VALUE)).isEqualTo(Verdict.REPLAY);
    assertThat(counts.check(1000 + 9_999, 9_999, 2, Long.MIN_VALUE)).isEqualTo(Verdict.FRESH);
  }

  @Test
  void theTableGrowsRatherThanPushOutALiveNonceAndKeepsWhatItHeld() {
    NonceCounts counts = new NonceCounts(1024);
    assertThat(counts.size()).isEqualTo(64);
    for (int i = 0; i < 1000; i++) {
      assertThat(counts.check(i, 100, 1, 0)).isEqualTo(Verdict.FRESH);
    }
    assertThat(counts.size()).isEqualTo(1024);
    for (int i = 0; i < 1000; i++) {
      assertThat(counts.check(i, 100, 1, 0)).as("%d", i).isEqualTo(Verdict.REPLAY);
    }
  }

  @Test
  void anExpiredNonceLeavesItsSlotWithoutGrowthOrEviction() {
    NonceCounts counts = new NonceCounts(1024);
    for (int i = 0; i < 64; i++) {
      counts.check(i, 1, 1, 0);
    }
    // all issued at 1, expired by the time nonces issued at 50 arrive (expiredBefore 10)
    for (int i = 64; i < 128; i++) {
      assertThat(counts.check(i, 50, 1, 10)).isEqualTo(Verdict.FRESH);
    }
    assertThat(counts.size()).isEqualTo(64);
    // nothing live was pushed out: an unused nonce issued before them is still taken
    assertThat(counts.check(200, 40, 1, 10)).isEqualTo(Verdict.FRESH);
    assertThat(counts.check(100, 50, 1, 10)).isEqualTo(Verdict.REPLAY);
  }

  @Test
  void theWindowAcceptsEachCountOnceInAnyOrderWithin64() {
    NonceCounts counts = new NonceCounts(10);
    for (long nc : new long[] {5, 1, 3, 64, 2, 4}) {
      assertThat(counts.check(42, 0, nc, 0)).as("nc %d", nc).isEqualTo(Verdict.FRESH);
    }
    for (long nc : new long[] {5, 1, 3, 64, 2, 4, 0, -1}) {
      assertThat(counts.check(42, 0, nc, 0)).as("nc %d", nc).isEqualTo(Verdict.REPLAY);
    }
    assertThat(counts.check(42, 0, 65, 0)).isEqualTo(Verdict.FRESH);
    assertThat(counts.check(42, 0, 1, 0)).as("65 - 64: outside").isEqualTo(Verdict.REPLAY);
    assertThat(counts.check(42, 0, 6, 0)).isEqualTo(Verdict.FRESH);
  }

  /**
   * Against a model that remembers everything: in a seeded mix of first uses, reuses with higher
   * counts and replays, with slots colliding and expiring, a count is never accepted twice.
   */
  @Test
  void neverAcceptsACountTwiceAgainstAFullMemoryModel() {
    for (int seed = 0; seed < 5; seed++) {
      Random r = new Random(seed);
      NonceCounts counts = new NonceCounts(16);
      java.util.Set<String> accepted = new java.util.HashSet<>();
      long now = 1000;
      for (int k = 0; k < 20_000; k++) {
        now += r.nextInt(3);
        long seq = r.nextInt(200);
        long issued = seq * 5; // later nonces were issued later, as ours are
        long nc = 1 + r.nextInt(4);
        Verdict v = counts.check(seq, issued, nc, now - 500);
        if (v == Verdict.FRESH) {
          // only nonces the caller would not have refused as expired reach check: those issued
          // before now - 500 may be accepted again, but the server answers them stale first
          if (issued >= now - 500) {
            assertThat(accepted.add(seq + "/" + nc)).as("seed %d: %d/%d", seed, seq, nc).isTrue();
          }
        }
      }
    }
  }

  /** Threads racing with the same counts: each count is accepted by exactly one of them. */
  @Test
  void concurrentChecksAcceptEachCountOnce() throws InterruptedException {
    NonceCounts counts = new NonceCounts(10);
    int[] accepted = new int[60];
    Thread[] threads = new Thread[4];
    for (int t = 0; t < threads.length; t++) {
      threads[t] =
          new Thread(() -> {
            for (int nc = 1; nc < accepted.length; nc++) {
              if (counts.check(7, 0, nc, 0) == Verdict.FRESH) {
                synchronized (accepted) {
                  accepted[nc]++;
                }
              }
            }
          });
      threads[t].start();
    }
    for (Thread t : threads) {
      t.join();
    }
    for (int nc = 1; nc < accepted.length; nc++) {
      assertThat(accepted[nc]).as("nc %d", nc).isEqualTo(1);
    }
  }
}
