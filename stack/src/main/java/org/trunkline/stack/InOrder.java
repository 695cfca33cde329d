package org.trunkline.stack;

import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Runs what an inbound channel does with the messages of one source (a UDP sender, a TCP
 * connection) in the order they arrived, although each may run on another event loop (the loop of
 * the transaction layer its Call-ID hashes to). A step on another loop runs there; the next step
 * starts only when it has ended, so what it wrote to the channel is queued before what the next
 * step writes. A source with nothing in flight costs no map entry, and a step for the home loop
 * then runs at once.
 *
 * <p>Bounded (issue 4, every queue is bounded): at most {@code maxPerSource} steps wait per source,
 * and at most {@link LoopBudget#max} over every {@code InOrder} sharing the home loop's budget.
 * {@link #offer} says which bound refused a step; the caller decides what that means for its
 * message (see {@link MessageHandler}). Until {@link #bound} is called an instance is unbounded.
 *
 * <p>Confined to the home loop (the inbound channel's): {@link #run}, {@link #offer} and {@link
 * #bound} must be called there.
 */
final class InOrder {
  /** What {@link #offer} did with a step. */
  enum Offer {
    /** Queued, or run at once. */
    ACCEPTED,
    /** Refused: the source already has its maximum of steps waiting. */
    SOURCE_FULL,
    /** Refused: the home loop's sources together have their maximum of steps waiting. */
    LOOP_FULL
  }

  /**
   * The steps waiting in every {@code InOrder} of one home loop (its UDP socket and its TCP
   * connections). Confined to that loop, like the instances that share it.
   */
  static final class LoopBudget {
    final int max;
    private int queued;

    LoopBudget(int max) {
      this.max = max;
    }

    /** Steps waiting now (home loop only). */
    int queued() {
      return queued;
    }
  }

  private final EventExecutor home;
  private final Map<Object, ArrayDeque<Step>> inFlight = new HashMap<>();
  private int maxPerSource = Integer.MAX_VALUE;
  private LoopBudget budget = new LoopBudget(Integer.MAX_VALUE);
  private boolean bounded;

  private record Step(EventExecutor where, Runnable task) {}

  InOrder(EventExecutor home) {
    this.home = home;
  }

  EventExecutor home() {
    return home;
  }

  /** Whether {@link #bound} was called. */
  boolean isBounded() {
    return bounded;
  }

  /**
   * From now on at most {@code maxPerSource} steps wait per source, and {@code loopBudget} (shared
   * by every instance of this home loop) bounds them all; steps already waiting are carried over.
   */
  void bound(int maxPerSource, LoopBudget loopBudget) {
    if (maxPerSource < 1) {
      throw new IllegalArgumentException("maxPerSource: must be >= 1, got " + maxPerSource);
    }
    loopBudget.queued += budget.queued;
    this.budget = loopBudget;
    this.maxPerSource = maxPerSource;
    this.bounded = true;
  }

  /**
   * Runs {@code task} on {@code where} after every earlier step of {@code source}. A step for the
   * home loop that no bound lets wait runs at once, out of order (it writes an answer: better early
   * than never, and it holds no memory); a step for another loop must go through {@link #offer}.
   *
   * @throws IllegalStateException if a bound refuses a step for another loop
   */
  void run(Object source, EventExecutor where, Runnable task) {
    Offer o = offer(source, where, task);
    if (o != Offer.ACCEPTED) {
      if (where != home) {
        throw new IllegalStateException(o + ": step for another loop refused; use offer()");
      }
      task.run();
    }
  }

  /**
   * Runs {@code task} on {@code where} after every earlier step of {@code source}, if the bounds
   * let it wait; otherwise does nothing and says which bound refused it.
   */
  Offer offer(Object source, EventExecutor where, Runnable task) {
    ArrayDeque<Step> queue = inFlight.get(source);
    if (queue != null) {
      if (queue.size() >= maxPerSource) {
        return Offer.SOURCE_FULL;
      }
      if (budget.queued >= budget.max) {
        return Offer.LOOP_FULL;
      }
      queue.add(new Step(where, task));
      budget.queued++;
      return Offer.ACCEPTED;
    }
    if (where == home) {
      task.run();
      return Offer.ACCEPTED;
    }
    if (budget.queued >= budget.max) {
      return Offer.LOOP_FULL;
    }
    queue = new ArrayDeque<>(2);
    queue.add(new Step(where, task));
    budget.queued++;
    inFlight.put(source, queue);
    next(source, queue);
    return Offer.ACCEPTED;
  }

  /** Sources with steps in flight (for tests and gauges; home loop only). */
  int sourcesInFlight() {
    return inFlight.size();
  }

  /**
   * Steps waiting for {@code source}, the one running on another loop included (home loop only).
   */
  int queued(Object source) {
    ArrayDeque<Step> queue = inFlight.get(source);
    return queue == null ? 0 : queue.size();
  }

  /** On the home loop: runs the queue's steps until one must hop, or the queue is empty. */
  private void next(Object source, ArrayDeque<Step> queue) {
    while (!queue.isEmpty()) {
      Step s = queue.peek();
      if (s.where() == home) {
        queue.poll();
        budget.queued--;
        s.task().run();
        continue;
      }
      s.where().execute(() -> hop(source, queue, s));
      return;
    }
    inFlight.remove(source);
  }

  /** On the step's loop: runs it, then the rest of the queue on the home loop. */
  private void hop(Object source, ArrayDeque<Step> queue, Step s) {
    try {
      s.task().run();
    } finally {
      // queued behind the writes the step made from this loop
      home.execute(() -> {
        queue.poll();
        budget.queued--;
        next(source, queue);
      });
    }
  }
}
