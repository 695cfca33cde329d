package org.trunkline.stack;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts a stream listen point's open connections per source IP address and refuses one beyond the
 * limit (issue 4: a per-source connection limit), so that one peer cannot take every socket.
 * Thread-safe: connections of one listen point live on several event loops.
 */
final class ConnectionLimit {
  private final int max;
  private final ConcurrentHashMap<InetAddress, Integer> open = new ConcurrentHashMap<>();

  ConnectionLimit(int max) {
    this.max = max;
  }

  /** Counts a new connection from {@code source}; false (and not counted) if it is one too many. */
  boolean tryAcquire(InetAddress source) {
    boolean[] ok = {false};
    open.compute(
        source,
        (k, n) -> {
          int now = n == null ? 0 : n;
          if (now >= max) {
            return n;
          }
          ok[0] = true;
          return now + 1;
        });
    return ok[0];
  }

  /** A counted connection from {@code source} closed. */
  void release(InetAddress source) {
    open.computeIfPresent(source, (k, n) -> n <= 1 ? null : n - 1);
  }

  /** Sources with open connections (for tests). */
  int sources() {
    return open.size();
  }
}
