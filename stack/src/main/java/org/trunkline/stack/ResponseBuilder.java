package org.trunkline.stack;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.trunkline.sip.HeaderName;
import org.trunkline.sip.SipMessage;
import org.trunkline.sip.SipParseException;
import org.trunkline.sip.Via;

/**
 * Builds a response to a request as §8.2.6 says: the Vias (the top one marked with {@code received}
 * and {@code rport}, §18.2.1 and RFC 3581), From, To (with a tag, §8.2.6.2), Call-ID and CSeq
 * copied from the request, as far as they parsed. Stateless and thread-safe.
 */
final class ResponseBuilder {
  static final String SERVER = "Trunkline";

  private ResponseBuilder() {}

  /**
   * The response bytes.
   *
   * @param extra further header lines, each "Name: value" without CRLF
   */
  static byte[] build(
      SipMessage req, int status, String reason, InetSocketAddress source, List<String> extra) {
    StringBuilder sb = new StringBuilder(512);
    sb.append("SIP/2.0 ").append(status).append(' ').append(reason).append("\r\n");
    // §8.2.6.2: the Via lines as they came, the top value marked for the way back.
    boolean top = true;
    for (int i = req.indexOf(HeaderName.VIA); i >= 0; i = req.indexOf(HeaderName.VIA, i + 1)) {
      String v = req.headerValue(i);
      if (top) {
        int comma = v.indexOf(',');
        String first = comma < 0 ? v : v.substring(0, comma);
        v = markTopVia(first.strip(), source) + (comma < 0 ? "" : v.substring(comma));
        top = false;
      }
      sb.append("Via: ").append(v).append("\r\n");
    }
    String from = req.header(HeaderName.FROM);
    if (from != null) {
      sb.append("From: ").append(from).append("\r\n");
    }
    String to = req.header(HeaderName.TO);
    if (to != null) {
      sb.append("To: ").append(to);
      if (req.toTag() == null && status > 100) {
        sb.append(";tag=").append(toTag(req));
      }
      sb.append("\r\n");
    }
    String callId = req.header(HeaderName.CALL_ID);
    if (callId != null) {
      sb.append("Call-ID: ").append(callId).append("\r\n");
    }
    String cseq = req.header(HeaderName.CSEQ);
    if (cseq != null) {
      sb.append("CSeq: ").append(cseq).append("\r\n");
    }
    for (String h : extra) {
      sb.append(h).append("\r\n");
    }
    sb.append("Server: ").append(SERVER).append("\r\n");
    sb.append("Content-Length: 0\r\n\r\n");
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** §18.2.1: add received when sent-by is not the source address; RFC 3581: fill rport. */
  private static String markTopVia(String v, InetSocketAddress source) {
    if (source == null) {
      return v;
    }
    try {
      Via via = Via.parse(v);
      String ip = source.getAddress().getHostAddress();
      StringBuilder sb = new StringBuilder(v);
      String host =
          via.host().startsWith("[")
              ? via.host().substring(1, via.host().length() - 1)
              : via.host();
      if (!host.equalsIgnoreCase(ip) && via.param("received") == null) {
        sb.append(";received=").append(ip);
      }
      if ("".equals(via.param("rport"))) {
        int at = indexOfParam(sb, "rport");
        if (at >= 0) {
          sb.insert(at + ";rport".length(), "=" + source.getPort());
        }
      }
      return sb.toString();
    } catch (SipParseException e) {
      return v; // a 400 for a bad Via copies it as it came
    }
  }

  private static int indexOfParam(CharSequence s, String name) {
    String lower = s.toString().toLowerCase(java.util.Locale.ROOT);
    int i = -1;
    while ((i = lower.indexOf(";" + name, i + 1)) >= 0) {
      int after = i + 1 + name.length();
      if (after == lower.length() || lower.charAt(after) == ';' || lower.charAt(after) == ',') {
        return i;
      }
    }
    return -1;
  }

  /**
   * A To tag that is the same for every retransmission of a request we answer statelessly, so the
   * peer sees one answer (§8.2.6.2 asks for the same tag on the same request).
   */
  static String toTag(SipMessage req) {
    long h = 1125899906842597L;
    for (String s :
        new String[] {
          req.callId(), req.fromTag(), req.topViaBranch(), Long.toString(req.cseqNumber())
        }) {
      if (s != null) {
        for (int i = 0; i < s.length(); i++) {
          h = 31 * h + s.charAt(i);
        }
      }
    }
    return "tl" + Long.toUnsignedString(h ^ (h >>> 29), 36);
  }
}
