package org.trunkline.core.call;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.trunkline.core.trunk.Trunk;

/**
 * Per-trunk limits (issue 6): {@code max-channels} calls at once on the trunk in both directions,
 * {@code max-channels-in} of them calls from the trunk and {@code max-channels-out} calls to it,
 * and {@code max-cps} new calls in any one second. A channel is taken in both counts (the trunk's
 * and its direction's) or in neither. Thread-safe.
 */
final class TrunkLimits {
  /** Which way a call crosses a trunk: from it to us ({@code IN}) or from us to it. */
  enum Direction {
    IN("max-channels-in"),
    OUT("max-channels-out");

    final String key;

    Direction(String key) {
      this.key = key;
    }
  }

  private final Map<String, AtomicInteger> channels = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> channelsIn = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> channelsOut = new ConcurrentHashMap<>();
  private final Map<String, long[]> seconds = new ConcurrentHashMap<>(); // {second, calls in it}
  private final LongSupplier millis;

  TrunkLimits(LongSupplier millis) {
    this.millis = millis;
  }

  /**
   * Takes a channel of direction {@code d} and a call of this second on {@code t}.
   *
   * @return null when taken, else why not ({@code trunk carrier1 has its max-channels 30 in use})
   */
  String acquire(Trunk t, Direction d) {
    String refused = acquire(t.name(), "trunk ", t.maxChannels(), t.maxCps());
    if (refused != null) {
      return refused;
    }
    int max = d == Direction.IN ? t.maxChannelsIn() : t.maxChannelsOut();
    if (!take(counter(d, t.name()), max)) {
      release(t.name());
      return "trunk " + t.name() + " has its " + d.key + " " + max + " in use";
    }
    return null;
  }

  /** The server's own limits ({@code calls.max-channels}, {@code calls.max-cps}). */
  String acquireServer(int maxChannels, int maxCps) {
    return acquire(SERVER, "", maxChannels, maxCps);
  }

  void releaseServer() {
    release(SERVER);
  }

  /** A key no trunk name can be (names have no spaces). */
  private static final String SERVER = " server";

  /** Who a refusal names: the server, or {@code kind} and the trunk's name. */
  private static String who(String key, String kind) {
    return key.equals(SERVER) ? "the server" : kind + key;
  }

  /**
   * @param kind what a refusal calls the holder of {@code key} before its name ("trunk "); the
   *     texts are only made when refused
   */
  private String acquire(String key, String kind, int maxChannels, int maxCps) {
    if (maxCps > 0) {
      long now = millis.getAsLong() / 1000;
      long[] w = seconds.get(key);
      if (w == null) {
        w = seconds.computeIfAbsent(key, k -> new long[2]);
      }
      synchronized (w) {
        if (w[0] != now) {
          w[0] = now;
          w[1] = 0;
        }
        if (w[1] >= maxCps) {
          return who(key, kind) + " is at its max-cps " + maxCps;
        }
        w[1]++;
      }
    }
    if (!take(counter(key), maxChannels)) {
      return who(key, kind) + " has its max-channels " + maxChannels + " in use";
    }
    return null;
  }

  private AtomicInteger counter(String key) {
    AtomicInteger c = channels.get(key); // get first: computeIfAbsent locks its bin
    return c != null ? c : channels.computeIfAbsent(key, k -> new AtomicInteger());
  }

  private AtomicInteger counter(Direction d, String trunk) {
    Map<String, AtomicInteger> m = byDirection(d);
    AtomicInteger c = m.get(trunk);
    return c != null ? c : m.computeIfAbsent(trunk, k -> new AtomicInteger());
  }

  private Map<String, AtomicInteger> byDirection(Direction d) {
    return d == Direction.IN ? channelsIn : channelsOut;
  }

  /** One more on {@code c} unless it has {@code max} already (0: no maximum). */
  private static boolean take(AtomicInteger c, int max) {
    if (max <= 0) {
      c.incrementAndGet();
      return true;
    }
    int n;
    do {
      n = c.get();
      if (n >= max) {
        return false;
      }
    } while (!c.compareAndSet(n, n + 1));
    return true;
  }

  /** Gives back the channel {@link #acquire(Trunk, Direction)} took. */
  void release(Trunk t, Direction d) {
    release(t.name());
    AtomicInteger c = byDirection(d).get(t.name());
    if (c != null) {
      c.decrementAndGet();
    }
  }

  private void release(String key) {
    AtomicInteger c = channels.get(key);
    if (c != null) {
      c.decrementAndGet();
    }
  }

  /** Channels in use on the trunk named {@code name}, both directions. */
  int inUse(String name) {
    AtomicInteger c = channels.get(name);
    return c == null ? 0 : c.get();
  }

  /** Channels in use on the trunk named {@code name} in direction {@code d}. */
  int inUse(String name, Direction d) {
    AtomicInteger c = byDirection(d).get(name);
    return c == null ? 0 : c.get();
  }
}
