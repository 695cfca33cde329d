package org.trunkline.stack.transaction;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.LongAdder;

/** What the transaction layer counted. Written on the layer's thread, readable from any. */
public final class TransactionCounters {
  /** Server transactions the TU never answered finally in time; the layer sent 500 (STYLE 9). */
  public final LongAdder unanswered = new LongAdder();

  /** Request retransmissions absorbed or answered from a server transaction. */
  public final LongAdder retransmissionsIn = new LongAdder();

  /** Responses and requests this layer retransmitted on a timer. */
  public final LongAdder retransmissionsOut = new LongAdder();

  /** Timers B, F, H and L without an ACK: reported to the TU. */
  public final LongAdder timeouts = new LongAdder();

  /** Sends that failed in the transport. */
  public final LongAdder transportErrors = new LongAdder();

  /** Responses that matched no client transaction (§17.1.3). */
  public final LongAdder strayResponses = new LongAdder();

  /** ACKs that matched no server transaction. */
  public final LongAdder strayAcks = new LongAdder();

  /** CANCELs answered 481 because nothing matched them (§9.2). */
  public final LongAdder unmatchedCancels = new LongAdder();

  /** New requests answered 503 because the layer held its maximum of open server transactions. */
  public final LongAdder overloaded = new LongAdder();

  /**
   * New requests the TU answered without a transaction ({@link TransactionUser#answerStateless}).
   */
  public final LongAdder statelessAnswers = new LongAdder();

  public Map<String, Long> snapshot() {
    Map<String, Long> m = new TreeMap<>();
    m.put("tx_unanswered", unanswered.sum());
    m.put("tx_retransmissions_in", retransmissionsIn.sum());
    m.put("tx_retransmissions_out", retransmissionsOut.sum());
    m.put("tx_timeouts", timeouts.sum());
    m.put("tx_transport_errors", transportErrors.sum());
    m.put("tx_stray_responses", strayResponses.sum());
    m.put("tx_stray_acks", strayAcks.sum());
    m.put("tx_unmatched_cancels", unmatchedCancels.sum());
    m.put("tx_overloaded", overloaded.sum());
    m.put("tx_stateless_answers", statelessAnswers.sum());
    return m;
  }
}
