package org.trunkline.stack.transaction;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.trunkline.sip.HeaderName;
import org.trunkline.sip.SipMessage;

/**
 * The requests the transaction layer writes itself: ACK for non-2xx, CANCEL (responses: {@link
 * Responses}).
 */
final class Messages {
  private Messages() {}

  /**
   * §17.1.1.3: the ACK for a non-2xx final response: Request-URI, Call-ID, From and CSeq number of
   * the INVITE, the To of the response, one Via equal to the INVITE's top Via, its Route headers.
   */
  static byte[] ackFor(SipMessage invite, SipMessage response) {
    return sameTransaction(invite, "ACK", response.header(HeaderName.TO));
  }

  /**
   * §9.1: a CANCEL: Request-URI, Call-ID, To, From and CSeq number of the INVITE, one Via equal to
   * its top Via (so it has the INVITE's branch), its Route headers.
   */
  static byte[] cancelFor(SipMessage invite) {
    return sameTransaction(invite, "CANCEL", invite.header(HeaderName.TO));
  }

  private static byte[] sameTransaction(SipMessage invite, String method, String to) {
    StringBuilder sb = new StringBuilder(512);
    sb.append(method).append(' ').append(invite.requestUriText()).append(" SIP/2.0\r\n");
    line(sb, "Via", topViaValue(invite));
    line(sb, "Max-Forwards", "70");
    for (int i = invite.indexOf(HeaderName.ROUTE);
        i >= 0;
        i = invite.indexOf(HeaderName.ROUTE, i + 1)) {
      line(sb, "Route", invite.headerValue(i));
    }
    line(sb, "From", invite.header(HeaderName.FROM));
    line(sb, "To", to);
    line(sb, "Call-ID", invite.callId());
    line(sb, "CSeq", invite.cseqNumber() + " " + method);
    sb.append("Content-Length: 0\r\n\r\n");
    return bytes(sb);
  }

  /** The first value of the first Via line, as written. */
  static String topViaValue(SipMessage m) {
    String v = m.header(HeaderName.VIA);
    if (v == null) {
      return null;
    }
    int comma = v.indexOf(',');
    return (comma < 0 ? v : v.substring(0, comma)).strip();
  }

  /** The first line of {@code message} (at most 80 characters), for error texts. */
  static String firstLine(byte[] message) {
    int end = 0;
    while (end < message.length && end < 80 && message[end] != '\r' && message[end] != '\n') {
      end++;
    }
    return new String(message, 0, end, StandardCharsets.UTF_8);
  }

  /** {@code PROCEEDING} -> {@code Proceeding}, as the RFC writes state names. */
  static String title(Enum<?> state) {
    String n = state.name();
    return n.charAt(0) + n.substring(1).toLowerCase(Locale.ROOT);
  }

  private static void line(StringBuilder sb, String name, String value) {
    if (value != null) {
      sb.append(name).append(": ").append(value).append("\r\n");
    }
  }

  private static byte[] bytes(StringBuilder sb) {
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }
}
