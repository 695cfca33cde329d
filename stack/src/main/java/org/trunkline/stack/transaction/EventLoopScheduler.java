package org.trunkline.stack.transaction;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Real time on a Netty event loop: the layer that uses it must only be called on that loop, and its
 * timers run there too. Thread-safe as Netty's scheduling is; the layer above is not.
 */
public final class EventLoopScheduler implements Scheduler {
  private final EventExecutor loop;

  public EventLoopScheduler(EventExecutor loop) {
    this.loop = loop;
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
    ScheduledFuture<?> f = loop.schedule(task, Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
    return () -> f.cancel(false);
  }
}
