package org.trunkline.stack.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.trunkline.stack.auth.NonceCounts.Verdict;

class NonceCountsTest {
  @Test
  void memoryStaysBoundedAndEvictionNeverReopensAReplay() {
    NonceCounts counts = new NonceCounts(100);
    for (int i = 0; i < 10_000; i++) {
      assertThat(counts.check("n" + i, i, 1, Long.MIN_VALUE)).isEqualTo(Verdict.FRESH);
      assertThat(counts.size()).isLessThanOrEqualTo(100);
    }
    // every nonce before the last 100 was evicted: a replay of any of them is not FRESH
    for (int i = 0; i < 9_900; i += 99) {
      assertThat(counts.check("n" + i, i, 1, Long.MIN_VALUE)).isEqualTo(Verdict.FORGOTTEN);
    }
    assertThat(counts.check("n9999", 9_999, 1, Long.MIN_VALUE)).isEqualTo(Verdict.REPLAY);
    assertThat(counts.check("n9999", 9_999, 2, Long.MIN_VALUE)).isEqualTo(Verdict.FRESH);
  }

  @Test
  void expiredNoncesLeaveFromTheHeadWithoutEvictingLiveOnes() {
    NonceCounts counts = new NonceCounts(3);
    counts.check("old1", 1, 1, 0);
    counts.check("old2", 2, 1, 0);
    counts.check("live", 50, 1, 0);
    // old1 and old2 are expired by now (issued before 10): they go, nothing live is evicted
    assertThat(counts.check("new", 60, 1, 10)).isEqualTo(Verdict.FRESH);
    assertThat(counts.size()).isEqualTo(2);
    assertThat(counts.check("live", 50, 1, 10)).isEqualTo(Verdict.REPLAY);
  }

  @Test
  void theWindowAcceptsEachCountOnceInAnyOrderWithin64() {
    NonceCounts counts = new NonceCounts(10);
    for (long nc : new long[] {5, 1, 3, 64, 2, 4}) {
      assertThat(counts.check("n", 0, nc, 0)).as("nc %d", nc).isEqualTo(Verdict.FRESH);
    }
    for (long nc : new long[] {5, 1, 3, 64, 2, 4, 0, -1}) {
      assertThat(counts.check("n", 0, nc, 0)).as("nc %d", nc).isEqualTo(Verdict.REPLAY);
    }
    assertThat(counts.check("n", 0, 65, 0)).isEqualTo(Verdict.FRESH);
    assertThat(counts.check("n", 0, 1, 0)).as("65 - 64: outside").isEqualTo(Verdict.REPLAY);
    assertThat(counts.check("n", 0, 6, 0)).isEqualTo(Verdict.FRESH);
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
              if (counts.check("n", 0, nc, 0) == Verdict.FRESH) {
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
