package org.trunkline.server.config;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as the config writes them: {@code 500ms}, {@code 30s}, {@code 10m}, {@code 1h}, or
 * {@code 30} seconds.
 */
final class Durations {
  /** For messages: what a duration looks like. */
  static final String EXPECTED = "a duration like 500ms, 30s, 10m or 1h (or whole seconds)";

  private static final Pattern DURATION = Pattern.compile("([0-9]{1,9})(ms|s|m|h)?");

  private Durations() {}

  /** The duration written as {@code text}, or empty if it is not one. */
  static Optional<Duration> parse(String text) {
    Matcher m = DURATION.matcher(text);
    if (!m.matches()) {
      return Optional.empty();
    }
    long amount = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "s" : m.group(2);
    return Optional.of(
        switch (unit) {
          case "ms" -> Duration.ofMillis(amount);
          case "s" -> Duration.ofSeconds(amount);
          case "m" -> Duration.ofMinutes(amount);
          case "h" -> Duration.ofHours(amount);
          default -> throw new IllegalStateException("unit " + unit);
        });
  }

  /** The shortest way to write {@code d} in the config: {@code 1h}, {@code 10m}, {@code 500ms}. */
  static String format(Duration d) {
    long ms = d.toMillis();
    if (ms != 0 && ms % 3_600_000 == 0) {
      return ms / 3_600_000 + "h";
    }
    if (ms != 0 && ms % 60_000 == 0) {
      return ms / 60_000 + "m";
    }
    if (ms % 1000 == 0) {
      return ms / 1000 + "s";
    }
    return ms + "ms";
  }
}
