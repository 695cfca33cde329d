package org.trunkline.stack.transaction;

import org.trunkline.sip.SipMessage;
import org.trunkline.sip.SipMethod;

/** A request we sent and its responses (§17.1). Opened by {@link TransactionLayer#sendRequest}. */
public abstract sealed class ClientTransaction extends Transaction
    permits ClientInviteTransaction, ClientNonInviteTransaction {

  ClientTransaction(
      TransactionLayer layer, String key, Peer peer, SipMethod method, byte[] request) {
    super(layer, key, peer, method, request);
  }

  /**
   * Hands this transaction's further events to {@code owner} (only its client-side methods are
   * called): a transaction user that is done with it but whose transaction still lives on, e.g. a
   * call that ended while its INVITE is Accepted (RFC 6026: 2xx retransmissions for 32 s still need
   * an ACK), gives it an owner that keeps only what that takes, so the call itself is not kept.
   */
  public void owner(TransactionUser owner) {
    this.user = java.util.Objects.requireNonNull(owner, "owner");
  }

  /** Sends the request and starts the timers. */
  abstract void start();

  /** A response matched this transaction (§17.1.3). */
  abstract void onResponse(SipMessage response);
}
