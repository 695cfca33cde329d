package org.trunkline.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Steps of one source run in order across event loops; other sources do not wait for them. */
class InOrderTest {
  final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
  final EventLoop home = group.next();
  final EventLoop other = group.next();
  final InOrder order = new InOrder(home);
  final List<String> ran = new CopyOnWriteArrayList<>();

  @AfterEach
  void close() {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  @Test
  void aHomeStepWaitsForTheSameSourcesStepOnAnotherLoop() throws Exception {
    assertThat(other).isNotSameAs(home);
    CountDownLatch gate = new CountDownLatch(1);
    onHome(() -> {
      order.run("a", other, () -> passGate(gate, "a1"));
      order.run("a", home, () -> ran.add("a2"));
      order.run("b", home, () -> ran.add("b1")); // another source: at once
    });
    // the home loop is free, a2 still waits for a1
    assertThat(onHome(() -> List.copyOf(ran))).containsExactly("b1");
    assertThat(onHome(order::sourcesInFlight)).isEqualTo(1);
    gate.countDown();
    await().atMost(Duration.ofSeconds(5)).until(() -> onHome(order::sourcesInFlight) == 0);
    assertThat(ran).containsExactly("b1", "a1", "a2");
  }

  @Test
  void withNothingInFlightAHomeStepRunsAtOnce() throws Exception {
    onHome(() -> {
      order.run("a", home, () -> ran.add("a1"));
      ran.add("after");
    });
    assertThat(ran).containsExactly("a1", "after");
    assertThat(onHome(order::sourcesInFlight)).isZero();
  }

  private void passGate(CountDownLatch gate, String name) {
    try {
      assertThat(gate.await(5, TimeUnit.SECONDS)).isTrue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    ran.add(name);
  }

  private void onHome(Runnable r) throws Exception {
    home.submit(r).get(5, TimeUnit.SECONDS);
  }

  private <T> T onHome(java.util.concurrent.Callable<T> c) throws Exception {
    return home.submit(c).get(5, TimeUnit.SECONDS);
  }
}
