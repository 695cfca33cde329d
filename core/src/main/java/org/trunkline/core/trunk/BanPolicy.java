package org.trunkline.core.trunk;

import java.time.Duration;
import java.util.Objects;

/**
 * When a source address is banned: {@code failures} failed authentications from one IP address
 * within {@code window} ban it for {@code duration}; its packets are then dropped unanswered
 * (logged once, counted). Immutable.
 *
 * @param failures failed authentications that trigger a ban; 0 never bans
 * @param window the sliding time window the failures are counted in
 * @param duration how long a ban lasts
 */
public record BanPolicy(int failures, Duration window, Duration duration) {
  public static final BanPolicy DEFAULT =
      new BanPolicy(5, Duration.ofSeconds(60), Duration.ofMinutes(10));

  /** Never ban. */
  public static final BanPolicy NEVER =
      new BanPolicy(0, Duration.ofSeconds(60), Duration.ofMinutes(10));

  public BanPolicy {
    Objects.requireNonNull(window, "window");
    Objects.requireNonNull(duration, "duration");
    if (failures < 0 || !window.isPositive() || !duration.isPositive()) {
      throw new IllegalArgumentException(
          "need failures >= 0 and positive window and duration, got "
              + failures
              + ", "
              + window
              + ", "
              + duration);
    }
  }

  public boolean enabled() {
    return failures > 0;
  }
}
