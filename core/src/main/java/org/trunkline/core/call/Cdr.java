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
 * @param reason how it ended, e.g. {@code BYE from caller}, {@code 486 Busy Here from carrier1},
 *     {@code cancelled by caller; callee answered 35 ms after the CANCEL, released with BYE} (the
 *     RFC 3261 §9.1 race: the caller got 487, the callee was ACKed and sent a BYE)
 * @param attempts the trunks tried with their outcomes, e.g. {@code carrier1: 503, carrier2: 200}
 * @param callerDialed the caller's number as it came, before the calling trunk's numbering rules
 * @param calledDialed the called number as it came, before numbering
 * @param calledSent the called number as sent to the last trunk tried (its numbering.out), or ""
 * @param ringing when the first provisional answer above 100 came back, or null
 * @param cause the Q.850 cause of the end (16 normal clearing for an answered call)
 * @param hangup who ended an answered call: {@code caller}, {@code callee}, or "" when not answered
 * @param media what the relay saw of the call's media, or null when its media passed through
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
    String attempts,
    String callerDialed,
    String calledDialed,
    String calledSent,
    Instant ringing,
    int cause,
    String hangup,
    CdrMedia media) {
  /** A CDR of a call whose media passed through. */
  public Cdr(
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
      String attempts,
      String callerDialed,
      String calledDialed,
      String calledSent,
      Instant ringing,
      int cause,
      String hangup) {
    this(
        id,
        fromTrunk,
        toTrunk,
        caller,
        called,
        aCallId,
        bCallId,
        start,
        answer,
        end,
        status,
        reason,
        attempts,
        callerDialed,
        calledDialed,
        calledSent,
        ringing,
        cause,
        hangup,
        null);
  }

  /** This CDR with the media stats of its call. */
  public Cdr withMedia(CdrMedia m) {
    return new Cdr(
        id,
        fromTrunk,
        toTrunk,
        caller,
        called,
        aCallId,
        bCallId,
        start,
        answer,
        end,
        status,
        reason,
        attempts,
        callerDialed,
        calledDialed,
        calledSent,
        ringing,
        cause,
        hangup,
        m);
  }

  /** A CDR without the numbering, ringing, cause and hang-up details (older rows). */
  public Cdr(
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
    this(
        id, fromTrunk, toTrunk, caller, called, aCallId, bCallId, start, answer, end, status,
        reason, attempts, caller, called, "", null, 0, "");
  }

  /** Seconds from answer to end, 0 when not answered. */
  public long durationSeconds() {
    return answer == null ? 0 : Math.max(0, end.getEpochSecond() - answer.getEpochSecond());
  }
}
