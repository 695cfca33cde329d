package org.trunkline.core.call;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The newest {@code capacity} items added, for reading newest first: a ring that the event loops
 * write without a lock. A lock here was shared by every event loop (each ending call adds its CDR)
 * and by the API's readers, and a loop that met it held by a thread the scheduler had just put off
 * the CPU waited for that thread's next turn: milliseconds on a busy machine, during which the
 * loop's other calls waited too (bench/RESULTS.md, stop 13, branch {@code lat}).
 *
 * <p>Each add takes the next sequence number and writes its slot; a reader takes the slots from the
 * newest sequence back and keeps those whose sequence is the one it expects, so an add still in
 * progress, or one that overwrote the slot meanwhile, is left out rather than shown out of order.
 * Thread-safe; {@link #add} never blocks.
 *
 * @param <T> what is kept
 */
final class Recent<T> {
  private record Slot<T>(long seq, T item) {}

  private final AtomicReferenceArray<Slot<T>> slots;
  private final AtomicLong next = new AtomicLong();

  /**
   * @param capacity how many of the newest items are kept
   */
  Recent(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be >= 1, got " + capacity);
    }
    slots = new AtomicReferenceArray<>(capacity);
  }

  /** Keeps {@code item} as the newest; the oldest kept one goes when the ring is full. */
  void add(T item) {
    long seq = next.getAndIncrement();
    slots.set(index(seq), new Slot<>(seq, item));
  }

  /** At most {@code limit} of the newest items, newest first. */
  List<T> newest(int limit) {
    long end = next.get();
    long from = Math.max(0, end - Math.min(limit, slots.length()));
    List<T> out = new ArrayList<>((int) Math.max(0, end - from));
    for (long seq = end - 1; seq >= from; seq--) {
      Slot<T> s = slots.get(index(seq));
      if (s != null && s.seq() == seq) {
        out.add(s.item());
      }
    }
    return out;
  }

  private int index(long seq) {
    return (int) (seq % slots.length());
  }
}
