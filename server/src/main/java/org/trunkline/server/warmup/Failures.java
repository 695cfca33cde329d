package org.trunkline.server.warmup;

import java.util.Map;
import java.util.TreeMap;

/** Why warm-up registrations and calls failed: the final response's status line, or no answer. */
final class Failures {
  private final Map<String, Integer> byReason = new TreeMap<>();

  void add(String reason, int count) {
    if (count > 0) {
      byReason.merge(reason, count, Integer::sum);
    }
  }

  /** {@code "403 Forbidden x 6000, no answer x 12"}, or "" when nothing failed. */
  @Override
  public String toString() {
    StringBuilder b = new StringBuilder();
    byReason.forEach((reason, count) ->
        b.append(b.isEmpty() ? "" : ", ").append(reason).append(" x ").append(count));
    return b.toString();
  }
}
