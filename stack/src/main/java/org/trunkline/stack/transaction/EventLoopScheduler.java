package org.trunkline.stack.transaction;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Real time on a Netty event loop: the layer that uses it must only be called on that loop, and its
 * timers run there too. The timers live in a {@link TimerWheel} (default tick {@link
 * #DEFAULT_TICK_NANOS}) that one Netty scheduled task expires, armed for the next tick that holds a
 * timer: adding and cancelling a timer costs O(1), and the loop wakes up once per tick for all the
 * timers due in it, not once per timer (a busy layer holds tens of thousands, mostly Timer J/K).
 * Timers run up to one tick late, never early; a task with no delay runs as soon as the loop gets
 * to it.
 *
 * <p>A long timer (a delay of {@link #COARSE_FROM_TICKS} coarse ticks or more: Timer K at T4, the
 * 32 s timers D, H, J, L, M) goes to a second wheel whose tick is {@link #COARSE_TICKS} ticks (100
 * ms by default), so it runs up to one coarse tick late (at most 5 % of its delay). A busy layer
 * holds such a timer in every 10 ms slot (2,000 client transactions/s leave 10,000 Timer Ks); one
 * wheel woke the loop every tick for them, 100 times a second whatever else it did. The coarse
 * ticks fall on fine tick boundaries, so the two wheels share their wake-ups.
 *
 * <p>Thread-safe: from another thread, scheduling and cancelling hop to the loop.
 */
public final class EventLoopScheduler implements Scheduler {
  /** 10 ms: T1 (500 ms) and the 200 ms of the 100 Trying timer are far coarser. */
  public static final long DEFAULT_TICK_NANOS = 10_000_000L;

  /**
   * 4096 slots of 10 ms: one turn is 40.96 s, longer than the 32 s timers most transactions end
   * with (D, H, J, L, M at 64*T1), so a slot holds the timers of one turn and {@link
   * TimerWheel#expire} does not walk past later turns' timers on every tick (1024 slots made it
   * walk each 32 s timer three times before it was due).
   */
  private static final int SLOTS = 4096;

  /** The coarse wheel's tick in fine ticks: 10, i.e. 100 ms. */
  static final int COARSE_TICKS = 10;

  /** Delays from this many coarse ticks (2 s by default) go to the coarse wheel. */
  static final int COARSE_FROM_TICKS = 20;

  /** 512 slots of 100 ms: one turn is 51.2 s, longer than the 32 s timers. */
  private static final int COARSE_SLOTS = 512;

  private final EventExecutor loop;
  private final long tickNanos;
  private final TimerWheel wheel;
  private final TimerWheel coarseWheel;
  private final long coarseFromNanos;
  private ScheduledFuture<?> armed;
  private long armedAt = Long.MAX_VALUE;

  public EventLoopScheduler(EventExecutor loop) {
    this(loop, DEFAULT_TICK_NANOS);
  }

  /**
   * @param tickNanos the wheel's tick: how late a timer may run, and how often at most the loop
   *     wakes up for timers
   */
  public EventLoopScheduler(EventExecutor loop, long tickNanos) {
    this.loop = loop;
    this.tickNanos = tickNanos;
    long now = System.nanoTime();
    this.wheel = new TimerWheel(tickNanos, SLOTS, now);
    this.coarseWheel = new TimerWheel(tickNanos * COARSE_TICKS, COARSE_SLOTS, now);
    this.coarseFromNanos = tickNanos * COARSE_TICKS * COARSE_FROM_TICKS;
  }

  /** The loop the layer must be called on. */
  public EventExecutor loop() {
    return loop;
  }

  @Override
  public long nanoTime() {
    return System.nanoTime();
  }

  @Override
  public Scheduled schedule(Runnable task, long delayNanos) {
    Pending p = new Pending(task, nanoTime() + Math.max(0, delayNanos));
    p.coarse = delayNanos >= coarseFromNanos;
    if (delayNanos <= 0) {
      loop.execute(p::runNow);
    } else if (loop.inEventLoop()) {
      p.add();
    } else {
      loop.execute(p::add);
    }
    return p;
  }

  /**
   * A timer and its handle in one object, before and after it is in the wheel; its state changes on
   * the loop only.
   */
  private final class Pending extends TimerWheel.Timer implements Scheduled {
    /** In the coarse wheel (a long timer), else the fine one. */
    boolean coarse;

    Pending(Runnable task, long deadline) {
      super(task, deadline);
    }

    void add() {
      if (!cancelled) {
        (coarse ? coarseWheel : wheel).add(this);
        if (deadline < armedAt) {
          arm();
        }
      }
    }

    void runNow() {
      if (!cancelled) {
        cancelled = true;
        task.run();
      }
    }

    @Override
    public void cancel() {
      if (loop.inEventLoop()) {
        cancelOnLoop();
      } else {
        loop.execute(this::cancelOnLoop);
      }
    }

    private void cancelOnLoop() {
      // marks it cancelled; unlinks it if it is in the wheel
      (coarse ? coarseWheel : wheel).cancel(this);
    }
  }

  /** Makes sure the Netty task runs by the next tick that holds a timer. */
  private void arm() {
    long at = Math.min(wheel.nextCheck(), coarseWheel.nextCheck());
    if (at >= armedAt) {
      return;
    }
    if (armed != null) {
      armed.cancel(false);
    }
    armedAt = at;
    armed =
        at == Long.MAX_VALUE ? null : loop.schedule(this::tick, delay(at), TimeUnit.NANOSECONDS);
  }

  private long delay(long at) {
    return Math.max(0, at - System.nanoTime());
  }

  private void tick() {
    armed = null;
    armedAt = Long.MAX_VALUE;
    wakeups++;
    long now = System.nanoTime();
    // both wheels' due timers run together, in order of deadline
    wheel.collect(now, due);
    coarseWheel.collect(now, due);
    TimerWheel.run(due);
    arm();
  }

  private long wakeups;
  private final java.util.List<TimerWheel.Timer> due = new java.util.ArrayList<>();

  /** How often the loop ran the wheels' task (for tests: the wake-ups timers cost). */
  long wakeups() {
    return wakeups;
  }

  @Override
  public String toString() {
    return "EventLoopScheduler[tick "
        + tickNanos
        + " ns, "
        + (wheel.size() + coarseWheel.size())
        + " timers]";
  }
}
