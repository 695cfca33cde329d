package org.trunkline.core.call;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.function.LongFunction;
import org.trunkline.sip.HeaderName;
import org.trunkline.sip.SipMessage;
import org.trunkline.stack.transaction.Scheduler;

/**
 * Reliable provisional responses to the caller (RFC 3262 §3, we are the UAS): each carries {@code
 * Require: 100rel} and an {@code RSeq} one higher than the last (the first one random), and is
 * retransmitted at T1, 2*T1, 4*T1, ... until its PRACK comes; after 64*T1 without one the caller is
 * given up ({@code gaveUp}). A second reliable provisional waits until the first is acknowledged
 * (§3), and a 2xx waits while a provisional with a session description is not (§3: "MUST NOT send a
 * final response until those provisional responses are acknowledged").
 *
 * <p>Confined to the call's event loop.
 */
final class ReliableProvisionals {
  /** A provisional response to send reliably: built for its RSeq; whether it has a body. */
  private record Pending(LongFunction<byte[]> build, boolean withBody) {}

  private final SessionTimer.Schedule schedule;
  private final Duration t1;
  private final long inviteCseq;
  private final Consumer<byte[]> send;
  private final Runnable gaveUp;
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private long rseq = ThreadLocalRandom.current().nextLong(1, 1L << 31);

  /** The provisional sent and not yet PRACKed: its bytes, RSeq and whether it had a body. */
  private byte[] unacked;

  private long unackedRseq;
  private boolean unackedBody;
  private Duration interval;
  private Scheduler.Scheduled retransmit;
  private Scheduler.Scheduled giveUp;
  private Runnable heldFinal;
  private boolean over;

  /**
   * @param inviteCseq the CSeq number of the caller's INVITE (a PRACK's RAck names it)
   * @param send sends a response in the INVITE server transaction
   * @param gaveUp run when a provisional got no PRACK within 64*T1
   */
  ReliableProvisionals(
      SessionTimer.Schedule schedule,
      Duration t1,
      long inviteCseq,
      Consumer<byte[]> send,
      Runnable gaveUp) {
    this.schedule = schedule;
    this.t1 = t1;
    this.inviteCseq = inviteCseq;
    this.send = send;
    this.gaveUp = gaveUp;
  }

  /**
   * Sends a provisional reliably, built by {@code build} with the RSeq it gets (the builder adds
   * {@code Require: 100rel} and {@code RSeq}), or queues it behind one not yet acknowledged.
   */
  void send(LongFunction<byte[]> build, boolean withBody) {
    if (over) {
      return;
    }
    queue.add(new Pending(build, withBody));
    if (unacked == null) {
      sendNext();
    }
  }

  private void sendNext() {
    Pending p = queue.poll();
    if (p == null) {
      return;
    }
    long n = ++rseq;
    unacked = p.build().apply(n);
    unackedRseq = n;
    unackedBody = p.withBody();
    interval = t1;
    send.accept(unacked);
    retransmit = schedule.at(this::retransmit, interval);
    // §3: retransmitted for 64*T1 without a PRACK: the UAS rejects the INVITE with a 5xx
    giveUp = schedule.at(this::noPrack, t1.multipliedBy(64));
  }

  private void noPrack() {
    giveUp = null;
    if (over || unacked == null) {
      return;
    }
    stop();
    gaveUp.run();
  }

  private void retransmit() {
    retransmit = null;
    if (over || unacked == null) {
      return;
    }
    send.accept(unacked);
    interval = interval.multipliedBy(2);
    retransmit = schedule.at(this::retransmit, interval);
  }

  /**
   * Whether {@code prack}'s RAck ({@code response-num CSeq-num method}) names the provisional
   * waiting for it (§3: else the PRACK is answered 481). A match is acknowledged: call {@link
   * #acknowledged()} after answering the PRACK.
   */
  boolean matches(SipMessage prack) {
    String rack = prack.header(HeaderName.RACK);
    if (rack == null || unacked == null) {
      return false;
    }
    String[] f = rack.strip().split("\\s+");
    try {
      return f.length == 3
          && Long.parseLong(f[0]) == unackedRseq
          && Long.parseLong(f[1]) == inviteCseq
          && f[2].toUpperCase(Locale.ROOT).equals("INVITE");
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /** The RSeq of the provisional that waits for its PRACK, -1 when none does. */
  long waitingRseq() {
    return unacked == null ? -1 : unackedRseq;
  }

  /** The provisional {@link #matches} found is acknowledged: the next one, or a held 2xx, goes. */
  void acknowledged() {
    unacked = null;
    cancelTimers();
    if (heldFinal != null) {
      Runnable f = heldFinal;
      stop();
      f.run();
      return;
    }
    sendNext();
  }

  /**
   * A 2xx is ready: runs {@code sendFinal} now, or once the provisional with a session description
   * that waits for its PRACK is acknowledged. Provisionals still queued are dropped (the 2xx
   * supersedes them).
   */
  void success(Runnable sendFinal) {
    queue.clear();
    if (unacked != null && unackedBody) {
      heldFinal = sendFinal;
      return;
    }
    stop();
    sendFinal.run();
  }

  /** Whether a 2xx waits for a PRACK. */
  boolean holding() {
    return heldFinal != null;
  }

  /** A final response was sent (or the call ended): no more retransmissions. */
  void stop() {
    over = true;
    queue.clear();
    heldFinal = null;
    cancelTimers();
  }

  private void cancelTimers() {
    if (retransmit != null) {
      retransmit.cancel();
      retransmit = null;
    }
    if (giveUp != null) {
      giveUp.cancel();
      giveUp = null;
    }
  }
}
