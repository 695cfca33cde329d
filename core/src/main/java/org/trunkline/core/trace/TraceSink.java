package org.trunkline.core.trace;

/**
 * Where the core says which trace a Call-ID belongs to (issue 7): the A-leg and every B-leg of a
 * call to the call's id (its CDR id), the REGISTER and OPTIONS exchanges of a trunk to {@link
 * #trunk}. The messages themselves come from the stack's trace tap; the store joins the two by
 * Call-ID, so a link may arrive after the messages it links (an A-leg INVITE is captured before its
 * call exists).
 *
 * <p>Obligations: called on event loops and timer threads, so it must not block (queue, and count
 * what does not fit) and must not throw.
 */
@FunctionalInterface
public interface TraceSink {
  /** Links nothing (tracing off). */
  TraceSink NONE = (callId, correlationId) -> {};

  /** The messages with Call-ID {@code callId} belong to the trace {@code correlationId}. */
  void link(String callId, String correlationId);

  /** The correlation id of trunk {@code name}'s own trace: its REGISTER and OPTIONS exchanges. */
  static String trunk(String name) {
    return "trunk:" + name;
  }
}
