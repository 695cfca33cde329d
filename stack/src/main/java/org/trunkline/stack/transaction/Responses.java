package org.trunkline.stack.transaction;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.trunkline.sip.HeaderName;
import org.trunkline.sip.SipMessage;
import org.trunkline.sip.SipParseException;
import org.trunkline.sip.Via;

/**
 * The one builder of the responses we write, stateless or in a server transaction (§8.2.6): the
 * Vias as they came, the top one marked with {@code received} and {@code rport} (§18.2.1, RFC
 * 3581), From, To (with {@link #toTag} when the request had none, §8.2.6.2), Call-ID and CSeq as
 * far as they parsed, the extra header lines, {@code Server: Trunkline} and {@code Content-Length:
 * 0}. Stateless and thread-safe.
 */
public final class Responses {
  /** Our Server header value (§20.35). */
  public static final String SERVER = "Trunkline";

  private Responses() {}

  /**
   * The response bytes.
   *
   * @param source where the request came from (for received/rport), or null
   * @param headers further header lines, each "Name: value" without CRLF
   */
  public static byte[] build(
      SipMessage req, int status, String reason, InetSocketAddress source, String... headers) {
    return build(req, status, reason, source, null, new byte[0], headers);
  }

  /**
   * The response bytes with a body.
   *
   * @param contentType the body's type, or null when {@code body} is empty
   */
  public static byte[] build(
      SipMessage req,
      int status,
      String reason,
      InetSocketAddress source,
      String contentType,
      byte[] body,
      String... headers) {
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
      line(sb, "To", req.toTag() == null && status > 100 ? to + ";tag=" + toTag(req) : to);
    }
    line(sb, "Call-ID", req.header(HeaderName.CALL_ID));
    line(sb, "CSeq", req.header(HeaderName.CSEQ));
    for (String h : headers) {
      sb.append(h).append("\r\n");
    }
    sb.append("Server: ").append(SERVER).append("\r\n");
    if (body.length > 0 && contentType != null) {
      sb.append("Content-Type: ").append(contentType).append("\r\n");
    }
    sb.append("Content-Length: ").append(body.length).append("\r\n\r\n");
    byte[] head = sb.toString().getBytes(StandardCharsets.UTF_8);
    if (body.length == 0) {
      return head;
    }
    byte[] out = java.util.Arrays.copyOf(head, head.length + body.length);
    System.arraycopy(body, 0, out, head.length, body.length);
    return out;
  }

  /**
   * The status code of a response's Status-Line (§7.2: {@code SIP/2.0 SP 3DIGIT SP}), or -1 when
   * {@code message} does not start with one (a request, or not SIP).
   */
  public static int statusOf(byte[] message) {
    // "SIP/2.0 " is 8 bytes, then 3 digits and a space
    if (message.length < 12 || message[7] != ' ' || message[11] != ' ') {
      return -1;
    }
    for (int i = 0; i < 7; i++) {
      if (message[i] != STATUS_LINE_START[i]) {
        return -1;
      }
    }
    int status = 0;
    for (int i = 8; i < 11; i++) {
      int d = message[i] - '0';
      if (d < 0 || d > 9) {
        return -1;
      }
      status = status * 10 + d;
    }
    return status >= 100 && status <= 699 ? status : -1;
  }

  private static final byte[] STATUS_LINE_START = "SIP/2.0".getBytes(StandardCharsets.US_ASCII);

  /**
   * The To tag of our responses to {@code req}: its own if it had one, else one that is the same
   * for every retransmission of the request, stateless or not, and for a CANCEL and its INVITE
   * (§9.2 wants their responses to carry the same tag): FNV-1a over Call-ID, From tag, top Via
   * branch and CSeq number.
   */
  public static String toTag(SipMessage req) {
    if (req.toTag() != null) {
      return req.toTag();
    }
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
    return "tl" + unsignedBase36(h);
  }

  /** {@code Long.toUnsignedString(h, 36)} without the BigInteger it makes for h < 0. */
  static String unsignedBase36(long h) {
    if (h >= 0) {
      return Long.toString(h, 36);
    }
    long q = Long.divideUnsigned(h, 36);
    return Long.toString(q, 36) + Character.forDigit((int) (h - q * 36), 36);
  }

  /** §18.2.1: {@code received} when sent-by is not the source address; RFC 3581: fill rport. */
  static String markTopVia(String v, InetSocketAddress source) {
    InetAddress ip = source == null ? null : source.getAddress();
    if (ip == null) {
      return v;
    }
    Via via;
    try {
      via = Via.parse(v);
    } catch (SipParseException e) {
      return v; // a 400 for a bad Via copies it as it came
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
        if (after == lower.length()
            || lower.charAt(after) == ';'
            || lower.charAt(after) == ' '
            || lower.charAt(after) == '\t') {
          sb.insert(after, "=" + source.getPort());
          break;
        }
      }
    }
    if (!host.equalsIgnoreCase(addr) && via.param("received") == null) {
      sb.append(";received=").append(addr);
    }
    return sb.toString();
  }

  private static void line(StringBuilder sb, String name, String value) {
    if (value != null) {
      sb.append(name).append(": ").append(value).append("\r\n");
    }
  }
}
