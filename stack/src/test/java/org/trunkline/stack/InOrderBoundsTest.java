package org.trunkline.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.trunkline.stack.InOrder.LoopBudget;
import org.trunkline.stack.InOrder.Offer;

/**
 * The queues of {@link InOrder} are bounded per source and per home loop; a blocked loop (a latch)
 * fills them deterministically.
 */
class InOrderBoundsTest {
  final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
  final EventLoop home = group.next();
  final EventLoop other = group.next();
  final CountDownLatch gate = new CountDownLatch(1);
  final List<String> ran = new CopyOnWriteArrayList<>();

  @AfterEach
  void close() {
    gate.countDown();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  @Test
  void aSourceHoldsAtMostItsBoundAndAFullHomeStepRunsAtOnce() throws Exception {
    InOrder order = new InOrder(home);
    LoopBudget budget = new LoopBudget(100);
    List<Offer> offers =
        onHome(() -> {
          order.bound(2, budget);
          Offer a1 = order.offer("a", other, () -> passGate("a1"));
          Offer a2 = order.offer("a", home, () -> ran.add("a2"));
          Offer a3 = order.offer("a", other, () -> ran.add("a3"));
          Offer b1 = order.offer("b", other, () -> ran.add("b1"));
          // an answer to write for a full source goes out at once rather than wait
          order.run("a", home, () -> ran.add("a-answer"));
          return List.of(a1, a2, a3, b1);
        });
    assertThat(offers)
        .containsExactly(Offer.ACCEPTED, Offer.ACCEPTED, Offer.SOURCE_FULL, Offer.ACCEPTED);
    assertThat(onHome(() -> order.queued("a"))).isEqualTo(2);
    assertThat(onHome(budget::queued)).isEqualTo(3);
    assertThat(ran).containsExactly("a-answer");
    gate.countDown();
    await().atMost(Duration.ofSeconds(5)).until(() -> onHome(order::sourcesInFlight) == 0);
    assertThat(ran).containsSubsequence("a-answer", "a1", "a2").contains("b1").doesNotContain("a3");
    assertThat(onHome(budget::queued)).isZero();
  }

  @Test
  void theSourcesOfOneLoopShareItsBound() throws Exception {
    InOrder udp = new InOrder(home);
    InOrder tcp = new InOrder(home);
    LoopBudget budget = new LoopBudget(3);
    List<Offer> offers =
        onHome(() -> {
          udp.bound(10, budget);
          tcp.bound(10, budget);
          return List.of(
              udp.offer("a", other, () -> passGate("a1")),
              udp.offer("a", other, () -> ran.add("a2")),
              tcp.offer("c", other, () -> ran.add("c1")),
              tcp.offer("d", other, () -> ran.add("d1")),
              udp.offer("a", home, () -> ran.add("a3")));
        });
    assertThat(offers)
        .containsExactly(
            Offer.ACCEPTED, Offer.ACCEPTED, Offer.ACCEPTED, Offer.LOOP_FULL, Offer.LOOP_FULL);
    assertThat(onHome(budget::queued)).isEqualTo(3);
    // a step for another loop cannot run at once: run() says so instead of losing it
    assertThatThrownBy(() -> onHome(() -> tcp.run("d", other, () -> ran.add("d2"))))
        .hasRootCauseInstanceOf(IllegalStateException.class)
        .rootCause()
        .hasMessage("LOOP_FULL: step for another loop refused; use offer()");
    gate.countDown();
    await().atMost(Duration.ofSeconds(5)).until(() -> onHome(budget::queued) == 0);
    assertThat(ran).containsExactlyInAnyOrder("a1", "a2", "c1");
    assertThat(ran.indexOf("a1")).isLessThan(ran.indexOf("a2"));
  }

  @Test
  void stepsQueuedBeforeTheBoundAreCarriedIntoTheLoopBudget() throws Exception {
    InOrder order = new InOrder(home);
    LoopBudget budget = new LoopBudget(2);
    Offer after =
        onHome(() -> {
          order.offer("a", other, () -> passGate("a1"));
          order.offer("a", home, () -> ran.add("a2"));
          order.bound(10, budget);
          return order.offer("a", home, () -> ran.add("a3"));
        });
    assertThat(after).isEqualTo(Offer.LOOP_FULL);
    assertThat(onHome(budget::queued)).isEqualTo(2);
    gate.countDown();
    await().atMost(Duration.ofSeconds(5)).until(() -> onHome(budget::queued) == 0);
    assertThat(ran).containsExactly("a1", "a2");
  }

  @Test
  void theBoundMustBePositive() {
    InOrder order = new InOrder(home);
    assertThatThrownBy(() -> order.bound(0, new LoopBudget(1)))
        .hasMessage("maxPerSource: must be >= 1, got 0");
  }

  private void passGate(String name) {
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

  private <T> T onHome(Callable<T> c) throws Exception {
    return home.submit(c).get(5, TimeUnit.SECONDS);
  }
}
