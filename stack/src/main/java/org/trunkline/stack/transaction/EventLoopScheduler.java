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

  private final EventExecutor loop;
  private final long tickNanos;
  private final TimerWheel wheel;
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
    this.wheel = new TimerWheel(tickNanos, SLOTS, System.nanoTime());
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
    Pending(Runnable task, long deadline) {
      super(task, deadline);
    }

    void add() {
      if (!cancelled) {
        wheel.add(this);
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
      wheel.cancel(this); // marks it cancelled; unlinks it if it is in the wheel
    }
  }

  /** Makes sure the Netty task runs by the next tick that holds a timer. */
  private void arm() {
    long at = wheel.nextCheck();
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
    wheel.expire(System.nanoTime());
    arm();
  }

  @Override
  public String toString() {
    return "EventLoopScheduler[tick " + tickNanos + " ns, " + wheel.size() + " timers]";
  }
}
