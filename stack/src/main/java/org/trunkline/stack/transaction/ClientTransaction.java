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

  /** Sends the request and starts the timers. */
  abstract void start();

  /** A response matched this transaction (§17.1.3). */
  abstract void onResponse(SipMessage response);
}
