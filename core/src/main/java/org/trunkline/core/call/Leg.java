package org.trunkline.core.call;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * The state one leg's dialog keeps beside what {@link Call} writes into its requests: its session
 * timer (RFC 4028), the INVITE transactions in progress in it either way (for glare, RFC 3261 §14),
 * whether its peer takes UPDATE, and the session description we sent it last (a refresh by
 * re-INVITE offers it again unchanged, RFC 3264 §8).
 *
 * <p>Confined to the call's event loop.
 */
final class Leg {
  /** {@code caller} or {@code callee}, as CDRs and logs name the side. */
  final String side;

  /** Whether we chose this dialog's Call-ID (the callee's leg): §14.1 retry timers differ. */
  final boolean ownsCallId;

  final SessionTimer timer;

  /** Whether its peer listed UPDATE in Allow (then our refreshes use UPDATE, RFC 4028 §10). */
  boolean allowsUpdate;

  /** The body (and its type) we sent this leg last, null before any. */
  byte[] sdp;

  String sdpType;

  /** Our INVITE client transactions in this dialog without a final response. */
  int invitesOut;

  /** Its re-INVITEs to us without our final response. */
  int invitesIn;

  /** Our UPDATEs carrying an offer in this dialog without a final response (RFC 3311 §5.2). */
  int updateOffersOut;

  /** Whether a refresh of ours is in progress. */
  boolean refreshing;

  /**
   * Its last re-INVITE without a body, once the other side's 2xx brought the offer: our ACK to the
   * other side waits for this leg's ACK, which carries the answer (RFC 3264 §5). Null otherwise.
   */
  LateAck lateAck;

  /**
   * Our ACK of the other side's 2xx (with its offer) to a re-INVITE without a body from this leg.
   *
   * @param cseq the CSeq number of this leg's re-INVITE: its ACK has the same
   * @param ok the other side's 2xx
   * @param ourCseq the CSeq number of the re-INVITE we sent the other side
   */
  record LateAck(
      long cseq,
      org.trunkline.sip.SipMessage ok,
      org.trunkline.stack.transaction.Peer to,
      String ruri,
      String from,
      String callId,
      long ourCseq) {}

  /** Our ACK for {@link #lateAck} once sent (a retransmitted 2xx gets it again), else null. */
  byte[] lateAckSent;

  Leg(
      String side,
      boolean ownsCallId,
      SessionTimer.Schedule schedule,
      Consumer<Leg> refresh,
      Consumer<Leg> expired) {
    this.side = side;
    this.ownsCallId = ownsCallId;
    this.timer = new SessionTimer(schedule, () -> refresh.accept(this), () -> expired.accept(this));
  }

  /** Remembers a body we send this leg. */
  void sent(String contentType, byte[] body) {
    if (body.length > 0 && contentType != null) {
      sdp = body;
      sdpType = contentType;
    }
  }

  /** Whether an INVITE transaction (ours or its) is in progress in this dialog. */
  boolean inviting() {
    return invitesOut > 0 || invitesIn > 0;
  }

  /**
   * RFC 3261 §14.1: after a 491 the UAC waits 2.1..4 s if it chose the dialog's Call-ID, else 0..2
   * s, in units of 10 ms, so the two sides of a glare retry at different times.
   */
  static Duration glareDelay(boolean ownsCallId, ThreadLocalRandom random) {
    long tens = ownsCallId ? random.nextLong(210, 401) : random.nextLong(0, 201);
    return Duration.ofMillis(tens * 10);
  }

  Duration glareDelay() {
    return glareDelay(ownsCallId, ThreadLocalRandom.current());
  }
}
