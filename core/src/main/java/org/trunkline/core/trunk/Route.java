package org.trunkline.core.trunk;

import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A prefix route: calls to numbers starting with {@code prefix} (after a trunk's own numbers, the
 * longest matching prefix wins) go to {@code trunks} in order, the next one tried when an attempt
 * ends with a code in {@code failoverOn}, times out, or the trunk is down. Immutable.
 *
 * @param prefix {@code +} and digits, digits, or empty for every number
 * @param trunks the trunk names, in the order they are tried, at least one
 * @param failoverOn the final codes that send the call to the next trunk
 * @param tryingTimeout how long a trunk has to answer the INVITE at all (100 Trying or any other
 *     response) before the call moves on to the next trunk; zero waits for Timer B
 */
public record Route(
    String prefix, List<String> trunks, Set<Integer> failoverOn, java.time.Duration tryingTimeout) {
  /** What a route fails over on unless it says otherwise (issue 6). */
  public static final Set<Integer> DEFAULT_FAILOVER_ON = Set.of(408, 500, 502, 503, 504);

  /** A prefix as written in a route: optional {@code +}, then digits; or nothing. */
  public static final Pattern PREFIX = Pattern.compile("\\+?[0-9]*");

  /** A route that waits for Timer B. */
  public Route(String prefix, List<String> trunks, Set<Integer> failoverOn) {
    this(prefix, trunks, failoverOn, java.time.Duration.ZERO);
  }

  public Route {
    Objects.requireNonNull(tryingTimeout, "tryingTimeout");
    Objects.requireNonNull(prefix, "prefix");
    trunks = List.copyOf(trunks);
    failoverOn = Set.copyOf(failoverOn);
    if (!PREFIX.matcher(prefix).matches()) {
      throw new IllegalArgumentException("bad route prefix: " + prefix);
    }
    if (trunks.isEmpty()) {
      throw new IllegalArgumentException("route " + prefix + ": no trunks");
    }
  }

  /** Whether {@code number} starts with this route's prefix. */
  public boolean matches(String number) {
    return number.startsWith(prefix);
  }
}
