package org.trunkline.stack.transaction;

import org.trunkline.sip.SipMessage;
import org.trunkline.sip.SipMethod;

/**
 * A request we received and our answers to it (§17.2). The TU answers through {@link #respond}; see
 * {@link TransactionUser} for what it owes. Use on the layer's thread only.
 */
public abstract sealed class ServerTransaction extends Transaction
    permits ServerInviteTransaction, ServerNonInviteTransaction {
  /** The response sent last: retransmitted when the request is (null before the first one). */
  byte[] lastResponse;

  /** The answer-deadline timer, and for INVITE first the 100 Trying timer. */
  Scheduler.Scheduled answerTimer;

  /**
   * The request as the layer received it, while the layer is handing it to the TU (null otherwise):
   * an answer given in that call is built from it instead of parsing the kept bytes again.
   */
  SipMessage received;

  ServerTransaction(
      TransactionLayer layer, String key, Peer peer, SipMethod method, byte[] request) {
    super(layer, key, peer, method, request);
  }

  /**
   * Answers with a response built from the request by {@link Responses#build} (§8.2.6): Vias, From,
   * To (with {@link #toTag()} when the request had none), Call-ID, CSeq, then {@code headers}
   * ("Name: value" lines), Server and Content-Length 0.
   */
  public void respond(int status, String reason, String... headers) {
    if (request == null && received == null) {
      throw impossible("response " + status + " from the TU");
    }
    SipMessage req = parsed();
    // null: Responses writes the derived tag itself, without a String of it (a REGISTER's 401 and
    // 200); a String only when this layer marks it (see marked)
    String tag = req.toTag() == null && status > 100 && marks() ? marked(req) : null;
    answer(
        status,
        Responses.buildTagged(req, tag, status, reason, peer.address(), null, NO_BODY, headers));
  }

  private static final byte[] NO_BODY = new byte[0];

  /** Answers with a response the TU wrote whole; it must be a response to this request. */
  public void respond(byte[] response) {
    // only its status line is read (§7.2): the TU wrote it, parsing it whole again costs a parse
    // per relayed answer
    int status = Responses.statusOf(response);
    if (status < 100) {
      throw new IllegalArgumentException(
          this + ": not a response: " + Messages.firstLine(response));
    }
    answer(status, response);
  }

  /**
   * The To tag the layer puts in responses it builds: the request's, or one derived from it ({@link
   * Responses#toTag}: the same for every copy of the request, and for a CANCEL and its INVITE,
   * §9.2), after the layer's {@link TransactionLayer#tagPrefix} for an INVITE or CANCEL (a dialog
   * may follow: the peer's requests in it carry the tag back to this layer's loop).
   */
  public String toTag() {
    SipMessage req = parsed();
    return req.toTag() != null ? req.toTag() : marked(req);
  }

  /** The derived tag of {@code req} (which has none), marked when a dialog may follow. */
  private String marked(SipMessage req) {
    String derived = Responses.toTag(req);
    return marks() ? layer.tagPrefix() + derived : derived;
  }

  /** Whether this transaction's derived To tag gets the layer's prefix: a dialog may follow. */
  private boolean marks() {
    boolean dialog = SipMethod.INVITE.equals(method) || SipMethod.CANCEL.equals(method);
    return dialog && !layer.tagPrefix().isEmpty();
  }

  /** The received request while the TU is being called, else the kept bytes parsed again. */
  SipMessage parsed() {
    SipMessage m = received;
    return m != null ? m : request();
  }

  /**
   * Ends this transaction without an answer: for a request the TU decided to drop (a banned source,
   * an unknown one when policy says drop). Its retransmissions will reach the TU again as new
   * requests. Nothing is sent and nothing counted as unanswered.
   */
  public void abandon() {
    if (isAnswered()) {
      throw new IllegalStateException(this + ": cannot abandon an answered transaction");
    }
    terminate();
  }

  /** Whether a final response has been sent. */
  public abstract boolean isAnswered();

  abstract void answer(int status, byte[] response);

  /** The request came again (§17.2.3 matched it). */
  abstract void onRetransmission();

  void startAnswerTimer(long nanos) {
    answerTimer = schedule(this::answerDeadline, nanos);
  }

  /** STYLE 9: the TU did not answer in time; answer 500 and count. */
  void answerDeadline() {
    if (isAnswered() || isTerminated()) {
      return;
    }
    layer.unanswered(this);
    respond(500, "Server Internal Error");
  }
}
