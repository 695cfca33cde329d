package org.trunkline.server.storage;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The write side of a store (ARCHITECTURE.md, Storage): items are queued by any thread, event loops
 * included, and one writer thread of its own writes them in order, as many as are waiting (up to
 * {@code maxBatch}) in one transaction. When a batch fails it is rolled back and its items are
 * written one by one, so one bad item loses only itself.
 *
 * <p>{@link #offer} never blocks and never throws: a full queue or a closed writer refuses the
 * item, counts it and logs. The writer looks for items every {@link #FLUSH_INTERVAL} (at once again
 * while its last batch was full); when it finds the queue empty it sleeps without a deadline, and
 * the first offer after that wakes it, so an idle server's writer costs nothing (it woke 5 times a
 * second, ~0.2 ms of CPU a second: bench/RESULTS.md, stop 18, branch idle11) while a busy one's
 * offers still never wake it. Either way an item waits at most about {@link #FLUSH_INTERVAL}.
 * {@link #close} writes everything queued before it returns (a clean shutdown loses nothing).
 *
 * @param <T> what is written
 */
final class QueuedWriter<T> implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(QueuedWriter.class);
  private static final Object STOP = new Object();
  private static final long CLOSE_TIMEOUT_S = 10;

  /**
   * How long the writer lets items gather when it is not behind: a {@code kill -9} loses at most
   * about this much (ARCHITECTURE.md allows a second).
   */
  static final Duration FLUSH_INTERVAL = Duration.ofMillis(200);

  /** Writes {@code items} on {@code c}; the writer commits or rolls back around it. */
  @FunctionalInterface
  interface Batch<T> {
    void write(Connection c, List<T> items) throws SQLException;
  }

  private final String what;
  private final DataSource db;
  private final int maxBatch;
  private final Batch<T> batch;
  private final Function<T, String> describe;
  private final long flushNanos;

  /**
   * Lock-free, so an event loop's offer never waits for the writer thread (with a locked queue, a
   * writer preempted while it drained held the loops' offers for milliseconds); {@link #queued}
   * bounds it.
   */
  private final ConcurrentLinkedQueue<Object> queue = new ConcurrentLinkedQueue<>();

  /** Items in {@link #queue}, STOP not counted. */
  private final AtomicInteger queued = new AtomicInteger();

  private final int capacity;
  private final Thread thread;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final LongAdder written = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final LongAdder refused = new LongAdder();

  /** The writer's sleep on an empty queue, and the wake-up by the next offer. */
  private final IdleSleep idle = new IdleSleep(this::queueEmpty);

  /**
   * Starts the writer thread, named {@code what + "-writer"}.
   *
   * @param what what an item is, for logs ({@code "CDR"})
   * @param capacity items that may wait; more are refused
   * @param describe one item in a log line ({@code "CDR 3f9k of call-id a84@pbx"})
   */
  QueuedWriter(
      String what,
      DataSource db,
      int capacity,
      int maxBatch,
      Batch<T> batch,
      Function<T, String> describe) {
    this(what, db, capacity, maxBatch, batch, describe, FLUSH_INTERVAL);
  }

  /**
   * @param flushInterval how long the writer lets items gather when it is not behind
   */
  QueuedWriter(
      String what,
      DataSource db,
      int capacity,
      int maxBatch,
      Batch<T> batch,
      Function<T, String> describe,
      Duration flushInterval) {
    this.flushNanos = flushInterval.toNanos();
    this.what = what;
    this.db = db;
    this.maxBatch = maxBatch;
    this.batch = batch;
    this.describe = describe;
    this.capacity = capacity;
    this.thread = new Thread(this::run, what.toLowerCase(java.util.Locale.ROOT) + "-writer");
    thread.setDaemon(true);
    thread.start();
  }

  /** Queues {@code item}; false (counted and logged) when the queue is full or closed. */
  boolean offer(T item) {
    if (closed.get() || !reserve()) {
      refused.increment();
      long n = refused.sum();
      // Power-of-two counts only: a flood must not become a flood of log lines.
      if ((n & (n - 1)) == 0) {
        LOG.error(
            "{} not stored, the {} queue is {} ({} refused so far): {}",
            what,
            what,
            closed.get() ? "closed" : "full",
            n,
            describe.apply(item));
      }
      return false;
    }
    queue.offer(item);
    idle.wake(thread);
    return true;
  }

  /** Takes a slot for an item: false when {@code capacity} items wait already. */
  private boolean reserve() {
    if (queued.incrementAndGet() <= capacity) {
      return true;
    }
    queued.decrementAndGet();
    return false;
  }

  /** Moves up to {@code max} waiting items (and STOP) from the queue to {@code to}. */
  private void drain(List<Object> to, int max) {
    int n = 0;
    Object o;
    while (n < max && (o = queue.poll()) != null) {
      to.add(o);
      if (o != STOP) {
        n++;
      }
    }
    queued.addAndGet(-n);
  }

  /** Items written, failed (logged) and refused (queue full or closed) so far. */
  long written() {
    return written.sum();
  }

  long failed() {
    return failed.sum();
  }

  long refused() {
    return refused.sum();
  }

  /** How often the writer found the queue empty and slept until an offer (or close) woke it. */
  long sleeps() {
    return idle.sleeps();
  }

  /** Whether the writer sleeps now on an empty queue (for tests). */
  boolean asleep() {
    return idle.asleep(thread);
  }

  private void run() {
    List<Object> taken = new ArrayList<>(maxBatch);
    List<T> items = new ArrayList<>(maxBatch);
    boolean stop = false;
    boolean behind = false;
    while (!stop) {
      if (!behind) {
        if (queue.isEmpty() && !idle.sleep()) {
          return; // nobody interrupts this thread but a dying JVM
        }
        // Not blocked on the queue while items come: an offer never has to wake this thread (a
        // wake-up and a one-row transaction per item cost more than the item); what comes during
        // the nap is written in one transaction. close() unparks it.
        if (!idle.gather(flushNanos, closed::get)) {
          return;
        }
      }
      drain(taken, maxBatch);
      behind = taken.size() >= maxBatch;
      for (Object o : taken) {
        if (o == STOP) {
          stop = true;
        } else {
          items.add(cast(o));
        }
      }
      taken.clear();
      if (stop) {
        // What was queued behind STOP (an offer racing with close) is written too.
        drain(taken, Integer.MAX_VALUE);
        taken.stream().filter(o -> o != STOP).forEach(o -> items.add(cast(o)));
        taken.clear();
      }
      for (int from = 0; from < items.size(); from += maxBatch) {
        write(items.subList(from, Math.min(items.size(), from + maxBatch)));
      }
      items.clear();
    }
  }

  /** Nothing to write: {@link #idle}'s condition (close() queues STOP, so it wakes the writer). */
  private boolean queueEmpty() {
    return queue.isEmpty();
  }

  @SuppressWarnings("unchecked")
  private T cast(Object o) {
    return (T) o;
  }

  private void write(List<T> items) {
    try (Connection c = db.getConnection()) {
      c.setAutoCommit(false);
      try {
        batch.write(c, items);
        c.commit();
        written.add(items.size());
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        if (items.size() == 1) {
          lost(items.getFirst(), e);
          return;
        }
        if (!c.isValid(1)) {
          failed.add(items.size());
          LOG.error("cannot store {} {}(s): {}", items.size(), what, line(e));
          return;
        }
        LOG.warn(
            "{} batch of {} failed ({}), writing them one by one", what, items.size(), line(e));
        for (T item : items) {
          try {
            batch.write(c, List.of(item));
            c.commit();
            written.increment();
          } catch (SQLException | RuntimeException one) {
            c.rollback();
            lost(item, one);
          }
        }
      }
    } catch (SQLException | RuntimeException e) {
      // Also a bug's exception: the writer thread must outlive it, or every later item is lost.
      failed.add(items.size());
      LOG.error("cannot store {} {}(s): {}", items.size(), what, line(e));
    }
  }

  private void lost(T item, Exception e) {
    failed.increment();
    LOG.error("cannot store {}: {}", describe.apply(item), line(e));
  }

  private static String line(Exception e) {
    String m = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    int newline = m.indexOf('\n');
    return (newline >= 0 ? m.substring(0, newline) : m).strip();
  }

  /** Refuses new items, writes the queued ones (waiting at most 10 s), stops. Idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      queue.offer(STOP); // not counted: it always fits
      LockSupport.unpark(thread);
      thread.join(TimeUnit.SECONDS.toMillis(CLOSE_TIMEOUT_S));
      if (thread.isAlive()) {
        LOG.warn(
            "{} writer did not finish in {} s; {} {}(s) not written",
            what,
            CLOSE_TIMEOUT_S,
            queued.get(),
            what);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
