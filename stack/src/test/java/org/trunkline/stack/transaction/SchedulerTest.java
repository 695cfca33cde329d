package org.trunkline.stack.transaction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.DefaultEventLoop;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SchedulerTest {
  @Test
  void virtualTimeRunsDueTasksInOrderWithTheClockAtTheirDueTime() {
    VirtualScheduler s = new VirtualScheduler();
    List<String> ran = new ArrayList<>();
    s.schedule(() -> ran.add("b@" + s.nanoTime()), 2_000);
    s.schedule(() -> ran.add("a@" + s.nanoTime()), 1_000);
    s.schedule(() -> ran.add("a2@" + s.nanoTime()), 1_000);
    Scheduler.Scheduled cancelled = s.schedule(() -> ran.add("never"), 1_500);
    s.schedule(() -> s.schedule(() -> ran.add("nested@" + s.nanoTime()), 500), 1_200);
    cancelled.cancel();
    assertThat(s.pending()).isEqualTo(4);
    s.advance(Duration.ofNanos(1_999));
    assertThat(ran).containsExactly("a@1000", "a2@1000", "nested@1700");
    s.advance(Duration.ofNanos(1));
    assertThat(ran).endsWith("b@2000");
    assertThat(s.elapsed()).isEqualTo(Duration.ofNanos(2_000));
    assertThatThrownBy(() -> s.advance(Duration.ofNanos(-1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void eventLoopSchedulerRunsAndCancelsOnTheLoop() throws InterruptedException {
    DefaultEventLoop loop = new DefaultEventLoop();
    try {
      EventLoopScheduler s = new EventLoopScheduler(loop);
      CountDownLatch done = new CountDownLatch(1);
      boolean[] cancelledRan = new boolean[1];
      Thread[] ranOn = new Thread[1];
      Scheduler.Scheduled c = s.schedule(() -> cancelledRan[0] = true, 20_000_000L);
      c.cancel();
      s.schedule(
          () -> {
            ranOn[0] = Thread.currentThread();
            done.countDown();
          },
          40_000_000L);
      assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
      assertThat(cancelledRan[0]).isFalse();
      assertThat(loop.inEventLoop(ranOn[0])).isTrue();
    } finally {
      loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  @Test
  void longTimersShareTheCoarseWheelsWakeUpsAndNeverRunEarly() throws Exception {
    DefaultEventLoop loop = new DefaultEventLoop();
    try {
      long tick = 1_000_000L; // 1 ms: the coarse tick is 10 ms, from 200 ms on a timer is coarse
      EventLoopScheduler s = new EventLoopScheduler(loop, tick);
      int n = 50;
      CountDownLatch done = new CountDownLatch(n + 1);
      long[] early = new long[1];
      long[] shortRanAt = new long[1];
      long[] firstLongRanAt = {Long.MAX_VALUE};
      long wakeupsBefore =
          loop.submit(
                  () -> {
                    long now = s.nanoTime();
                    s.schedule(
                        () -> {
                          shortRanAt[0] = s.nanoTime();
                          if (shortRanAt[0] < now + 50 * tick) {
                            early[0]++;
                          }
                          done.countDown();
                        },
                        50 * tick);
                    for (int i = 0; i < n; i++) {
                      long delay = (300 + i) * tick; // one per fine tick, over 50 ms
                      s.schedule(
                          () -> {
                            long at = s.nanoTime();
                            firstLongRanAt[0] = Math.min(firstLongRanAt[0], at);
                            if (at < now + delay) {
                              early[0]++;
                            }
                            done.countDown();
                          },
                          delay);
                    }
                    return s.wakeups();
                  })
              .get(5, TimeUnit.SECONDS);
      assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
      long wakeups = loop.submit(s::wakeups).get(5, TimeUnit.SECONDS) - wakeupsBefore;
      assertThat(early[0]).as("timers run early").isZero();
      // the short timer is on the fine wheel: it ran long before the first long one was due
      assertThat(shortRanAt[0]).isLessThan(firstLongRanAt[0]);
      // 50 timers due 1 ms apart, in about 6 coarse ticks: one wake-up each, not one per timer
      assertThat(wakeups).isBetween(1L, 10L);
    } finally {
      loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  @Test
  void configRejectsBadValuesByName() {
    assertThatThrownBy(() ->
            new TransactionConfig(
                Duration.ofSeconds(1),
                Duration.ofMillis(500),
                Duration.ofSeconds(5),
                Duration.ofMillis(200),
                Duration.ofSeconds(32),
                Duration.ofSeconds(180)))
        .hasMessage("t2: must be >= t1 (PT1S), got PT0.5S");
    assertThatThrownBy(() ->
            new TransactionConfig(
                Duration.ZERO,
                Duration.ofSeconds(4),
                Duration.ofSeconds(5),
                Duration.ofMillis(200),
                Duration.ofSeconds(32),
                Duration.ofSeconds(180)))
        .hasMessage("t1: must be > 0, got PT0S");
  }
}
