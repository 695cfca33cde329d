package org.trunkline.stack.transaction;

/**
 * What the transaction layer sends through: the transports. {@link #send} must not block and must
 * not call back into the layer inline; a failure (ICMP unreachable, connection refused or reset) is
 * reported later, on the layer's thread, through {@code onFailure} (§17.1.4, §17.2.4).
 */
public interface MessageSink {
  /**
   * Sends one whole message.
   *
   * @param to the transport and address
   * @param message the bytes; the sink must not change them (they are retransmitted as they are)
   * @param onFailure told if the message could not be sent
   */
  void send(Peer to, byte[] message, SendFailure onFailure);

  /** Told when a send failed. */
  interface SendFailure {
    void sendFailed(Peer to, String reason);
  }
}
