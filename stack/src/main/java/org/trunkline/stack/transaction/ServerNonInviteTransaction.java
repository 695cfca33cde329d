package org.trunkline.stack.transaction;

import org.trunkline.sip.SipMethod;

/** The non-INVITE server transaction of RFC 3261 §17.2.2 (figure 8). */
public final class ServerNonInviteTransaction extends ServerTransaction {
  /** §17.2.2 states. */
  public enum State {
    TRYING,
    PROCEEDING,
    COMPLETED,
    TERMINATED
  }

  private State state = State.TRYING;
  private Scheduler.Scheduled timerJ;

  ServerNonInviteTransaction(
      TransactionLayer layer, String key, Peer peer, SipMethod method, byte[] request) {
    super(layer, key, peer, method, request);
  }

  public State state() {
    return state;
  }

  @Override
  public String stateName() {
    return Messages.title(state);
  }

  @Override
  public boolean isTerminated() {
    return state == State.TERMINATED;
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
    if (peer.reliable()) {
      terminate();
    } else {
      timerJ = schedule(this::timerJ, layer.config.timeoutNanos());
    }
  }

  /** §17.2.2: Timer J ends the Completed state. */
  void timerJ() {
    if (state != State.COMPLETED) {
      throw impossible("Timer J");
    }
    terminate();
  }

  @Override
  void terminate() {
    if (state == State.TERMINATED) {
      return;
    }
    state = State.TERMINATED;
    cancel(answerTimer);
    cancel(timerJ);
    answerTimer = timerJ = null;
    layer.remove(this);
  }
}
