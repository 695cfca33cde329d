package org.trunkline.stack.transaction;

import java.time.Duration;
import java.util.PriorityQueue;

/**
 * Virtual time for tests: nothing runs until {@link #advance} moves the clock, and then every task
 * that falls due runs in order of due time (ties in order of scheduling), with the clock set to its
 * due time while it runs. Tasks scheduled by a running task run in the same advance if they fall
 * due before its end. Single-threaded: call from the test thread only.
 */
public final class VirtualScheduler implements Scheduler {
  private final PriorityQueue<Task> queue = new PriorityQueue<>();
  private long now;
  private long sequence;

  @Override
  public long nanoTime() {
    return now;
  }

  @Override
  public Scheduled schedule(Runnable task, long delayNanos) {
    Task t = new Task(now + Math.max(0, delayNanos), sequence++, task);
    queue.add(t);
    return t;
  }

  /** Moves the clock forward by {@code d}, running every task due until then. */
  public void advance(Duration d) {
    if (d.isNegative()) {
      throw new IllegalArgumentException("cannot advance virtual time by " + d);
    }
    long target = now + d.toNanos();
    while (!queue.isEmpty() && queue.peek().due <= target) {
      Task t = queue.poll();
      now = t.due;
      Runnable r = t.task;
      if (r != null) {
        t.task = null;
        r.run();
      }
    }
    now = target;
  }

  /** Runs what is due now (tasks scheduled with no delay), without moving the clock. */
  public void runDue() {
    advance(Duration.ZERO);
  }

  /** The virtual time elapsed since creation. */
  public Duration elapsed() {
    return Duration.ofNanos(now);
  }

  /** How many tasks are scheduled and not cancelled. */
  public int pending() {
    int n = 0;
    for (Task t : queue) {
      if (t.task != null) {
        n++;
      }
    }
    return n;
  }

  private static final class Task implements Scheduled, Comparable<Task> {
    final long due;
    final long seq;
    Runnable task;

    Task(long due, long seq, Runnable task) {
      this.due = due;
      this.seq = seq;
      this.task = task;
    }

    @Override
    public void cancel() {
      task = null;
    }

    @Override
    public int compareTo(Task o) {
      return due != o.due ? Long.compare(due, o.due) : Long.compare(seq, o.seq);
    }
  }
}
