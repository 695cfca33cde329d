package org.trunkline.server.storage;

import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * How a writer thread sleeps without a deadline while it has nothing to write, and how the code
 * that hands it work wakes it (bench/RESULTS.md, stop 18, branch idle11: an idle server's writers
 * looked 5 times a second each). The writer sets the flag and then reads its work queue; a producer
 * adds to the queue (a volatile write or a CAS) and then reads the flag: with both sides volatile,
 * one of them sees the other, so no work is left asleep. The producer pays one volatile read when
 * the writer is busy.
 */
final class IdleSleep {
  private final BooleanSupplier nothingToDo;
  private volatile boolean idle;
  private final LongAdder sleeps = new LongAdder();

  /**
   * @param nothingToDo true while the writer has nothing to do (read with {@link #idle} set; it may
   *     also say so when the writer is asked to stop)
   */
  IdleSleep(BooleanSupplier nothingToDo) {
    this.nothingToDo = nothingToDo;
  }

  /**
   * The writer: sleeps while {@code nothingToDo} holds, until {@link #wake} (or an unpark). False
   * when interrupted.
   */
  boolean sleep() {
    idle = true;
    sleeps.increment();
    while (idle && nothingToDo.getAsBoolean()) {
      LockSupport.park(this);
      if (Thread.currentThread().isInterrupted()) {
        return false;
      }
    }
    idle = false;
    return true;
  }

  /**
   * The writer, after {@link #sleep} found work: naps {@code nanos} so that more work gathers into
   * one batch, unless {@code stopping} already holds (close() sets it and then unparks the writer).
   * It is read before the nap: once it reads false, the unpark that follows cannot have been spent
   * already (a {@link #wake} and close()'s unpark both before the sleep's park leave one permit,
   * which that park takes: the nap then took its whole interval, and close() gave up waiting when
   * the interval was long). False when interrupted.
   */
  boolean gather(long nanos, BooleanSupplier stopping) {
    if (!stopping.getAsBoolean()) {
      LockSupport.parkNanos(this, nanos);
    }
    return !Thread.currentThread().isInterrupted();
  }

  /** A producer, after it handed {@code writer} work: wakes it if it sleeps. */
  void wake(Thread writer) {
    if (idle) {
      idle = false;
      LockSupport.unpark(writer);
    }
  }

  /** Whether {@code writer} sleeps here now (for tests). */
  boolean asleep(Thread writer) {
    return idle && writer.getState() == Thread.State.WAITING;
  }

  /** How often the writer went to sleep (for tests: an idle writer stays asleep). */
  long sleeps() {
    return sleeps.sum();
  }
}
