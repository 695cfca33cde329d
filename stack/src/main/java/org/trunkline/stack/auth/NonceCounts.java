package org.trunkline.stack.auth;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Nonce-count replay protection with bounded memory (RFC 7616 §3.4 nc, §5.4). Per nonce it keeps
 * the highest nc seen and a 64-bit window of the counts below it, so requests that overtake each
 * other (UDP, several transactions in flight) are accepted once each, as in the IPsec anti-replay
 * window (RFC 4303 §3.4.3). At most {@code capacity} nonces are tracked; when full, the nonce first
 * seen longest ago is evicted, and every nonce issued at or before the newest evicted one that is
 * not tracked any more is answered "stale", so eviction can never re-open a replay. Thread-safe
 * (one lock; the work under it is a map lookup).
 */
final class NonceCounts {
  /** What {@link #check} decided. */
  enum Verdict {
    FRESH,
    REPLAY,
    /** Forgotten for lack of room: the client must take a new nonce. */
    FORGOTTEN
  }

  private static final class Window {
    final long issuedAt;
    long highest;
    long seen; // bit i: highest - i was seen

    Window(long issuedAt) {
      this.issuedAt = issuedAt;
    }
  }

  private final int capacity;
  private final Map<String, Window> windows;
  private long evictedUpTo = Long.MIN_VALUE;

  NonceCounts(int capacity) {
    this.capacity = capacity;
    this.windows = new LinkedHashMap<>(Math.min(capacity, 1024) * 2);
  }

  /**
   * Records {@code nc} for the nonce issued at {@code issuedAt}, if it was not seen before. Nonces
   * issued before {@code expiredBefore} are dropped from the head of the map on the way.
   */
  synchronized Verdict check(String nonce, long issuedAt, long nc, long expiredBefore) {
    if (nc <= 0) {
      return Verdict.REPLAY;
    }
    Window w = windows.get(nonce);
    if (w == null) {
      if (issuedAt <= evictedUpTo) {
        return Verdict.FORGOTTEN;
      }
      dropExpiredHead(expiredBefore);
      if (windows.size() >= capacity) {
        evictOldest();
      }
      w = new Window(issuedAt);
      windows.put(nonce, w);
    }
    if (nc > w.highest) {
      long shift = nc - w.highest;
      w.seen = shift >= 64 ? 1 : (w.seen << shift) | 1;
      w.highest = nc;
      return Verdict.FRESH;
    }
    long back = w.highest - nc;
    if (back >= 64 || (w.seen & (1L << back)) != 0) {
      return Verdict.REPLAY;
    }
    w.seen |= 1L << back;
    return Verdict.FRESH;
  }

  synchronized int size() {
    return windows.size();
  }

  // Expired nonces are answered stale before their counts are looked at, so they need no window.
  // Insertion order follows first use, which roughly follows issue time: popping expired entries
  // from the head is O(1) each and keeps the map small without a scan.
  private void dropExpiredHead(long expiredBefore) {
    Iterator<Window> it = windows.values().iterator();
    while (it.hasNext() && it.next().issuedAt < expiredBefore) {
      it.remove();
    }
  }

  private void evictOldest() {
    Iterator<Window> it = windows.values().iterator();
    Window oldest = it.next();
    it.remove();
    evictedUpTo = Math.max(evictedUpTo, oldest.issuedAt);
  }
}
