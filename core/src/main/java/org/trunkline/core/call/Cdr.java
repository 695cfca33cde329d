package org.trunkline.core.call;

import java.time.Instant;

/**
 * The record of one call attempt across trunks (issue 6): who called whom through which trunks,
 * when, how it ended.
 *
 * @param id the call's id (also the correlation id of its trace)
 * @param fromTrunk the trunk the call came in on
 * @param toTrunk the trunk that answered or gave the final answer, or "" when none was tried
 * @param caller the From user of the A-leg
 * @param called the number called
 * @param aCallId the A-leg Call-ID
 * @param bCallId the Call-ID of the last B-leg, or ""
 * @param start when the INVITE arrived
 * @param answer when a 2xx was relayed, or null
 * @param end when the call ended
 * @param status the final status given to the caller (200 for an answered call)
 * @param reason how it ended, e.g. {@code BYE from caller}, {@code 486 Busy Here from carrier1}
 * @param attempts the trunks tried with their outcomes, e.g. {@code carrier1: 503, carrier2: 200}
 */
public record Cdr(
    String id,
    String fromTrunk,
    String toTrunk,
    String caller,
    String called,
    String aCallId,
    String bCallId,
    Instant start,
    Instant answer,
    Instant end,
    int status,
    String reason,
    String attempts) {
  /** Seconds from answer to end, 0 when not answered. */
  public long durationSeconds() {
    return answer == null ? 0 : Math.max(0, end.getEpochSecond() - answer.getEpochSecond());
  }
}
