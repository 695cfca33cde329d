package org.trunkline.stack.transaction;

import org.trunkline.sip.SipMessage;
import org.trunkline.sip.SipMethod;

/**
 * The non-INVITE client transaction of RFC 3261 §17.1.2 (figure 6).
 *
 * <p>Timers E and F are one scheduled task, armed for whichever falls due first (E on unreliable
 * transports, every T1..T2; F at 64*T1 from the start): the common case, a final response within
 * T1, then schedules and cancels one task instead of two. Timer K reuses the slot.
 */
public final class ClientNonInviteTransaction extends ClientTransaction {
  /** §17.1.2.2 states. */
  public enum State {
    TRYING,
    PROCEEDING,
    COMPLETED,
    TERMINATED
  }

  /**
   * The TU of a Completed transaction: nothing reaches it (response retransmissions are absorbed,
   * Timer K ends the transaction silently), so the real TU need not be kept for T4.
   */
  static final TransactionUser COMPLETED_USER =
      new TransactionUser() {
        @Override
        public void onRequest(ServerTransaction tx, SipMessage request) {
          throw new IllegalStateException("a client transaction got a request");
        }

        @Override
        public void onResponse(ClientTransaction tx, SipMessage response) {}

        @Override
        public void onTimeout(Transaction tx) {}

        @Override
        public void onTransportError(Transaction tx, String reason) {}
      };

  private State state = State.TRYING;
  private long intervalE;

  /** When Timer E falls due ({@link Long#MAX_VALUE} on a reliable transport). */
  private long dueE = Long.MAX_VALUE;

  /** When Timer F falls due. */
  private long dueF;

  /** The one armed timer: E or F (whichever is first) in Trying/Proceeding, K in Completed. */
  private Scheduler.Scheduled timer;

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
    if (state != State.TRYING || timer != null) {
      throw impossible("start");
    }
    long now = layer.scheduler.nanoTime();
    send(request);
    if (state == State.TERMINATED) {
      return; // the send failed at once (sendFailed): no timers for a terminated transaction
    }
    if (!peer.reliable()) {
      // §17.1.2.2: Timer E at T1 on unreliable transports.
      intervalE = layer.config.t1Nanos();
      dueE = now + intervalE;
    }
    // §17.1.2.2: Timer F at 64*T1 on every transport.
    dueF = now + layer.config.timeoutNanos();
    armEorF(now);
  }

  /** Arms the one timer for Timer E or Timer F, whichever falls due first. */
  private void armEorF(long now) {
    timer = schedule(this::timerEorF, Math.min(dueE, dueF) - now);
  }

  /**
   * The armed timer fired: Timer E if it was due first (and then Timer F too, if both were due at
   * the same time: E was scheduled first), else Timer F.
   */
  void timerEorF() {
    if (state != State.TRYING && state != State.PROCEEDING) {
      throw impossible(dueE <= dueF ? "Timer E" : "Timer F");
    }
    long now = layer.scheduler.nanoTime();
    if (dueE <= dueF) {
      timerE(now);
      if (now < dueF) {
        armEorF(now);
        return;
      }
    }
    timerF();
  }

  /** §17.1.2.2: retransmit; in Trying double the interval up to T2, in Proceeding every T2. */
  private void timerE(long now) {
    retransmit(request);
    intervalE =
        state == State.TRYING
            ? Math.min(2 * intervalE, layer.config.t2Nanos())
            : layer.config.t2Nanos();
    dueE = now + intervalE;
  }

  /** §17.1.2.2: Timer F fires in Trying or Proceeding: tell the TU of the timeout. */
  private void timerF() {
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
    cancel(timer);
    timer = null;
    if (peer.reliable()) {
      terminate();
    } else {
      timer = schedule(this::timerK, layer.config.t4Nanos());
    }
    user.onResponse(this, response);
    // Completed only absorbs response retransmissions: keep neither the request nor the TU (its
    // objects, e.g. a SipClient exchange and the response it completed with) through Timer K
    releaseRequest();
    user = COMPLETED_USER;
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
    cancel(timer);
    timer = null;
    layer.remove(this);
  }
}
