package org.trunkline.stack.transaction;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A hashed timing wheel (Varghese and Lauck): timers in slots of {@code tickNanos}, each slot a
 * doubly linked list, so adding and cancelling cost O(1) whatever the number of timers (a UDP
 * non-INVITE server transaction holds Timer J for 32 s, so a busy layer holds tens of thousands).
 * Time is given by the caller, which makes it testable without waiting.
 *
 * <p>A timer never runs early: its deadline is rounded up to a tick, so it runs up to one tick late
 * (and later if {@link #expire} is called late). The RFC 3261 timers are lower bounds with room to
 * spare at a 10 ms tick (T1 is 500 ms). Timers due in one {@link #expire} run in order of deadline,
 * ties in order of scheduling, as {@link VirtualScheduler} runs them.
 *
 * <p>Confined to one thread (the event loop of an {@link EventLoopScheduler}).
 */
final class TimerWheel {
  private static final Logger LOG = LoggerFactory.getLogger(TimerWheel.class);

  /**
   * A timer in the wheel. A scheduler may extend it with its own handle (one object per timer, not
   * a handle and a timer).
   */
  static class Timer {
    final Runnable task;
    final long deadline;
    long seq;
    long tick;
    Timer prev;
    Timer next;
    boolean linked;

    /** Cancelled, or ran: it will not run (again). */
    boolean cancelled;

    Timer(Runnable task, long deadline) {
      this.task = task;
      this.deadline = deadline;
    }
  }

  private static final Comparator<Timer> BY_DEADLINE =
      Comparator.<Timer>comparingLong(t -> t.deadline).thenComparingLong(t -> t.seq);

  private final long tickNanos;
  private final long origin;
  private final Timer[] heads;
  private final Timer[] tails;
  private final int mask;
  private final List<Timer> due = new ArrayList<>();

  /** The first tick not expired yet (ticks count from {@link #origin}). */
  private long cursor;

  private int size;
  private long seq;

  /**
   * @param slots a power of two; one turn of the wheel is {@code slots * tickNanos}
   * @param now the current time (ticks count from it)
   */
  TimerWheel(long tickNanos, int slots, long now) {
    if (tickNanos < 1 || slots < 1 || Integer.bitCount(slots) != 1) {
      throw new IllegalArgumentException(
          "tick " + tickNanos + " ns, " + slots + " slots: need tick >= 1 and a power of two");
    }
    this.tickNanos = tickNanos;
    this.origin = now;
    this.heads = new Timer[slots];
    this.tails = new Timer[slots];
    this.mask = slots - 1;
    this.cursor = 1;
  }

  /** Timers waiting (not run, not cancelled). */
  int size() {
    return size;
  }

  /** Adds {@code task} to run at {@code deadline} or at most a tick (plus lateness) after. */
  Timer add(Runnable task, long deadline) {
    return add(new Timer(task, deadline));
  }

  /**
   * Adds {@code t} (not added before) to run at its deadline or at most a tick (plus lateness)
   * after.
   *
   * @return t
   */
  Timer add(Timer t) {
    if (t.linked || t.cancelled) {
      throw new IllegalStateException("timer already added, run or cancelled");
    }
    t.seq = seq++;
    long d = t.deadline - origin;
    // rounded up: the timer's tick ends at or after its deadline
    t.tick = Math.max(cursor, d <= 0 ? 0 : (d + tickNanos - 1) / tickNanos);
    int s = (int) (t.tick & mask);
    t.prev = tails[s];
    if (t.prev == null) {
      heads[s] = t;
    } else {
      t.prev.next = t;
    }
    tails[s] = t;
    t.linked = true;
    size++;
    return t;
  }

  /** Stops {@code t} if it has not run; harmless afterwards. */
  void cancel(Timer t) {
    t.cancelled = true;
    unlink(t);
  }

  private void unlink(Timer t) {
    if (!t.linked) {
      return;
    }
    int s = (int) (t.tick & mask);
    if (t.prev == null) {
      heads[s] = t.next;
    } else {
      t.prev.next = t.next;
    }
    if (t.next == null) {
      tails[s] = t.prev;
    } else {
      t.next.prev = t.prev;
    }
    t.prev = t.next = null;
    t.linked = false;
    size--;
  }

  /**
   * Runs every timer due at {@code now}. A timer cancelled by one that runs before it does not run;
   * timers added by a running one run in a later call.
   *
   * @return how many ran
   */
  int expire(long now) {
    collect(now, due);
    return run(due);
  }

  /**
   * Takes every timer due at {@code now} out of the wheel into {@code into} (to be {@link #run},
   * possibly with another wheel's).
   */
  void collect(long now, List<Timer> into) {
    long nowTick = Math.floorDiv(now - origin, tickNanos);
    if (nowTick < cursor) {
      return;
    }
    // every slot once at most, however late this call is
    long last = Math.min(nowTick, cursor + mask);
    for (long tick = cursor; tick <= last; tick++) {
      int s = (int) (tick & mask);
      for (Timer t = heads[s]; t != null; ) {
        Timer next = t.next;
        if (t.tick <= nowTick) {
          unlink(t);
          into.add(t);
        }
        t = next;
      }
    }
    cursor = nowTick + 1;
  }

  /**
   * Runs the collected {@code due} timers in order of deadline (ties in order of scheduling), but
   * not one cancelled by one that ran before it, and empties the list.
   *
   * @return how many ran
   */
  static int run(List<Timer> due) {
    if (due.size() > 1) {
      due.sort(BY_DEADLINE);
    }
    int ran = 0;
    for (int i = 0; i < due.size(); i++) {
      Timer t = due.get(i);
      if (!t.cancelled) {
        t.cancelled = true; // ran: a later cancel() is harmless
        ran++;
        try {
          t.task.run();
        } catch (RuntimeException e) {
          // as an event loop does with a failing task: the other timers still run
          LOG.warn("timer task {} failed", t.task, e);
        }
      }
    }
    due.clear();
    return ran;
  }

  /**
   * The time of the first tick at or after the next one whose slot holds a timer (which may be a
   * later turn's), or {@code Long.MAX_VALUE} if the wheel is empty: when {@link #expire} has
   * something to look at.
   */
  long nextCheck() {
    if (size == 0) {
      return Long.MAX_VALUE;
    }
    for (long tick = cursor; tick <= cursor + mask; tick++) {
      if (heads[(int) (tick & mask)] != null) {
        return origin + tick * tickNanos;
      }
    }
    throw new IllegalStateException(size + " timers but every slot empty");
  }
}
