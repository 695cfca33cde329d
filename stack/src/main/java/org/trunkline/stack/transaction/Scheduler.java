package org.trunkline.stack.transaction;

/**
 * The clock and timer wheel a {@link TransactionLayer} runs on (STYLE 8: time is injected). Tasks
 * run on the scheduler's one thread, the same thread that calls into the layer; {@link
 * VirtualScheduler} runs them when a test advances time, {@link EventLoopScheduler} on a Netty
 * event loop.
 */
public interface Scheduler {
  /** Now, in nanoseconds on a monotonic scale (only differences mean something). */
  long nanoTime();

  /**
   * Runs {@code task} once after {@code delayNanos} (0 or less: as soon as possible, not inline).
   */
  Scheduled schedule(Runnable task, long delayNanos);

  /** A pending task. */
  interface Scheduled {
    /** Stops the task if it has not run yet; harmless afterwards. */
    void cancel();
  }
}
