package org.trunkline.stack.transaction;

import org.trunkline.sip.SipMessage;
import org.trunkline.sip.SipMethod;

/**
 * What every transaction has: its key in the layer's table, the peer, and the raw request bytes,
 * held once (a parsed view is made again when needed, so an open transaction stays small) and only
 * until the final response: a transaction then lives on for up to 32 s (Timers D, H, J, K, L, M)
 * only to absorb retransmissions, which needs the bytes of what it answers with, not the request.
 * Used on the layer's thread only.
 */
public abstract sealed class Transaction implements MessageSink.SendFailure
    permits ClientTransaction, ServerTransaction {
  final TransactionLayer layer;
  final String key;
  final Peer peer;
  final SipMethod method;

  /** The request's bytes, null once released (see {@link #releaseRequest}). */
  byte[] request;

  /** Who hears this transaction's events: the layer's TU, or the owner given to sendRequest. */
  TransactionUser user;

  Transaction(TransactionLayer layer, String key, Peer peer, SipMethod method, byte[] request) {
    this.layer = layer;
    this.key = key;
    this.peer = peer;
    this.method = method;
    this.request = request;
    this.user = layer.tu;
  }

  /** The method of the request that opened the transaction. */
  public SipMethod method() {
    return method;
  }

  /** The remote side: where requests go (client) or came from (server). */
  public Peer peer() {
    return peer;
  }

  /**
   * The request, parsed again from the bytes the transaction keeps: until its final response (for a
   * client transaction, until the TU has seen it).
   *
   * @throws IllegalStateException after that: the bytes are no longer kept
   */
  public SipMessage request() {
    byte[] r = request;
    if (r == null) {
      throw new IllegalStateException(
          this + ": the request is not kept after the final response (" + stateName() + ")");
    }
    return layer.parse(r);
  }

  /** Drops the request's bytes: nothing in the transaction's remaining states sends them. */
  void releaseRequest() {
    request = null;
  }

  /**
   * The layer this transaction lives in: a transaction user sends its follow-up requests (the B-leg
   * of a call, an ACK) through it, on the same event loop.
   */
  public TransactionLayer layer() {
    return layer;
  }

  /** The RFC state's name, e.g. {@code Proceeding}. */
  public abstract String stateName();

  public abstract boolean isTerminated();

  @Override
  public void sendFailed(Peer to, String reason) {
    if (isTerminated()) {
      return;
    }
    layer.counters.transportErrors.increment();
    terminate();
    user.onTransportError(this, reason);
  }

  /** Cancels the timers, enters Terminated and leaves the layer's table. */
  abstract void terminate();

  void send(byte[] message) {
    layer.sink.send(peer, message, this);
  }

  void retransmit(byte[] message) {
    layer.counters.retransmissionsOut.increment();
    send(message);
  }

  Scheduler.Scheduled schedule(Runnable task, long nanos) {
    return layer.scheduler.schedule(task, nanos);
  }

  static void cancel(Scheduler.Scheduled timer) {
    if (timer != null) {
      timer.cancel();
    }
  }

  IllegalStateException impossible(String event) {
    return new IllegalStateException(
        getClass().getSimpleName()
            + " "
            + method
            + " to/from "
            + peer
            + ": "
            + event
            + " in state "
            + stateName());
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "[" + method + " " + peer + " " + stateName() + "]";
  }
}
