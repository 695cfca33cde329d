package org.trunkline.stack.transaction;

import org.trunkline.sip.SipMethod;

/**
 * The non-INVITE server transaction of RFC 3261 §17.2.2 (figure 8).
 *
 * <p>Over UDP its Completed state lives in the layer as key, response bytes and Timer J's deadline
 * ({@link CompletedTransactions}): the layer resends the response to retransmissions from there and
 * no longer holds this object, so what a TU keeps of it after the final response is its own choice.
 * Its {@link #state()} still reads Completed until Timer J and Terminated from then on.
 */
public final class ServerNonInviteTransaction extends ServerTransaction {
  /** §17.2.2 states. */
  public enum State {
    TRYING,
    PROCEEDING,
    COMPLETED,
    TERMINATED
  }

  private State state = State.TRYING;

  /** Whether the layer holds the Completed state (UDP, after the final response was sent). */
  private boolean completedInLayer;

  /** When Timer J fires, if {@link #completedInLayer}. */
  private long timerJDeadline;

  ServerNonInviteTransaction(
      TransactionLayer layer, String key, Peer peer, SipMethod method, byte[] request) {
    super(layer, key, peer, method, request);
  }

  public State state() {
    if (completedInLayer
        && state == State.COMPLETED
        && layer.scheduler.nanoTime() - timerJDeadline >= 0) {
      state = State.TERMINATED; // §17.2.2: Timer J fired (the layer dropped its entry)
    }
    return state;
  }

  @Override
  public String stateName() {
    return Messages.title(state());
  }

  @Override
  public boolean isTerminated() {
    return state() == State.TERMINATED;
  }

  @Override
  public boolean isAnswered() {
    return state == State.COMPLETED || state == State.TERMINATED;
  }

  @Override
  void onRetransmission() {
    layer.counters.retransmissionsIn.increment();
    switch (state) {
      case TRYING -> {} // §17.2.2: retransmissions in Trying are discarded
      case PROCEEDING, COMPLETED -> send(lastResponse); // §17.2.2: resend the last response
      default -> throw impossible("request retransmission");
    }
  }

  @Override
  void answer(int status, byte[] response) {
    switch (state) {
      case TRYING, PROCEEDING -> answerInTryingOrProceeding(status, response);
      default -> throw impossible("response " + status + " from the TU");
    }
  }

  private void answerInTryingOrProceeding(int status, byte[] response) {
    lastResponse = response;
    if (status < 200) {
      // §17.2.2: a provisional from the TU: Proceeding.
      state = State.PROCEEDING;
      send(response);
      return;
    }
    // §17.2.2: a final response: Completed, Timer J (64*T1 unreliable, 0 reliable).
    state = State.COMPLETED;
    cancel(answerTimer);
    answerTimer = null;
    releaseRequest();
    send(response);
    if (state != State.COMPLETED) {
      return; // the send failed at once and ended the transaction
    }
    if (peer.reliable()) {
      terminate(); // §17.2.2: Timer J is zero on a reliable transport
    } else {
      // §17.2.2: Timer J = 64*T1; the layer keeps the key and the response until then
      timerJDeadline = layer.complete(this, response);
      completedInLayer = true;
    }
  }

  @Override
  void terminate() {
    if (state() == State.TERMINATED) {
      return;
    }
    state = State.TERMINATED;
    cancel(answerTimer);
    answerTimer = null;
    if (completedInLayer) {
      layer.forgetCompleted(key, timerJDeadline); // a transport error before Timer J
    } else {
      layer.remove(this);
    }
  }
}
