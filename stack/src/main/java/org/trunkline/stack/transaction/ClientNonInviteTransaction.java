package org.trunkline.stack.transaction;

import org.trunkline.sip.SipMessage;
import org.trunkline.sip.SipMethod;

/** The non-INVITE client transaction of RFC 3261 §17.1.2 (figure 6). */
public final class ClientNonInviteTransaction extends ClientTransaction {
  /** §17.1.2.2 states. */
  public enum State {
    TRYING,
    PROCEEDING,
    COMPLETED,
    TERMINATED
  }

  private State state = State.TRYING;
  private long intervalE;
  private Scheduler.Scheduled timerE;
  private Scheduler.Scheduled timerFK;

  ClientNonInviteTransaction(
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
  void start() {
    if (state != State.TRYING || timerFK != null) {
      throw impossible("start");
    }
    send(request);
    if (!peer.reliable()) {
      // §17.1.2.2: Timer E at T1 on unreliable transports.
      intervalE = layer.config.t1Nanos();
      timerE = schedule(this::timerE, intervalE);
    }
    // §17.1.2.2: Timer F at 64*T1 on every transport.
    timerFK = schedule(this::timerF, layer.config.timeoutNanos());
  }

  void timerE() {
    switch (state) {
      case TRYING -> timerEInTrying();
      case PROCEEDING -> timerEInProceeding();
      default -> throw impossible("Timer E");
    }
  }

  /** §17.1.2.2: retransmit, and double the interval up to T2. */
  private void timerEInTrying() {
    retransmit(request);
    intervalE = Math.min(2 * intervalE, layer.config.t2Nanos());
    timerE = schedule(this::timerE, intervalE);
  }

  /** §17.1.2.2: in Proceeding, retransmit every T2. */
  private void timerEInProceeding() {
    retransmit(request);
    intervalE = layer.config.t2Nanos();
    timerE = schedule(this::timerE, intervalE);
  }

  /** §17.1.2.2: Timer F fires in Trying or Proceeding: tell the TU of the timeout. */
  void timerF() {
    if (state != State.TRYING && state != State.PROCEEDING) {
      throw impossible("Timer F");
    }
    terminate();
    layer.timedOut(this);
  }

  /** §17.1.2.2: Timer K ends the Completed state. */
  void timerK() {
    if (state != State.COMPLETED) {
      throw impossible("Timer K");
    }
    terminate();
  }

  @Override
  void onResponse(SipMessage response) {
    switch (state) {
      case TRYING, PROCEEDING -> responseInTryingOrProceeding(response);
      case COMPLETED -> responseInCompleted();
      default -> throw impossible("response " + response.status());
    }
  }

  private void responseInTryingOrProceeding(SipMessage response) {
    if (response.status() < 200) {
      // §17.1.2.2: a provisional moves Trying to Proceeding and goes to the TU.
      state = State.PROCEEDING;
      user.onResponse(this, response);
      return;
    }
    // §17.1.2.2: a final response: Completed, Timer K (T4, zero on reliable transports).
    state = State.COMPLETED;
    cancel(timerE);
    cancel(timerFK);
    timerE = null;
    if (peer.reliable()) {
      terminate();
    } else {
      timerFK = schedule(this::timerK, layer.config.t4Nanos());
    }
    user.onResponse(this, response);
    releaseRequest();
  }

  /** §17.1.2.2: response retransmissions in Completed are absorbed. */
  private void responseInCompleted() {
    layer.counters.retransmissionsIn.increment();
  }

  @Override
  void terminate() {
    if (state == State.TERMINATED) {
      return;
    }
    state = State.TERMINATED;
    cancel(timerE);
    cancel(timerFK);
    timerE = timerFK = null;
    layer.remove(this);
  }
}
