package org.trunkline.stack.transaction;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.trunkline.sip.HeaderName;
import org.trunkline.sip.SipMessage;
import org.trunkline.sip.SipParseException;
import org.trunkline.sip.Via;

/** The messages the transaction layer writes itself: responses, ACK for non-2xx, CANCEL. */
final class Messages {
  private Messages() {}

  /** A response to {@code req} as §8.2.6 says; {@code toTag} is added when the request had none. */
  static byte[] response(
      SipMessage req, int status, String reason, String toTag, Peer source, String[] headers) {
    StringBuilder sb = new StringBuilder(512);
    sb.append("SIP/2.0 ").append(status).append(' ').append(reason).append("\r\n");
    boolean top = true;
    for (int i = req.indexOf(HeaderName.VIA); i >= 0; i = req.indexOf(HeaderName.VIA, i + 1)) {
      String v = req.headerValue(i);
      if (top) {
        int comma = v.indexOf(',');
        String first = comma < 0 ? v : v.substring(0, comma);
        v = markTopVia(first.strip(), source) + (comma < 0 ? "" : v.substring(comma));
        top = false;
      }
      line(sb, "Via", v);
    }
    line(sb, "From", req.header(HeaderName.FROM));
    String to = req.header(HeaderName.TO);
    if (to != null) {
      // §8.2.6.2: a tag on every response but 100 when the request had none.
      line(
          sb,
          "To",
          req.toTag() == null && status > 100 && toTag != null ? to + ";tag=" + toTag : to);
    }
    line(sb, "Call-ID", req.header(HeaderName.CALL_ID));
    line(sb, "CSeq", req.header(HeaderName.CSEQ));
    for (String h : headers) {
      sb.append(h).append("\r\n");
    }
    sb.append("Content-Length: 0\r\n\r\n");
    return bytes(sb);
  }

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

  /**
   * A To tag that is the same for every response to the same request, and for a CANCEL and its
   * INVITE (§9.2 wants their responses to carry the same tag): FNV-1a over Call-ID, From tag, top
   * Via branch and CSeq number.
   */
  static String toTag(SipMessage req) {
    long h = 0xcbf29ce484222325L;
    for (String s :
        new String[] {
          req.callId(), req.fromTag(), req.topViaBranch(), Long.toString(req.cseqNumber())
        }) {
      if (s != null) {
        for (int i = 0; i < s.length(); i++) {
          h = (h ^ s.charAt(i)) * 0x100000001b3L;
        }
      }
      h = (h ^ '|') * 0x100000001b3L;
    }
    return "tx" + Long.toUnsignedString(h, 36);
  }

  /** §18.2.1: {@code received} when sent-by is not the source address; RFC 3581: fill rport. */
  static String markTopVia(String v, Peer source) {
    InetAddress ip = source == null ? null : source.address().getAddress();
    if (ip == null) {
      return v;
    }
    Via via;
    try {
      via = Via.parse(v);
    } catch (SipParseException e) {
      return v;
    }
    String addr = ip.getHostAddress();
    String host = via.host();
    if (host.startsWith("[")) {
      host = host.substring(1, host.length() - 1);
    }
    StringBuilder sb = new StringBuilder(v);
    if ("".equals(via.param("rport"))) {
      String lower = v.toLowerCase(Locale.ROOT);
      for (int i = lower.indexOf(";rport"); i >= 0; i = lower.indexOf(";rport", i + 1)) {
        int after = i + ";rport".length();
        if (after == lower.length() || lower.charAt(after) == ';' || lower.charAt(after) == ' ') {
          sb.insert(after, "=" + source.address().getPort());
          break;
        }
      }
    }
    if (!host.equalsIgnoreCase(addr) && via.param("received") == null) {
      sb.append(";received=").append(addr);
    }
    return sb.toString();
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
