package org.trunkline.server.storage;

import java.time.Instant;

/**
 * Which traces to find: every non-null field narrows the search; the newest {@code limit} that
 * match are returned, newest first.
 *
 * @param since traces with a message at or after this
 * @param until traces with a message before this
 * @param callId the trace holding this Call-ID (either leg), or with this trace id
 * @param number calls whose caller or called number starts with this (from their CDR)
 * @param trunk calls in on or out to this trunk, and the trunk's own trace
 * @param source traces with a message received from this IP address
 * @param status calls that ended with this final status (from their CDR)
 * @param limit at most this many, at least 1
 */
public record TraceQuery(
    Instant since,
    Instant until,
    String callId,
    String number,
    String trunk,
    String source,
    CdrQuery.StatusFilter status,
    int limit) {
  public TraceQuery {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1, got " + limit);
    }
  }

  /** The newest traces, at most {@code limit}. */
  public static TraceQuery newest(int limit) {
    return new TraceQuery(null, null, null, null, null, null, null, limit);
  }

  /** Whether a filter that only CDRs answer is set. */
  boolean byCdr() {
    return number != null || status != null || trunk != null;
  }
}
