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
 */
public record CallPolicy(List<String> passHeaders, int maxChannels, int maxCps) {
  /** The identity and redirection headers a trunking operator passes on. */
  public static final List<String> DEFAULT_PASS_HEADERS =
      List.of("P-Asserted-Identity", "Privacy", "Diversion", "History-Info", "User-to-User");

  public static final CallPolicy DEFAULT = new CallPolicy(DEFAULT_PASS_HEADERS, 0, 0);

  public CallPolicy {
    passHeaders = List.copyOf(passHeaders);
    if (maxChannels < 0 || maxCps < 0) {
      throw new IllegalArgumentException("negative global limit");
    }
  }

  /** Passing {@code passHeaders}, no global limits. */
  public CallPolicy(List<String> passHeaders) {
    this(passHeaders, 0, 0);
  }

  /** Whether {@code name} is passed (case-insensitive). */
  public boolean passes(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return passHeaders.stream().anyMatch(h -> h.toLowerCase(Locale.ROOT).equals(n));
  }
}
