package org.trunkline.stack.transaction;

import java.time.Duration;

/**
 * The timer values of the transaction layer, in one place (RFC 3261 §17.1.1.1 and table 4).
 *
 * @param t1 RTT estimate, default 500 ms; Timers A, B, E, F, G, H, J, L, M derive from it
 * @param t2 the cap of non-INVITE request and INVITE response retransmission intervals, default 4 s
 * @param t4 how long a message may stay in the network, default 5 s (Timers I and K)
 * @param trying100 §17.2.1: send 100 Trying when the TU has not answered an INVITE within this,
 *     default 200 ms
 * @param nonInviteAnswer how long the TU may take to answer a non-INVITE request finally before the
 *     layer answers 500 itself, default 32 s (the client gives up at 64*T1 anyway)
 * @param inviteAnswer the same for INVITE (ringing may last), default 180 s
 */
public record TransactionConfig(
    Duration t1,
    Duration t2,
    Duration t4,
    Duration trying100,
    Duration nonInviteAnswer,
    Duration inviteAnswer) {

  public static final TransactionConfig DEFAULT =
      new TransactionConfig(
          Duration.ofMillis(500),
          Duration.ofSeconds(4),
          Duration.ofSeconds(5),
          Duration.ofMillis(200),
          Duration.ofSeconds(32),
          Duration.ofSeconds(180));

  /** §17.1.1.2: Timer D is at least 32 s on unreliable transports. */
  static final long TIMER_D_NANOS = Duration.ofSeconds(32).toNanos();

  public TransactionConfig {
    positive("t1", t1);
    positive("t2", t2);
    positive("t4", t4);
    positive("trying100", trying100);
    positive("nonInviteAnswer", nonInviteAnswer);
    positive("inviteAnswer", inviteAnswer);
    if (t2.compareTo(t1) < 0) {
      throw new IllegalArgumentException("t2: must be >= t1 (" + t1 + "), got " + t2);
    }
  }

  private static void positive(String name, Duration d) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + ": must be > 0, got " + d);
    }
  }

  long t1Nanos() {
    return t1.toNanos();
  }

  long t2Nanos() {
    return t2.toNanos();
  }

  long t4Nanos() {
    return t4.toNanos();
  }

  /** 64*T1: Timers B, F, H, J, L, M. */
  long timeoutNanos() {
    return 64 * t1.toNanos();
  }
}
