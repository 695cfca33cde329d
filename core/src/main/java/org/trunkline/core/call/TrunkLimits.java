package org.trunkline.core.call;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.trunkline.core.trunk.Trunk;

/**
 * Per-trunk limits (issue 6): {@code max-channels} calls at once on the trunk, in either direction,
 * and {@code max-cps} new calls in any one second. Thread-safe.
 */
final class TrunkLimits {
  private final Map<String, AtomicInteger> channels = new ConcurrentHashMap<>();
  private final Map<String, long[]> seconds = new ConcurrentHashMap<>(); // {second, calls in it}
  private final LongSupplier millis;

  TrunkLimits(LongSupplier millis) {
    this.millis = millis;
  }

  /**
   * Takes a channel and a call of this second on {@code t}.
   *
   * @return null when taken, else why not ({@code trunk carrier1 has its 30 channels in use})
   */
  String acquire(Trunk t) {
    if (t.maxCps() > 0) {
      long now = millis.getAsLong() / 1000;
      long[] w = seconds.computeIfAbsent(t.name(), k -> new long[2]);
      synchronized (w) {
        if (w[0] != now) {
          w[0] = now;
          w[1] = 0;
        }
        if (w[1] >= t.maxCps()) {
          return "trunk " + t.name() + " is at its max-cps " + t.maxCps();
        }
        w[1]++;
      }
    }
    AtomicInteger c = channels.computeIfAbsent(t.name(), k -> new AtomicInteger());
    if (t.maxChannels() > 0) {
      int n;
      do {
        n = c.get();
        if (n >= t.maxChannels()) {
          return "trunk " + t.name() + " has its max-channels " + t.maxChannels() + " in use";
        }
      } while (!c.compareAndSet(n, n + 1));
    } else {
      c.incrementAndGet();
    }
    return null;
  }

  /** Gives back the channel {@link #acquire} took. */
  void release(Trunk t) {
    AtomicInteger c = channels.get(t.name());
    if (c != null) {
      c.decrementAndGet();
    }
  }

  /** Channels in use on the trunk named {@code name}. */
  int inUse(String name) {
    AtomicInteger c = channels.get(name);
    return c == null ? 0 : c.get();
  }
}
