package org.trunkline.stack;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the SIP side counted: every message in, every answer out, every drop by reason. What the
 * transaction layers counted is in {@link org.trunkline.stack.transaction.TransactionCounters}
 * ({@link SipServer#snapshot()} has both). Thread-safe; written from event loops, read by anyone.
 */
public final class SipCounters {
  /** Requests received (retransmissions too), counted once handled. */
  public final LongAdder requestsIn = new LongAdder();

  /** Responses received, counted once handled. */
  public final LongAdder responsesIn = new LongAdder();

  /**
   * Responses written: stateless answers, transaction answers, and their retransmissions (to a
   * request retransmission, by Timer G, or a 2xx until its ACK).
   */
  public final LongAdder responsesOut = new LongAdder();

  /** Malformed requests answered with an error (400/505/416/513). */
  public final LongAdder malformedRequests = new LongAdder();

  /** Malformed responses, dropped (§18.1.2 / RFC 4475 scalarlg, bigcode). */
  public final LongAdder droppedMalformedResponses = new LongAdder();

  /**
   * Well-formed responses that match no client transaction (§17.1.3; the server sends none yet).
   */
  public final LongAdder droppedStrayResponses = new LongAdder();

  /**
   * ACKs that match no server transaction (§17.2.3) nor a 2xx awaiting its ACK, and malformed ACKs:
   * never answered.
   */
  public final LongAdder droppedAcks = new LongAdder();

  /** Bytes that were not SIP at all (no start line) and could not be answered. */
  public final LongAdder droppedGarbage = new LongAdder();

  /** TCP connections closed because the stream could not be framed any more. */
  public final LongAdder closedConnections = new LongAdder();

  /** Trace taps that threw (see {@link TraceTap}). */
  public final LongAdder traceErrors = new LongAdder();

  /** RFC 5626 keep-alive pings answered. */
  public final LongAdder keepAlives = new LongAdder();

  /**
   * UDP messages read on one event loop and handed to another (their Call-ID's): each costs a queue
   * hand-off and often a wake-up. The rest were handled on the loop that read them.
   */
  public final LongAdder udpHandoffs = new LongAdder();

  /**
   * TCP/TLS connections closed at once because their source IP address had the listen point's
   * {@code max-connections-per-source} open already.
   */
  public final LongAdder connectionsRefused = new LongAdder();

  /** Outbound TCP/TLS connections started (a request or response to a peer with none open). */
  public final LongAdder connectionsOpened = new LongAdder();

  /** Outbound connections that failed (refused, timed out, TLS handshake failed). */
  public final LongAdder connectFailures = new LongAdder();

  // ---- overload (OverloadLimits): what was refused, and which bound refused it ----

  /** New requests answered 503 + Retry-After at once because a bound below was full. */
  public final LongAdder overloadRejectedRequests = new LongAdder();

  /** Responses dropped because a bound below was full (the peer retransmits, §17.2). */
  public final LongAdder overloadDroppedResponses = new LongAdder();

  /** ACKs dropped because a bound below was full (never answered, §17.2.3). */
  public final LongAdder overloadDroppedAcks = new LongAdder();

  /** Refusals because the server held its maximum of in-flight messages (count or bytes). */
  public final LongAdder overloadInFlightFull = new LongAdder();

  /** Refusals because one source had its maximum of steps waiting behind a busy layer. */
  public final LongAdder overloadSourceQueueFull = new LongAdder();

  /** Refusals because the sources of one event loop had their maximum of steps waiting. */
  public final LongAdder overloadLoopQueueFull = new LongAdder();

  /** Messages accepted for a transaction layer and not yet handled by it (a gauge). */
  final AtomicInteger inFlight = new AtomicInteger();

  /** The highest {@code in_flight} seen since start. */
  public final LongAccumulator inFlightPeak = new LongAccumulator(Long::max, 0);

  /** A snapshot by name, for logs and the API. */
  public Map<String, Long> snapshot() {
    Map<String, Long> m = new TreeMap<>();
    m.put("requests_in", requestsIn.sum());
    m.put("responses_in", responsesIn.sum());
    m.put("responses_out", responsesOut.sum());
    m.put("malformed_requests", malformedRequests.sum());
    m.put("dropped_malformed_responses", droppedMalformedResponses.sum());
    m.put("dropped_stray_responses", droppedStrayResponses.sum());
    m.put("dropped_acks", droppedAcks.sum());
    m.put("dropped_garbage", droppedGarbage.sum());
    m.put("closed_connections", closedConnections.sum());
    m.put("keep_alives", keepAlives.sum());
    m.put("udp_handoffs", udpHandoffs.sum());
    m.put("trace_errors", traceErrors.sum());
    m.put("connections_refused", connectionsRefused.sum());
    m.put("connections_opened", connectionsOpened.sum());
    m.put("connect_failures", connectFailures.sum());
    m.put("overload_rejected_requests", overloadRejectedRequests.sum());
    m.put("overload_dropped_responses", overloadDroppedResponses.sum());
    m.put("overload_dropped_acks", overloadDroppedAcks.sum());
    m.put("overload_in_flight_full", overloadInFlightFull.sum());
    m.put("overload_source_queue_full", overloadSourceQueueFull.sum());
    m.put("overload_loop_queue_full", overloadLoopQueueFull.sum());
    m.put("in_flight", (long) inFlight.get());
    m.put("in_flight_peak", inFlightPeak.get());
    return m;
  }
}
