package org.trunkline.core.call;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class RecentTest {
  @Test
  void keepsTheNewestNewestFirst() {
    Recent<Integer> r = new Recent<>(3);
    assertThat(r.newest(10)).isEmpty();
    r.add(1);
    r.add(2);
    assertThat(r.newest(10)).containsExactly(2, 1);
    r.add(3);
    r.add(4);
    r.add(5);
    assertThat(r.newest(10)).containsExactly(5, 4, 3);
    assertThat(r.newest(2)).containsExactly(5, 4);
    assertThat(r.newest(0)).isEmpty();
  }

  @Test
  void refusesAnEmptyRing() {
    assertThatThrownBy(() -> new Recent<Integer>(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("capacity must be >= 1, got 0");
  }

  /**
   * An add whose thread was put off the CPU after it took its sequence number, while as many adds
   * as the ring holds went by: its item is older than all of them and must not replace the newest.
   * (With a plain write, the ring then held 999 of 1,000 under load.)
   */
  @Test
  void aDelayedAddDoesNotOverwriteANewerItem() {
    Recent<Integer> r = new Recent<>(3);
    long late = r.take(); // item 0's number; its write comes last
    r.add(1);
    r.add(2);
    r.add(3); // same slot as item 0
    r.put(late, 0);

    assertThat(r.newest(3)).containsExactly(3, 2, 1);
    r.add(4);
    assertThat(r.newest(3)).containsExactly(4, 3, 2);
  }

  /** A delayed add whose slot nobody took meanwhile is written and read as usual. */
  @Test
  void aDelayedAddStillWithinTheRingIsKept() {
    Recent<Integer> r = new Recent<>(3);
    long late = r.take();
    r.add(1);
    assertThat(r.newest(3)).as("item 0 not written yet").containsExactly(1);
    r.put(late, 0);

    assertThat(r.newest(3)).containsExactly(1, 0);
  }

  /**
   * Writers on several threads (the event loops) and a reader at the same time (the API): every
   * snapshot holds at most the capacity, no item twice, and each writer's items newest first; at
   * the end the ring holds exactly the capacity.
   */
  @Test
  void concurrentWritersAndAReaderSeeAConsistentNewestFirstView() throws Exception {
    int writers = 4;
    int each = 20_000;
    int capacity = 1_000;
    Recent<long[]> r = new Recent<>(capacity);
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      long writer = w;
      Thread t =
          new Thread(() -> {
            try {
              go.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              return;
            }
            for (long i = 0; i < each; i++) {
              r.add(new long[] {writer, i});
            }
          });
      t.start();
      threads.add(t);
    }
    AtomicBoolean writing = new AtomicBoolean(true);
    List<String> problems = new ArrayList<>();
    int[] snapshots = {0};
    Thread reader =
        new Thread(() -> {
          while (writing.get()) {
            String p = check(r.newest(capacity), capacity);
            snapshots[0]++;
            if (p != null) {
              problems.add(p);
              return;
            }
          }
        });
    reader.start();
    go.countDown();
    for (Thread t : threads) {
      t.join();
    }
    writing.set(false);
    reader.join();
    assertThat(problems).isEmpty();
    assertThat(snapshots[0]).isPositive();
    List<long[]> last = r.newest(capacity);
    assertThat(last).hasSize(capacity);
    assertThat(check(last, capacity)).isNull();
  }

  /** Null when {@code view} is a valid newest-first view, else what is wrong with it. */
  private static String check(List<long[]> view, int capacity) {
    if (view.size() > capacity) {
      return view.size() + " items for a capacity of " + capacity;
    }
    Map<Long, Long> lastSeen = new HashMap<>();
    HashSet<String> seen = new HashSet<>();
    for (long[] item : view) {
      if (!seen.add(item[0] + "/" + item[1])) {
        return "item " + item[0] + "/" + item[1] + " twice";
      }
      Long newer = lastSeen.put(item[0], item[1]);
      if (newer != null && newer <= item[1]) {
        return "writer " + item[0] + ": item " + item[1] + " after " + newer;
      }
    }
    return null;
  }
}
