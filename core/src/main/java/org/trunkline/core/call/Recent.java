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
 * An add that was delayed between taking its number and writing (its thread put off the CPU) while
 * {@code capacity} later adds went by finds a newer item in its slot and leaves it there: its own
 * item is already older than the newest {@code capacity}. Thread-safe; {@link #add} never blocks.
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
    put(take(), item);
  }

  /**
   * The first half of {@link #add}: the item's sequence number. Apart only so that a test can delay
   * the second half as a scheduler can.
   */
  long take() {
    return next.getAndIncrement();
  }

  /** The second half of {@link #add}: writes the slot unless a newer item took it meanwhile. */
  void put(long seq, T item) {
    int i = index(seq);
    Slot<T> mine = new Slot<>(seq, item);
    Slot<T> there = slots.get(i);
    // a plain set could put this item back over one up to capacity adds newer, and that one would
    // be lost: no reader would find the sequence it expects in the slot
    while (there == null || there.seq() < seq) {
      if (slots.compareAndSet(i, there, mine)) {
        return;
      }
      there = slots.get(i);
    }
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
