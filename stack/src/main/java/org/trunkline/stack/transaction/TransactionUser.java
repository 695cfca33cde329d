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
  /**
   * A new non-INVITE request (not ACK or CANCEL) that matched no transaction, before the layer
   * opens one for it: the TU may answer it without state (§8.2.7), e.g. challenge a REGISTER that
   * carries no credentials. {@code null} (the default) opens the transaction and calls {@link
   * #onRequest}; an answer is sent at once, no transaction is opened, {@link
   * TransactionCounters#statelessAnswers} counts it, and a retransmission of the request comes here
   * again as a new request. Called for every new non-INVITE request, so deciding {@code null} must
   * be cheap and have no side effects.
   */
  default StatelessAnswer answerStateless(SipMessage request, Peer source) {
    return null;
  }

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
