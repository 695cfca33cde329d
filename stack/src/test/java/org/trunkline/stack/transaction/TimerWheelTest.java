package org.trunkline.stack.transaction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The timing wheel on a clock the test moves: never early, at most a tick late, in order. */
class TimerWheelTest {
  static final long TICK = 10;
  // an origin far from 0 and negative, as System.nanoTime() may be
  final long t0 = -5_000_000_000_000L;
  final TimerWheel wheel = new TimerWheel(TICK, 8, t0);
  final List<String> ran = new ArrayList<>();

  Runnable note(String name) {
    return () -> ran.add(name);
  }

  @Test
  void runsNeverEarlyAndAtMostOneTickLate() {
    wheel.add(note("a@15"), t0 + 15);
    wheel.add(note("b@20"), t0 + 20);
    assertThat(wheel.expire(t0 + 14)).isZero();
    assertThat(wheel.expire(t0 + 19)).isZero(); // a is due, but its tick (20) has not ended
    assertThat(wheel.expire(t0 + 20)).isEqualTo(2);
    assertThat(ran).containsExactly("a@15", "b@20");
    assertThat(wheel.size()).isZero();
    assertThat(wheel.nextCheck()).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void timersCollectedFromTwoWheelsRunTogetherByDeadline() {
    TimerWheel coarse = new TimerWheel(TICK * 10, 8, t0);
    coarse.add(note("coarse@150"), t0 + 150);
    wheel.add(note("fine@190"), t0 + 190);
    TimerWheel.Timer late = coarse.add(note("coarse@160 cancelled"), t0 + 160);
    wheel.add(() -> coarse.cancel(late), t0 + 155);
    List<TimerWheel.Timer> due = new ArrayList<>();
    wheel.collect(t0 + 200, due);
    coarse.collect(t0 + 200, due);
    assertThat(TimerWheel.run(due)).isEqualTo(3);
    // the coarse timer due first runs first, and one cancelled by an earlier fine one does not run
    assertThat(ran).containsExactly("coarse@150", "fine@190");
    assertThat(due).isEmpty();
    assertThat(wheel.size() + coarse.size()).isZero();
  }

  @Test
  void dueTimersRunByDeadlineThenBySchedulingOrder() {
    wheel.add(note("far@75"), t0 + 75); // a later turn of the same slot as 15 (8 slots of 10)
    wheel.add(note("c@18"), t0 + 18);
    wheel.add(note("a@12"), t0 + 12);
    wheel.add(note("b@18"), t0 + 18);
    wheel.add(note("past"), t0 - 100);
    assertThat(wheel.expire(t0 + 30)).isEqualTo(4);
    assertThat(ran).containsExactly("past", "a@12", "c@18", "b@18");
    assertThat(wheel.size()).isEqualTo(1);
    assertThat(wheel.expire(t0 + 79)).isZero();
    assertThat(wheel.expire(t0 + 80)).isEqualTo(1);
    assertThat(ran).endsWith("far@75");
  }

  @Test
  void cancelledTimersDoNotRunEvenWhenCancelledByATimerDueWithThem() {
    TimerWheel.Timer[] victim = new TimerWheel.Timer[1];
    wheel.add(() -> wheel.cancel(victim[0]), t0 + 11);
    victim[0] = wheel.add(note("victim"), t0 + 12);
    TimerWheel.Timer gone = wheel.add(note("gone"), t0 + 13);
    wheel.cancel(gone);
    wheel.cancel(gone); // harmless twice
    assertThat(wheel.size()).isEqualTo(2);
    assertThat(wheel.expire(t0 + 50)).isEqualTo(1);
    assertThat(ran).isEmpty();
    assertThat(wheel.size()).isZero();
  }

  @Test
  void timersAddedWhileExpiringRunLaterAndAFailingOneDoesNotStopTheOthers() {
    wheel.add(
        () -> {
          ran.add("first");
          wheel.add(note("added-now"), t0 + 5); // already past: the next tick
        },
        t0 + 10);
    wheel.add(
        () -> {
          throw new IllegalStateException("a bug in a timer");
        },
        t0 + 10);
    wheel.add(note("after-failure"), t0 + 10);
    assertThat(wheel.expire(t0 + 10)).isEqualTo(3);
    assertThat(ran).containsExactly("first", "after-failure");
    assertThat(wheel.nextCheck()).isEqualTo(t0 + 20);
    assertThat(wheel.expire(t0 + 20)).isEqualTo(1);
    assertThat(ran).endsWith("added-now");
  }

  @Test
  void aLateExpireSeesEveryTurnOnceAndNextCheckFindsTheFirstFilledSlot() {
    wheel.add(note("x@500"), t0 + 500);
    wheel.add(note("y@1000"), t0 + 1000);
    assertThat(wheel.nextCheck()).isEqualTo(t0 + 20); // tick 50 is slot 2; tick 2 comes first
    assertThat(wheel.expire(t0 + 700)).isEqualTo(1); // 70 ticks late: more than a turn
    assertThat(ran).containsExactly("x@500");
    assertThat(wheel.nextCheck()).isEqualTo(t0 + 760); // tick 100 is slot 4: tick 76 after 71
    assertThat(wheel.expire(t0 + 999)).isZero();
    assertThat(wheel.expire(t0 + 1000)).isEqualTo(1);
  }

  @Test
  void agreesWithVirtualTimeOnRandomTimers() {
    SplittableRandom r = new SplittableRandom(17);
    long[] ranAt = new long[2000];
    long[] deadline = new long[2000];
    long[] now = {t0};
    for (int i = 0; i < deadline.length; i++) {
      int n = i;
      deadline[i] = t0 + r.nextLong(1, 3000);
      wheel.add(() -> ranAt[n] = now[0], deadline[i]);
    }
    while (wheel.size() > 0) {
      now[0] += r.nextLong(1, 25);
      wheel.expire(now[0]);
    }
    for (int i = 0; i < deadline.length; i++) {
      long roundedUp = t0 + Math.ceilDiv(deadline[i] - t0, TICK) * TICK;
      assertThat(ranAt[i]).as("timer %d", i).isGreaterThanOrEqualTo(roundedUp);
      assertThat(ranAt[i] - roundedUp).as("timer %d lateness", i).isLessThan(25);
    }
  }

  @Test
  void rejectsBadShapes() {
    assertThatThrownBy(() -> new TimerWheel(10, 6, 0)).hasMessageContaining("power of two");
    assertThatThrownBy(() -> new TimerWheel(0, 8, 0)).hasMessageContaining("tick");
  }
}
