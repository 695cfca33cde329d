package org.trunkline.core.trace;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.trunkline.sip.SipMessage;

/**
 * Finds retransmissions in a trace read in row order: a message seen again in the same direction
 * with the same peer over the same transport, as the same bytes, or as a request with the same
 * method, top Via branch, CSeq and Call-ID, or a response with the same status to the same branch,
 * CSeq, Call-ID and To tag. Not thread-safe: one per reading of a trace.
 */
final class Retransmissions {
  private final Map<String, Integer> seen = new HashMap<>();

  /** The row that first carried this message if it is a retransmission, else 0 (and notes it). */
  int firstRowOf(TracedMessage m, SipMessage sip, int row) {
    String where = m.direction() + " " + m.transport() + " " + m.remote() + " ";
    String bytesKey = where + "bytes " + Arrays.hashCode(m.bytes()) + " " + m.bytes().length;
    String key = null;
    if (sip.topViaBranch() != null && sip.cseqMethod() != null) {
      key =
          where
              + (sip.isRequest() ? sip.method() : Integer.toString(sip.status()))
              + " "
              + sip.topViaBranch()
              + " "
              + sip.cseqNumber()
              + " "
              + sip.cseqMethod()
              + " "
              + sip.callId()
              + (sip.isRequest() ? "" : " " + sip.toTag());
    }
    Integer first = seen.get(bytesKey);
    if (first == null && key != null) {
      first = seen.get(key);
    }
    if (first != null) {
      return first;
    }
    seen.put(bytesKey, row);
    if (key != null) {
      seen.putIfAbsent(key, row);
    }
    return 0;
  }
}
