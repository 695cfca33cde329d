package org.trunkline.server.config;

import java.time.Duration;

/**
 * The {@code warmup} section: what {@code trunkline run} does before it opens its listen points. A
 * JVM runs new code slowly until its JIT has compiled it; the warm-up sends registrations with
 * digest and calls through a throwaway server on loopback first, in rounds until a round leaves the
 * JIT with next to nothing to compile, so the first real REGISTERs and calls after a start (a
 * restart's re-registration storm) are served at full speed. Immutable.
 *
 * @param enabled whether {@code trunkline run} warms up
 * @param registrations REGISTERs with digest per round: half new contacts, half refreshes of them
 *     (then as many un-REGISTERs, so that the next round's contacts are new again)
 * @param calls calls per round between two ip trunks (INVITE, 180, 200, ACK, then BYE from the
 *     caller or the callee; some cancelled while ringing, some put on hold by a re-INVITE first)
 * @param maxTime the warm-up stops here even when not done, including the wait for the compiler
 */
public record WarmupConfig(boolean enabled, int registrations, int calls, Duration maxTime) {
  /** A file without a {@code warmup} section: on. */
  public static final WarmupConfig DEFAULT =
      new WarmupConfig(true, 4_000, 1_000, Duration.ofSeconds(20));

  /** Configs built in code (tests): off. */
  public static final WarmupConfig OFF = new WarmupConfig(false, 0, 0, Duration.ZERO);

  public WarmupConfig {
    if (registrations < 0 || calls < 0) {
      throw new IllegalArgumentException("registrations and calls must be >= 0");
    }
    java.util.Objects.requireNonNull(maxTime, "maxTime");
  }
}
