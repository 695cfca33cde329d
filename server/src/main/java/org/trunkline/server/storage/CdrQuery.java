package org.trunkline.server.storage;

import java.time.Instant;

/**
 * Which CDRs to find: every non-null field narrows the search; the newest {@code limit} that match
 * are returned, newest (by start) first.
 *
 * @param since calls that started at or after this
 * @param until calls that started before this
 * @param trunk calls in on or out to this trunk
 * @param number calls whose caller or called number, after numbering or as it came (before the
 *     trunk's numbering rules), starts with this
 * @param callId calls with this Call-ID on either leg
 * @param status calls that ended with this final status
 * @param limit at most this many, at least 1
 */
public record CdrQuery(
    Instant since,
    Instant until,
    String trunk,
    String number,
    String callId,
    StatusFilter status,
    int limit) {
  public CdrQuery {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1, got " + limit);
    }
  }

  /** Every CDR, newest first, at most {@code limit}. */
  public static CdrQuery newest(int limit) {
    return new CdrQuery(null, null, null, null, null, null, limit);
  }

  /** A final status ({@code 486}) or a class of them ({@code 4xx}): {@code from..to} inclusive. */
  public record StatusFilter(int from, int to) {
    /**
     * {@code 100}..{@code 699}, or {@code 1xx}..{@code 6xx}.
     *
     * @throws IllegalArgumentException saying what is allowed
     */
    public static StatusFilter parse(String text) {
      String t = text.strip().toLowerCase(java.util.Locale.ROOT);
      if (t.matches("[1-6]xx")) {
        int base = (t.charAt(0) - '0') * 100;
        return new StatusFilter(base, base + 99);
      }
      if (t.matches("[1-6][0-9][0-9]")) {
        int code = Integer.parseInt(t);
        return new StatusFilter(code, code);
      }
      throw new IllegalArgumentException(
          "must be a SIP status 100..699 or a class 1xx..6xx, got " + text);
    }
  }
}
