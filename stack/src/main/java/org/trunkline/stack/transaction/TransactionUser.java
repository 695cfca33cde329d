package org.trunkline.stack.transaction;

import org.trunkline.sip.SipMessage;

/**
 * The layer above the transactions (the UA core, later the B2BUA). Every method is called on the
 * layer's thread and must not block.
 *
 * <p>Obligations, enforced by the layer (STYLE 9):
 *
 * <ul>
 *   <li>After {@link #onRequest} the TU must answer the server transaction with a final response
 *       ({@link ServerTransaction#respond}) within {@link TransactionConfig#nonInviteAnswer()}
 *       (INVITE: {@link TransactionConfig#inviteAnswer()}). If it does not, the layer answers
 *       {@code 500} itself and counts {@link TransactionCounters#unanswered}. Answering a
 *       transaction that already has a final response throws {@link IllegalStateException}.
 *   <li>After {@link #onCancel} the INVITE should be answered {@code 487} at once (§9.2); the
 *       default does that.
 *   <li>A 2xx to an INVITE client transaction is the TU's to ACK (§13.2.2.4), through {@link
 *       TransactionLayer#sendStateless}; 2xx retransmissions arrive here again while the
 *       transaction is Accepted (RFC 6026 on §17.1.1.2) so the TU can repeat its ACK.
 * </ul>
 */
public interface TransactionUser {
  /** A new request opened {@code tx}; retransmissions never come here. */
  void onRequest(ServerTransaction tx, SipMessage request);

  /**
   * A response for {@code tx}: provisional, the final one, and 2xx retransmissions when Accepted.
   */
  void onResponse(ClientTransaction tx, SipMessage response);

  /**
   * {@code tx} ended without its exchange completing: Timer B or F (no final response), Timer H (no
   * ACK for a non-2xx final), or Timer L with no ACK for a 2xx (§13.3.1.4: end the session).
   */
  void onTimeout(Transaction tx);

  /** A send of {@code tx} failed in the transport; the transaction is terminated (§17.1.4). */
  void onTransportError(Transaction tx, String reason);

  /**
   * A CANCEL matched {@code invite}, which has no final response yet; the layer has already
   * answered the CANCEL {@code 200}. The default answers the INVITE {@code 487} (§9.2).
   */
  default void onCancel(ServerTransaction invite, SipMessage cancel) {
    if (!invite.isAnswered()) {
      invite.respond(487, "Request Terminated");
    }
  }

  /**
   * The first ACK for a 2xx the server INVITE transaction sent (it stops retransmitting the 2xx).
   */
  default void onAck(ServerTransaction invite, SipMessage ack) {}

  /** An ACK or response that matched no transaction (counted; e.g. a 2xx after Timer M). */
  default void onStray(SipMessage message, Peer source) {}
}
