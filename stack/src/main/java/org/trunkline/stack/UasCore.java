package org.trunkline.stack;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trunkline.sip.SipMessage;
import org.trunkline.stack.transaction.ClientTransaction;
import org.trunkline.stack.transaction.Peer;
import org.trunkline.stack.transaction.ServerTransaction;
import org.trunkline.stack.transaction.Transaction;
import org.trunkline.stack.transaction.TransactionUser;

/**
 * The transaction user of the running server until call routing exists: answers every new server
 * transaction at once with what {@link BasicUas} says, and counts what matched nothing. Stateless
 * itself, so one instance serves every layer; called on a layer's loop, never blocks.
 */
final class UasCore implements TransactionUser {
  private static final Logger LOG = LoggerFactory.getLogger(UasCore.class);

  private final BasicUas uas = new BasicUas();
  private final SipCounters counters;

  UasCore(SipCounters counters) {
    this.counters = counters;
  }

  @Override
  public void onRequest(ServerTransaction tx, SipMessage request) {
    Answer a;
    try {
      // MessageHandler hands over only requests that validated
      a = uas.answer(request, null);
    } catch (RuntimeException e) {
      // A bug must not cost the server: answer 500 and say where (§21.5.1).
      LOG.error("internal error answering {} in {}: {}", request, tx, e.toString(), e);
      a = Answer.of(500, "Server Internal Error");
    }
    if (a.isDrop()) {
      // cannot happen for a well-formed request that is not an ACK; the layer's deadline would
      // answer 500 much later, so do it now
      LOG.error("{}: BasicUas would drop {} ({}); answering 500", tx, request, a.dropReason());
      a = Answer.of(500, "Server Internal Error");
    }
    tx.respond(a.status(), a.reason(), a.headers().toArray(String[]::new));
  }

  @Override
  public void onResponse(ClientTransaction tx, SipMessage response) {
    // the server sends no requests yet
  }

  @Override
  public void onTimeout(Transaction tx) {
    LOG.debug("{} timed out", tx);
  }

  @Override
  public void onTransportError(Transaction tx, String reason) {
    LOG.debug("{}: transport error: {}", tx, reason);
  }

  @Override
  public void onStray(SipMessage message, Peer source) {
    if (message.isRequest()) {
      counters.droppedAcks.increment();
      LOG.debug("dropped ACK from {} without transaction: {}", source, message);
    } else {
      counters.droppedStrayResponses.increment();
      LOG.debug("dropped stray response from {}: {}", source, message);
    }
  }
}
