package org.trunkline.stack;

import java.util.List;
import org.trunkline.sip.ParseError;

/**
 * What to do with a received message: send {@code status reason} with the extra header lines, or
 * nothing at all ({@link #drop}). {@code cause} is set when the request was malformed.
 */
public record Answer(
    int status, String reason, List<String> headers, String dropReason, ParseError cause) {
  /** Say nothing; {@code dropReason} says why, for the counters and the debug log. */
  public static Answer drop(String why) {
    return new Answer(0, null, List.of(), why, null);
  }

  public static Answer of(int status, String reason, String... headers) {
    return new Answer(status, reason, List.of(headers), null, null);
  }

  /** The answer to a malformed request: the status and reason of its parse error. */
  public static Answer malformed(ParseError cause) {
    return new Answer(cause.status(), cause.reasonPhrase(), List.of(), null, cause);
  }

  public boolean isDrop() {
    return status == 0;
  }
}
