package org.trunkline.media;

import java.util.ArrayDeque;
import java.util.OptionalInt;

/**
 * The relay's even ports (RTP; RTCP is the odd port above). A port taken is put back at the tail,
 * so a freed port is reused as late as possible and a late packet of an ended call does not reach a
 * new one. Thread-safe: offers and answers of calls on any thread take and give back ports.
 */
final class PortPool {
  private final ArrayDeque<Integer> free = new ArrayDeque<>();
  private final int size;

  PortPool(int min, int max) {
    for (int p = min; p + 1 <= max; p += 2) {
      free.add(p);
    }
    size = free.size();
  }

  /** An even port, or empty when all are taken. */
  synchronized OptionalInt take() {
    Integer p = free.poll();
    return p == null ? OptionalInt.empty() : OptionalInt.of(p);
  }

  /** Gives {@code port} back. */
  synchronized void give(int port) {
    free.add(port);
  }

  /** The number of pairs the pool holds in all. */
  int size() {
    return size;
  }

  /** The number of pairs free now. */
  synchronized int available() {
    return free.size();
  }
}
