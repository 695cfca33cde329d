package org.trunkline.stack;

import org.trunkline.sip.SipMessage;
import org.trunkline.stack.transaction.Peer;

/**
 * How a request sent by {@link SipClient} ended. Failure is a value: a timeout is {@code 408}, a
 * transport failure or a destination that does not resolve is {@code 503} (RFC 3261 §8.1.3.1, RFC
 * 3263 §4.3), with {@code response} null.
 *
 * @param status the final status, received or local
 * @param reason its reason phrase
 * @param response the final response received, or null when the status is local
 * @param peer the last peer tried, or null if none was found
 * @param cseq the CSeq number of the last attempt (the next request of the dialog uses more)
 * @param detail what happened, as a log line: {@code 401 from udp:127.0.0.1:5090: realm x refused
 *     the credentials of user y}, {@code timeout (tried 2 of 2: ...)}
 */
public record ClientResult(
    int status, String reason, SipMessage response, Peer peer, long cseq, String detail) {
  /** Whether a final response arrived from the far side (not a local 408/503). */
  public boolean received() {
    return response != null;
  }

  public boolean isSuccess() {
    return status >= 200 && status < 300;
  }

  @Override
  public String toString() {
    return status + " " + reason + (detail.isEmpty() ? "" : " (" + detail + ")");
  }
}
