package org.trunkline.core.trunk;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * OPTIONS probing of a trunk's target. Every {@code interval} one OPTIONS is sent; a response
 * counts as alive unless its status code is in {@code deadCodes}, and a timeout (no final response)
 * is always dead. The trunk goes {@code up} after {@code upAfter} alive probes in a row and {@code
 * down} after {@code downAfter} dead ones in a row. Immutable.
 *
 * @param interval time between probes, at least 1 s
 * @param upAfter consecutive alive probes that bring a down trunk up, at least 1
 * @param downAfter consecutive dead probes that bring an up trunk down, at least 1
 * @param deadCodes final status codes (100..699) that count as dead although they are answers
 */
public record HealthCheck(Duration interval, int upAfter, int downAfter, Set<Integer> deadCodes) {
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(30);
  public static final int DEFAULT_UP_AFTER = 2;
  public static final int DEFAULT_DOWN_AFTER = 2;

  /**
   * Any answer proves the far side's SIP stack is alive, even 404 or 405 (many PBXs refuse
   * OPTIONS), so only the codes that say "I cannot take calls" count as dead: 408 (a proxy in front
   * of it timed out) and 503 (out of service or overloaded).
   */
  public static final Set<Integer> DEFAULT_DEAD_CODES = Set.of(408, 503);

  /** What a trunk with a target gets when its config has no {@code health} key. */
  public static final HealthCheck DEFAULT =
      new HealthCheck(DEFAULT_INTERVAL, DEFAULT_UP_AFTER, DEFAULT_DOWN_AFTER, DEFAULT_DEAD_CODES);

  public HealthCheck {
    Objects.requireNonNull(interval, "interval");
    deadCodes = Set.copyOf(deadCodes);
    if (interval.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException("interval must be at least 1s, got " + interval);
    }
    if (upAfter < 1 || downAfter < 1) {
      throw new IllegalArgumentException(
          "upAfter and downAfter must be at least 1, got " + upAfter + ", " + downAfter);
    }
    for (int code : deadCodes) {
      if (code < 100 || code > 699) {
        throw new IllegalArgumentException("not a SIP status code: " + code);
      }
    }
  }

  /** Whether a final response with {@code status} counts as alive. */
  public boolean isAlive(int status) {
    return !deadCodes.contains(status);
  }
}
