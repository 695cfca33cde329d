package org.trunkline.stack.transaction;

import org.trunkline.sip.SipMessage;
import org.trunkline.sip.SipMethod;

/**
 * The INVITE client transaction of RFC 3261 §17.1.1 (figure 5) with the Accepted state of RFC 6026
 * (which amends §17.1.1.2), and CANCEL per §9.1.
 */
public final class ClientInviteTransaction extends ClientTransaction {
  /** §17.1.1.2 states, with RFC 6026's Accepted. */
  public enum State {
    CALLING,
    PROCEEDING,
    COMPLETED,
    ACCEPTED,
    TERMINATED
  }

  private State state = State.CALLING;

  /** When Timer M ends Accepted (set on entering it). */
  private long timerMDeadline;

  /** Whether the layer keeps this Accepted state without this object ({@link #ackEach2xx}). */
  boolean detached;

  private long intervalA;
  private Scheduler.Scheduled timerA;

  /** Timer B in Calling (and after a CANCEL, §9.1), then D or M. */
  private Scheduler.Scheduled timerBDM;

  /** The ACK for a non-2xx final response, resent when that response is (§17.1.1.2). */
  private byte[] ack;

  private boolean cancelWanted;
  private boolean cancelSent;

  ClientInviteTransaction(TransactionLayer layer, String key, Peer peer, byte[] request) {
    super(layer, key, peer, SipMethod.INVITE, request);
  }

  public State state() {
    if (detached && state == State.ACCEPTED && layer.scheduler.nanoTime() - timerMDeadline >= 0) {
      return State.TERMINATED; // Timer M: the layer's entry for it has ended
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

  /** When Timer M fires, once Accepted. */
  long timerMDeadline() {
    return timerMDeadline;
  }

  /**
   * The TU is done with this Accepted INVITE (e.g. its call ended): until Timer M every copy of the
   * 2xx gets {@code ack} sent to {@code to} again (RFC 6026 on §17.1.1.2: the TU ACKs each 2xx,
   * §13.2.2.4), other responses are absorbed, and nothing reaches a TU any more. The layer keeps
   * only the key, {@code ack} and {@code to}, not this transaction (nor an owner object): what an
   * ended call leaves for 32 s. This object reads Timer M's deadline for its state from then on.
   *
   * @throws IllegalStateException unless Accepted
   */
  public void ackEach2xx(byte[] ack, Peer to) {
    java.util.Objects.requireNonNull(ack, "ack");
    java.util.Objects.requireNonNull(to, "to");
    if (state() != State.ACCEPTED || detached) {
      throw impossible("hand-over of the ACK for each 2xx");
    }
    cancel(timerBDM);
    timerBDM = null;
    detached = true;
    user = ClientNonInviteTransaction.COMPLETED_USER;
    layer.keepAccepted(this, ack, to, timerMDeadline);
  }

  /**
   * Cancels the INVITE (§9.1): the CANCEL goes out at once when a provisional response has come,
   * else when the first one comes. Returns false when it is too late (a final response came).
   */
  public boolean cancel() {
    switch (state) {
      case CALLING -> {
        // §9.1: no CANCEL before a provisional response; send it when one arrives.
        cancelWanted = true;
        return true;
      }
      case PROCEEDING -> {
        // One CANCEL per INVITE: a TU may ask again (e.g. on a retransmitted 180), the CANCEL's own
        // transaction retransmits it.
        cancelWanted = true;
        if (!cancelSent) {
          sendCancel();
        }
        return true;
      }
      default -> {
        return false;
      }
    }
  }

  @Override
  void start() {
    if (state != State.CALLING || timerBDM != null) {
      throw impossible("start");
    }
    send(request);
    if (!peer.reliable()) {
      // §17.1.1.2: Timer A at T1 on unreliable transports.
      intervalA = layer.config.t1Nanos();
      timerA = schedule(this::timerA, intervalA);
    }
    // §17.1.1.2: Timer B at 64*T1.
    timerBDM = schedule(this::timerB, layer.config.timeoutNanos());
  }

  /** §17.1.1.2: Timer A fires in Calling: retransmit, double the interval. */
  void timerA() {
    if (state != State.CALLING) {
      throw impossible("Timer A");
    }
    retransmit(request);
    intervalA *= 2;
    timerA = schedule(this::timerA, intervalA);
  }

  /** §17.1.1.2: Timer B fires in Calling; §9.1: or 64*T1 after a CANCEL without a final answer. */
  void timerB() {
    if (state != State.CALLING && !(state == State.PROCEEDING && cancelSent)) {
      throw impossible("Timer B");
    }
    terminate();
    layer.timedOut(this);
  }

  /** §17.1.1.2: Timer D ends the Completed state. */
  void timerD() {
    if (state != State.COMPLETED) {
      throw impossible("Timer D");
    }
    terminate();
  }

  /** RFC 6026 on §17.1.1.2: Timer M ends the Accepted state. */
  void timerM() {
    if (state != State.ACCEPTED) {
      throw impossible("Timer M");
    }
    terminate();
  }

  @Override
  void onResponse(SipMessage response) {
    switch (state()) {
      case CALLING, PROCEEDING -> responseInCallingOrProceeding(response);
      case COMPLETED -> responseInCompleted(response);
      case ACCEPTED -> responseInAccepted(response);
      default -> throw impossible("response " + response.status());
    }
  }

  private void responseInCallingOrProceeding(SipMessage response) {
    int status = response.status();
    cancel(timerA);
    timerA = null;
    if (status < 200) {
      // §17.1.1.2: Proceeding; no more retransmissions, and Timer B no longer applies.
      if (state == State.CALLING) {
        state = State.PROCEEDING;
        cancel(timerBDM);
        timerBDM = null;
      }
      user.onResponse(this, response);
      if (cancelWanted && !cancelSent && state == State.PROCEEDING) {
        sendCancel();
      }
      return;
    }
    cancel(timerBDM);
    if (status < 300) {
      // RFC 6026 on §17.1.1.2: a 2xx moves to Accepted; the TU ACKs it, Timer M absorbs the rest.
      state = State.ACCEPTED;
      timerMDeadline = layer.scheduler.nanoTime() + layer.config.timeoutNanos();
      timerBDM = schedule(this::timerM, layer.config.timeoutNanos());
      user.onResponse(this, response);
      releaseRequest();
      return;
    }
    // §17.1.1.2: 300-699: ACK it, Completed, Timer D (>= 32 s unreliable, 0 reliable).
    state = State.COMPLETED;
    ack = Messages.ackFor(request(), response);
    send(ack);
    if (peer.reliable()) {
      terminate();
    } else {
      timerBDM = schedule(this::timerD, TransactionConfig.TIMER_D_NANOS);
    }
    user.onResponse(this, response);
    releaseRequest();
  }

  /** §17.1.1.2: a retransmitted final response in Completed gets the ACK again, not the TU. */
  private void responseInCompleted(SipMessage response) {
    layer.counters.retransmissionsIn.increment();
    if (response.status() >= 300) {
      send(ack);
    }
  }

  /**
   * RFC 6026 on §17.1.1.2: 2xx in Accepted goes to the TU (it re-ACKs); anything else is absorbed.
   */
  private void responseInAccepted(SipMessage response) {
    int status = response.status();
    if (status >= 200 && status < 300) {
      layer.counters.retransmissionsIn.increment();
      user.onResponse(this, response);
    }
  }

  /** §9.1: CANCEL from the INVITE; if no final answer in 64*T1, give up (Timer B again). */
  private void sendCancel() {
    cancelSent = true;
    layer.sendRequest(Messages.cancelFor(request()), peer);
    timerBDM = schedule(this::timerB, layer.config.timeoutNanos());
  }

  @Override
  void terminate() {
    if (state() == State.TERMINATED) {
      return;
    }
    state = State.TERMINATED;
    cancel(timerA);
    cancel(timerBDM);
    timerA = timerBDM = null;
    ack = null;
    layer.remove(this);
  }
}
