package org.trunkline.stack;

import java.net.InetSocketAddress;
import java.time.Instant;

/**
 * Sees every SIP message the server receives or sends, as raw bytes with its transport, addresses
 * and time in microseconds (the hook that SIP traces, pcap export and HEP build on).
 *
 * <p>Obligations: called on an event loop, so it must not block (hand the bytes to a bounded queue
 * and count what does not fit); the array is never changed after the call, so keeping a reference
 * to it is allowed, but nothing else of the call may be kept. An exception it throws is counted and
 * logged, never propagated.
 */
@FunctionalInterface
public interface TraceTap {
  /** Which way the message went. */
  enum Direction {
    IN,
    OUT
  }

  /** Taps nothing. */
  TraceTap NONE = (dir, transport, local, remote, buf, off, len, epochMicros) -> {};

  /**
   * @param local our socket's address
   * @param remote the peer's address
   * @param epochMicros when it was received or handed to the socket, microseconds since the epoch
   */
  void onMessage(
      Direction dir,
      Transport transport,
      InetSocketAddress local,
      InetSocketAddress remote,
      byte[] buf,
      int off,
      int len,
      long epochMicros);

  /** Now, in microseconds since the epoch. */
  static long nowMicros() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
  }
}
