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
 * <p>Confined to the home loop (the inbound channel's): {@link #run} must be called there.
 */
final class InOrder {
  private final EventExecutor home;
  private final Map<Object, ArrayDeque<Step>> inFlight = new HashMap<>();

  private record Step(EventExecutor where, Runnable task) {}

  InOrder(EventExecutor home) {
    this.home = home;
  }

  /** Runs {@code task} on {@code where} after every earlier step of {@code source}. */
  void run(Object source, EventExecutor where, Runnable task) {
    ArrayDeque<Step> queue = inFlight.get(source);
    if (queue != null) {
      queue.add(new Step(where, task));
      return;
    }
    if (where == home) {
      task.run();
      return;
    }
    queue = new ArrayDeque<>(2);
    queue.add(new Step(where, task));
    inFlight.put(source, queue);
    next(source, queue);
  }

  /** Sources with steps in flight (for tests and gauges; home loop only). */
  int sourcesInFlight() {
    return inFlight.size();
  }

  /** On the home loop: runs the queue's steps until one must hop, or the queue is empty. */
  private void next(Object source, ArrayDeque<Step> queue) {
    while (!queue.isEmpty()) {
      Step s = queue.peek();
      if (s.where() == home) {
        queue.poll();
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
        next(source, queue);
      });
    }
  }
}
