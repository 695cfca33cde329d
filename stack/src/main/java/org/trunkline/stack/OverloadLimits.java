package org.trunkline.stack;

import java.time.Duration;
import org.trunkline.stack.transaction.TransactionLayer;

/**
 * The bounds that keep a flooded server's memory flat (issue 4, overload control), in one place.
 * When one is reached, a new request is answered {@code 503 Service Unavailable} with {@code
 * Retry-After} at once and without state (RFC 3261 §21.5.4), and a response or ACK is dropped (it
 * cannot be answered; the peer retransmits); both are counted in {@link SipCounters}.
 *
 * <p>Memory held by messages waiting for a transaction layer is at most {@code maxInFlightBytes}
 * plus {@code maxInFlight} message envelopes, whatever arrives.
 *
 * @param maxInFlight messages accepted for a transaction layer and not yet handled by it, over the
 *     whole server; default 10,000 (at 2,000 messages/s per loop, 5 s of work)
 * @param maxInFlightBytes the same, in message bytes; default 32 MB (10,000 datagrams of 64 KB
 *     would be 640 MB)
 * @param maxQueuedPerSource steps (messages for a layer, answers to write) queued behind a busy
 *     layer for one source (a UDP sender, a TCP connection) in arrival order; default 5,000. One
 *     source may carry a whole trunk's traffic (an SBC), and its steps run one after the other
 *     across loops, so this is a fairness bound, not a per-user one: 1,000 refused a SIPp
 *     retransmission storm of 14,000 messages/s on a loaded 2-core machine (bench/RESULTS.md)
 * @param maxQueuedPerLoop the same summed over every source whose channel lives on one event loop;
 *     default 10,000
 * @param maxServerTransactions open server transactions per transaction layer (one per event loop);
 *     default 200,000 ({@link
 *     org.trunkline.stack.transaction.TransactionLayer#DEFAULT_MAX_SERVER_TRANSACTIONS})
 * @param retryAfterSeconds the {@code Retry-After} of every overload 503; default 5
 * @param logInterval overload is logged at most once per interval (with the counts so far), never
 *     once per message; default 10 s
 */
public record OverloadLimits(
    int maxInFlight,
    long maxInFlightBytes,
    int maxQueuedPerSource,
    int maxQueuedPerLoop,
    int maxServerTransactions,
    int retryAfterSeconds,
    Duration logInterval) {

  public static final OverloadLimits DEFAULT =
      new OverloadLimits(
          10_000,
          32L << 20,
          5_000,
          10_000,
          TransactionLayer.DEFAULT_MAX_SERVER_TRANSACTIONS,
          5,
          Duration.ofSeconds(10));

  public OverloadLimits {
    atLeast("maxInFlight", maxInFlight, 1);
    atLeast("maxInFlightBytes", maxInFlightBytes, 1);
    atLeast("maxQueuedPerSource", maxQueuedPerSource, 1);
    atLeast("maxQueuedPerLoop", maxQueuedPerLoop, 1);
    atLeast("maxServerTransactions", maxServerTransactions, 1);
    atLeast("retryAfterSeconds", retryAfterSeconds, 0);
    if (logInterval == null || logInterval.isNegative()) {
      throw new IllegalArgumentException("logInterval: must be >= 0, got " + logInterval);
    }
  }

  private static void atLeast(String name, long value, long min) {
    if (value < min) {
      throw new IllegalArgumentException(name + ": must be >= " + min + ", got " + value);
    }
  }
}
