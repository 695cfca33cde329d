package org.trunkline.core.ingress;

import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trunkline.core.trunk.BanPolicy;

/**
 * Sources that failed authentication too often: {@code failures} within {@code window} ban the IP
 * for {@code duration}; a banned source's requests are dropped unanswered, logged once per ban and
 * counted. At most {@link #MAX_TRACKED} sources are tracked (older ones are forgotten first), so a
 * flood of spoofed sources cannot grow memory. Thread-safe.
 */
public final class BanList {
  private static final Logger LOG = LoggerFactory.getLogger(BanList.class);

  /** Sources whose failures are remembered at once. */
  public static final int MAX_TRACKED = 100_000;

  private final BanPolicy policy;
  private final InstantSource clock;
  private final Map<String, ArrayDeque<Long>> failures = new ConcurrentHashMap<>();
  private final Map<String, Long> bannedUntil = new ConcurrentHashMap<>();
  private final LongAdder dropped = new LongAdder();
  private final LongAdder bans = new LongAdder();
  private final LongAdder authFailures = new LongAdder();

  public BanList(BanPolicy policy, InstantSource clock) {
    this.policy = policy;
    this.clock = clock;
  }

  /**
   * Whether any source is banned (or was, and its ban has not been looked at since it ended): when
   * not, {@link #banned} and {@link #isBanned} are false for every source, and a caller need not
   * make the source's text to ask.
   */
  public boolean any() {
    return !bannedUntil.isEmpty();
  }

  /** Whether {@code ip} is banned now; counts the drop when it is. */
  public boolean banned(String ip) {
    Long until = bannedUntil.get(ip);
    if (until == null) {
      return false;
    }
    if (clock.millis() >= until) {
      bannedUntil.remove(ip, until);
      LOG.info("ban of {} ended", ip);
      return false;
    }
    dropped.increment();
    return true;
  }

  /** Whether {@code ip} is banned now, without counting a drop or ending an expired ban. */
  public boolean isBanned(String ip) {
    Long until = bannedUntil.get(ip);
    return until != null && clock.millis() < until;
  }

  /** A failed authentication from {@code ip}; may ban it. */
  public void failed(String ip, String why) {
    authFailures.increment();
    if (!policy.enabled()) {
      return;
    }
    long now = clock.millis();
    long windowStart = now - policy.window().toMillis();
    if (failures.size() >= MAX_TRACKED && !failures.containsKey(ip)) {
      failures.keySet().stream().findAny().ifPresent(failures::remove);
    }
    ArrayDeque<Long> times = failures.computeIfAbsent(ip, k -> new ArrayDeque<>());
    boolean ban;
    synchronized (times) {
      times.addLast(now);
      while (!times.isEmpty() && times.peekFirst() < windowStart) {
        times.pollFirst();
      }
      ban = times.size() >= policy.failures();
      if (ban) {
        times.clear();
      }
    }
    if (ban && bannedUntil.put(ip, now + policy.duration().toMillis()) == null) {
      bans.increment();
      LOG.warn(
          "banned {} for {}: {} failed authentications within {} (last: {})",
          ip,
          policy.duration(),
          policy.failures(),
          policy.window(),
          why);
    }
  }

  /** Requests dropped because their source was banned. */
  public long dropped() {
    return dropped.sum();
  }

  /** Failed authentications (bad credentials, replays, malformed answers), banned or not. */
  public long authFailures() {
    return authFailures.sum();
  }

  /** Bans imposed so far. */
  public long bans() {
    return bans.sum();
  }

  /** Sources banned now, by address, with the end of their ban. Any thread. */
  public java.util.SortedMap<String, java.time.Instant> bannedUntil() {
    long now = clock.millis();
    java.util.SortedMap<String, java.time.Instant> out = new java.util.TreeMap<>();
    bannedUntil.forEach((ip, until) -> {
      if (until > now) {
        out.put(ip, java.time.Instant.ofEpochMilli(until));
      }
    });
    return out;
  }

  /** Sources banned now. */
  public java.util.Set<String> bannedNow() {
    long now = clock.millis();
    java.util.Set<String> out = new java.util.TreeSet<>();
    bannedUntil.forEach((ip, until) -> {
      if (until > now) {
        out.add(ip);
      }
    });
    return out;
  }
}
