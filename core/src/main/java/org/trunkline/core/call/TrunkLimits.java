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
    return acquire(t.name(), "trunk " + t.name(), t.maxChannels(), t.maxCps());
  }

  /** The server's own limits ({@code calls.max-channels}, {@code calls.max-cps}). */
  String acquireServer(int maxChannels, int maxCps) {
    return acquire(SERVER, "the server", maxChannels, maxCps);
  }

  void releaseServer() {
    release(SERVER);
  }

  /** A key no trunk name can be (names have no spaces). */
  private static final String SERVER = " server";

  private String acquire(String key, String who, int maxChannels, int maxCps) {
    if (maxCps > 0) {
      long now = millis.getAsLong() / 1000;
      long[] w = seconds.computeIfAbsent(key, k -> new long[2]);
      synchronized (w) {
        if (w[0] != now) {
          w[0] = now;
          w[1] = 0;
        }
        if (w[1] >= maxCps) {
          return who + " is at its max-cps " + maxCps;
        }
        w[1]++;
      }
    }
    AtomicInteger c = channels.computeIfAbsent(key, k -> new AtomicInteger());
    if (maxChannels > 0) {
      int n;
      do {
        n = c.get();
        if (n >= maxChannels) {
          return who + " has its max-channels " + maxChannels + " in use";
        }
      } while (!c.compareAndSet(n, n + 1));
    } else {
      c.incrementAndGet();
    }
    return null;
  }

  /** Gives back the channel {@link #acquire} took. */
  void release(Trunk t) {
    release(t.name());
  }

  private void release(String key) {
    AtomicInteger c = channels.get(key);
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
