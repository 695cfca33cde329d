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
