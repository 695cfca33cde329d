package org.trunkline.stack;

import java.util.List;

/**
 * What to do with a received message: send {@code status reason} with the extra header lines, or
 * nothing at all ({@link #DROP}).
 */
public record Answer(int status, String reason, List<String> headers, String dropReason) {
  /** Say nothing; {@code dropReason} says why, for the counters and the debug log. */
  public static Answer drop(String why) {
    return new Answer(0, null, List.of(), why);
  }

  public static Answer of(int status, String reason, String... headers) {
    return new Answer(status, reason, List.of(headers), null);
  }

  public boolean isDrop() {
    return status == 0;
  }
}
