package org.trunkline.core.trunk;

import java.util.List;
import java.util.Locale;

/**
 * What crosses from one leg of a call to the other besides what the B2BUA writes itself (issue 6):
 * the headers in {@code passHeaders}, copied from the caller's INVITE to the callee's.
 * P-Asserted-Identity crosses only from a trusted trunk to a trusted trunk, and not to an untrusted
 * one when the caller asked for {@code Privacy: id} (RFC 3325 §7). Immutable.
 *
 * @param passHeaders header names, as they are to be written
 * @param maxChannels the most calls in progress on the whole server, 0 for unlimited
 * @param maxCps the most new calls per second on the whole server, 0 for unlimited
 * @param dialogCheck how often an answered call checks that both legs still know the dialog (an
 *     in-dialog OPTIONS each way; a 481, 408 or no answer ends the call); zero never checks
 * @param sessionExpires RFC 4028: the session interval in seconds we ask for in each leg (and
 *     insert for callers that ask none); 0 turns session timers off
 * @param minSe RFC 4028: the shortest session interval in seconds we accept (a shorter one is
 *     answered {@code 422} with this in {@code Min-SE})
 * @param limitStatus the final status of a call refused by a limit (400..699, 503 by default); its
 *     Reason is Q.850 cause 34 whatever the status
 */
public record CallPolicy(
    List<String> passHeaders,
    int maxChannels,
    int maxCps,
    java.time.Duration dialogCheck,
    int sessionExpires,
    int minSe,
    int limitStatus) {
  /** RFC 4028 §4: the recommended session interval, in seconds. */
  public static final int DEFAULT_SESSION_EXPIRES = 1800;

  /** RFC 4028 §5: the smallest Min-SE a UA may ask for, in seconds. */
  public static final int DEFAULT_MIN_SE = 90;

  /** The status of a refusal by a limit unless the config says otherwise. */
  public static final int DEFAULT_LIMIT_STATUS = 503;

  /** The identity and redirection headers a trunking operator passes on. */
  public static final List<String> DEFAULT_PASS_HEADERS =
      List.of("P-Asserted-Identity", "Privacy", "Diversion", "History-Info", "User-to-User");

  public static final CallPolicy DEFAULT =
      new CallPolicy(DEFAULT_PASS_HEADERS, 0, 0, java.time.Duration.ZERO);

  public CallPolicy {
    passHeaders = List.copyOf(passHeaders);
    java.util.Objects.requireNonNull(dialogCheck, "dialogCheck");
    if (maxChannels < 0 || maxCps < 0) {
      throw new IllegalArgumentException("negative global limit");
    }
    if (minSe < 1 || sessionExpires < 0 || (sessionExpires > 0 && sessionExpires < minSe)) {
      throw new IllegalArgumentException(
          "session-expires " + sessionExpires + " with min-se " + minSe);
    }
    if (limitStatus < 400 || limitStatus > 699) {
      throw new IllegalArgumentException("limit status not 400..699: " + limitStatus);
    }
  }

  /** With the default session timers (1800 s, Min-SE 90 s), refusing over a limit with 503. */
  public CallPolicy(
      List<String> passHeaders, int maxChannels, int maxCps, java.time.Duration dialogCheck) {
    this(passHeaders, maxChannels, maxCps, dialogCheck, DEFAULT_LIMIT_STATUS);
  }

  /** With the default session timers, refusing calls over a limit with {@code limitStatus}. */
  public CallPolicy(
      List<String> passHeaders,
      int maxChannels,
      int maxCps,
      java.time.Duration dialogCheck,
      int limitStatus) {
    this(
        passHeaders,
        maxChannels,
        maxCps,
        dialogCheck,
        DEFAULT_SESSION_EXPIRES,
        DEFAULT_MIN_SE,
        limitStatus);
  }

  /** With these session timers, refusing calls over a limit with 503. */
  public CallPolicy(
      List<String> passHeaders,
      int maxChannels,
      int maxCps,
      java.time.Duration dialogCheck,
      int sessionExpires,
      int minSe) {
    this(
        passHeaders, maxChannels, maxCps, dialogCheck, sessionExpires, minSe, DEFAULT_LIMIT_STATUS);
  }

  /** Passing {@code passHeaders}, no global limits. */
  public CallPolicy(List<String> passHeaders) {
    this(passHeaders, 0, 0, java.time.Duration.ZERO);
  }

  /** With global limits, no dialog check. */
  public CallPolicy(List<String> passHeaders, int maxChannels, int maxCps) {
    this(passHeaders, maxChannels, maxCps, java.time.Duration.ZERO);
  }

  /** Whether {@code name} is passed (case-insensitive). */
  public boolean passes(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return passHeaders.stream().anyMatch(h -> h.toLowerCase(Locale.ROOT).equals(n));
  }
}
