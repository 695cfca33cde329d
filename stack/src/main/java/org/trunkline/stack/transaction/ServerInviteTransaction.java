package org.trunkline.stack.transaction;

import org.trunkline.sip.SipMessage;
import org.trunkline.sip.SipMethod;

/**
 * The INVITE server transaction of RFC 3261 §17.2.1 (figure 7) with the Accepted state of RFC 6026
 * (which amends §17.2.1). In Accepted it also does the UAS core's 2xx retransmission of §13.3.1.4
 * (T1 doubling up to T2, on unreliable transports) until the ACK arrives, so that no TU has to.
 *
 * <p>Once the ACK for its 2xx has come, Accepted only absorbs copies of the INVITE, of that ACK and
 * answers a CANCEL with 200 until Timer L: the layer then keeps that as two keys without this
 * object ({@link TransactionLayer#keepAcked}), and this object, which its TU may still hold, reads
 * Timer L's deadline for its state instead of holding a timer.
 */
public final class ServerInviteTransaction extends ServerTransaction {
  /** §17.2.1 states, with RFC 6026's Accepted. */
  public enum State {
    PROCEEDING,
    COMPLETED,
    CONFIRMED,
    ACCEPTED,
    TERMINATED
  }

  private State state = State.PROCEEDING;

  /** When Timer L ends Accepted (set on entering it). */
  private long timerLDeadline;

  /** Whether the layer keeps this ACKed Accepted state without this object (see the class). */
  boolean detached;

  private boolean provisionalSent;
  private boolean acked;
  private long intervalG;

  /** Timer G in Completed; the 2xx retransmission in Accepted. */
  private Scheduler.Scheduled timerG;

  /** Timer H, I or L. */
  private Scheduler.Scheduled timerHIL;

  /**
   * The key the ACK for our 2xx is found by (Call-ID, CSeq number, From tag): made by the layer
   * when the INVITE arrives (so a 2xx does not parse the request again), dropped by a non-2xx final
   * answer; in the layer's table of ACKs while Accepted.
   */
  String ackKey;

  ServerInviteTransaction(TransactionLayer layer, String key, Peer peer, byte[] request) {
    super(layer, key, peer, SipMethod.INVITE, request);
  }

  public State state() {
    if (detached && state == State.ACCEPTED && layer.scheduler.nanoTime() - timerLDeadline >= 0) {
      return State.TERMINATED; // Timer L: the layer's entries for it have ended
    }
    return state;
  }

  /** When Timer L fires, while {@link #detached}. */
  long timerLDeadline() {
    return timerLDeadline;
  }

  /**
   * The Call-ID and CSeq number of this INVITE when Timer L ended Accepted without the ACK of our
   * 2xx (the request itself is released in Accepted); null and 0 otherwise.
   */
  private String unackedCallId;

  private long unackedCseq;

  /**
   * The Call-ID of this INVITE when it timed out because the ACK of its 2xx never came (RFC 6026
   * Timer L; §13.3.1.4 says the TU should end that session with a BYE), else null.
   */
  public String unackedCallId() {
    return unackedCallId;
  }

  /** The CSeq number of this INVITE when {@link #unackedCallId()} is not null. */
  public long unackedCseq() {
    return unackedCseq;
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
    return state != State.PROCEEDING;
  }

  /** §17.2.1: 100 Trying unless the TU answers within 200 ms; then the answer deadline. */
  void startTimers() {
    answerTimer = schedule(this::timerTrying, layer.config.trying100().toNanos());
  }

  void timerTrying() {
    if (state != State.PROCEEDING) {
      throw impossible("100 Trying timer");
    }
    if (!provisionalSent) {
      answer(100, Responses.build(request(), 100, "Trying", peer.address()));
    }
    startAnswerTimer(layer.config.inviteAnswer().toNanos() - layer.config.trying100().toNanos());
  }

  @Override
  void onRetransmission() {
    layer.counters.retransmissionsIn.increment();
    switch (state) {
      case PROCEEDING -> retransmissionInProceeding();
      case COMPLETED -> send(lastResponse); // §17.2.1: resend the final response
      case CONFIRMED, ACCEPTED -> {} // §17.2.1, RFC 6026 on §17.2.1: absorbed
      default -> throw impossible("request retransmission");
    }
  }

  /** §17.2.1: resend the most recent provisional response, if any. */
  private void retransmissionInProceeding() {
    if (lastResponse != null) {
      send(lastResponse);
    }
  }

  /** An ACK with the INVITE's branch (§17.2.3): for a non-2xx final response. */
  void onAck(SipMessage ack) {
    switch (state) {
      case COMPLETED -> ackInCompleted();
      case CONFIRMED -> layer.counters.retransmissionsIn.increment(); // §17.2.1: absorbed
      case ACCEPTED -> ackForSuccess(ack); // a peer that reused the INVITE's branch
      default -> layer.strayAck(ack, peer);
    }
  }

  /** §17.2.1: ACK in Completed: Confirmed, Timer I (T4 unreliable, 0 reliable). */
  private void ackInCompleted() {
    state = State.CONFIRMED;
    cancel(timerG);
    cancel(timerHIL);
    timerG = null;
    lastResponse = null; // §17.2.1: Confirmed only absorbs; nothing is resent any more
    if (peer.reliable()) {
      terminate();
    } else {
      timerHIL = schedule(this::timerI, layer.config.t4Nanos());
    }
  }

  /** §13.3.1.4: the ACK for our 2xx stops its retransmission and goes to the TU once. */
  void ackForSuccess(SipMessage ack) {
    if (state != State.ACCEPTED) {
      throw impossible("ACK for 2xx");
    }
    if (acked) {
      layer.counters.retransmissionsIn.increment();
      return;
    }
    acked = true;
    cancel(timerG);
    timerG = null;
    lastResponse = null; // RFC 6026: Accepted absorbs INVITE retransmissions without answering
    layer.tu.onAck(this, ack);
    if (state == State.ACCEPTED && !detached) {
      // what is left until Timer L only absorbs: the layer keeps the keys, not this object
      cancel(timerHIL);
      timerHIL = null;
      detached = true;
      layer.keepAcked(this);
    }
  }

  @Override
  void answer(int status, byte[] response) {
    switch (state()) {
      case PROCEEDING -> answerInProceeding(status, response);
      case ACCEPTED -> answerInAccepted(status, response);
      default -> throw impossible("response " + status + " from the TU");
    }
  }

  private void answerInProceeding(int status, byte[] response) {
    lastResponse = response;
    if (status < 200) {
      provisionalSent = true;
      send(response);
      return;
    }
    cancel(answerTimer);
    answerTimer = null;
    send(response);
    long t1 = layer.config.t1Nanos();
    if (status < 300) {
      // RFC 6026 on §17.2.1: a 2xx: Accepted, Timer L; §13.3.1.4: retransmit it until the ACK.
      state = State.ACCEPTED;
      layer.awaitAck(this);
      releaseRequest();
      if (!peer.reliable()) {
        intervalG = t1;
        timerG = schedule(this::retransmitSuccess, intervalG);
      }
      timerLDeadline = layer.scheduler.nanoTime() + layer.config.timeoutNanos();
      timerHIL = schedule(this::timerL, layer.config.timeoutNanos());
      return;
    }
    // §17.2.1: 300-699: Completed, Timer G (unreliable) and Timer H.
    state = State.COMPLETED;
    ackKey = null; // no 2xx, no ACK of one to find
    releaseRequest();
    if (!peer.reliable()) {
      intervalG = t1;
      timerG = schedule(this::timerG, intervalG);
    }
    timerHIL = schedule(this::timerH, layer.config.timeoutNanos());
  }

  /**
   * RFC 6026 on §17.2.1: further 2xx from the TU in Accepted are sent (e.g. its own
   * retransmissions).
   */
  private void answerInAccepted(int status, byte[] response) {
    if (status < 200 || status >= 300) {
      throw impossible("response " + status + " from the TU");
    }
    send(response);
  }

  /** §17.2.1: Timer G: resend the final response, double the interval up to T2. */
  void timerG() {
    if (state != State.COMPLETED) {
      throw impossible("Timer G");
    }
    retransmit(lastResponse);
    intervalG = Math.min(2 * intervalG, layer.config.t2Nanos());
    timerG = schedule(this::timerG, intervalG);
  }

  /** §13.3.1.4: resend the 2xx, T1 doubling up to T2, until the ACK. */
  void retransmitSuccess() {
    if (state != State.ACCEPTED || acked) {
      throw impossible("2xx retransmission timer");
    }
    retransmit(lastResponse);
    intervalG = Math.min(2 * intervalG, layer.config.t2Nanos());
    timerG = schedule(this::retransmitSuccess, intervalG);
  }

  /** §17.2.1: Timer H: the ACK never came; tell the TU. */
  void timerH() {
    if (state != State.COMPLETED) {
      throw impossible("Timer H");
    }
    terminate();
    layer.timedOut(this);
  }

  /** §17.2.1: Timer I ends the Confirmed state. */
  void timerI() {
    if (state != State.CONFIRMED) {
      throw impossible("Timer I");
    }
    terminate();
  }

  /**
   * RFC 6026 on §17.2.1: Timer L ends Accepted; §13.3.1.4: without an ACK, the TU ends the session.
   */
  void timerL() {
    if (state != State.ACCEPTED) {
      throw impossible("Timer L");
    }
    boolean wasAcked = acked;
    String key = ackKey;
    terminate();
    if (!wasAcked) {
      if (key != null) {
        // Call-ID|CSeq|From-tag: neither the number nor a tag has a '|'
        int tag = key.lastIndexOf('|');
        int cseq = key.lastIndexOf('|', tag - 1);
        unackedCallId = key.substring(0, cseq);
        unackedCseq = Long.parseLong(key, cseq + 1, tag, 10);
      }
      layer.timedOut(this);
    }
  }

  @Override
  void terminate() {
    if (state() == State.TERMINATED) {
      return;
    }
    state = State.TERMINATED;
    cancel(answerTimer);
    cancel(timerG);
    cancel(timerHIL);
    answerTimer = timerG = timerHIL = null;
    layer.remove(this);
  }
}
