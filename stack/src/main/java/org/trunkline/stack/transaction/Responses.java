package org.trunkline.stack.transaction;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
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
 *
 * <p>A response is written as bytes into a scratch buffer of the calling thread and copied out
 * once: no StringBuilder, no String of the whole response and no second copy for its encoding (the
 * text is the same: every piece is written as its UTF-8 bytes).
 */
public final class Responses {
  /** Our Server header value (§20.35). */
  public static final String SERVER = "Trunkline";

  private static final byte[] NO_BODY = new byte[0];

  private Responses() {}

  /**
   * The response bytes.
   *
   * @param source where the request came from (for received/rport), or null
   * @param headers further header lines, each "Name: value" without CRLF
   */
  public static byte[] build(
      SipMessage req, int status, String reason, InetSocketAddress source, String... headers) {
    return build(req, status, reason, source, null, NO_BODY, headers);
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
    return buildTagged(req, null, status, reason, source, contentType, body, headers);
  }

  /**
   * As {@link #build(SipMessage, int, String, InetSocketAddress, String, byte[], String...)}, with
   * the To tag {@link #toTag} gives {@code req} already known to the caller (a B2BUA relaying
   * several answers to one INVITE), so it is not derived again per response.
   *
   * @param toTag {@code toTag(req)}, or null to derive it here
   */
  public static byte[] buildTagged(
      SipMessage req,
      String toTag,
      int status,
      String reason,
      InetSocketAddress source,
      String contentType,
      byte[] body,
      String... headers) {
    ByteText out = ByteText.scratch();
    out.ascii("SIP/2.0 ").number(status).ascii(" ").text(reason).crlf();
    boolean top = true;
    for (int i = req.indexOf(HeaderName.VIA); i >= 0; i = req.indexOf(HeaderName.VIA, i + 1)) {
      out.ascii("Via: ");
      if (top) {
        topVia(out, req, i, source);
        top = false;
      } else {
        value(out, req, i);
      }
      out.crlf();
    }
    line(out, "From: ", req, HeaderName.FROM);
    int to = req.indexOf(HeaderName.TO);
    if (to >= 0) {
      out.ascii("To: ");
      value(out, req, to);
      // §8.2.6.2: a tag on every response but 100 when the request had none.
      if (req.toTag() == null && status > 100) {
        out.ascii(";tag=");
        if (toTag != null) {
          out.ascii(toTag);
        } else {
          out.ascii("tl").unsignedBase36(tagHash(req));
        }
      }
      out.crlf();
    }
    line(out, "Call-ID: ", req, HeaderName.CALL_ID);
    line(out, "CSeq: ", req, HeaderName.CSEQ);
    for (String h : headers) {
      out.text(h).crlf();
    }
    out.ascii("Server: ").ascii(SERVER).crlf();
    if (body.length > 0 && contentType != null) {
      out.ascii("Content-Type: ").text(contentType).crlf();
    }
    out.ascii("Content-Length: ").number(body.length).crlf().crlf();
    return out.toArray(body);
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
    return "tl" + unsignedBase36(tagHash(req));
  }

  /** The hash {@link #toTag} writes in base 36 for a request without a To tag. */
  private static long tagHash(SipMessage req) {
    long h = 0xcbf29ce484222325L;
    h = fnv(h, req.callId());
    h = fnv(h, req.fromTag());
    h = fnv(h, req.topViaBranch());
    long n = req.cseqNumber();
    // the decimal digits of the CSeq number, as Long.toString writes them, without the String
    h = n >= 0 ? fnvDigits(h, n) : fnvChars(h, Long.toString(n));
    return (h ^ '|') * 0x100000001b3L;
  }

  /** FNV-1a of {@code s}'s chars (none when null), then the separator. */
  private static long fnv(long h, String s) {
    return (fnvChars(h, s) ^ '|') * 0x100000001b3L;
  }

  private static long fnvChars(long h, String s) {
    if (s != null) {
      for (int i = 0; i < s.length(); i++) {
        h = (h ^ s.charAt(i)) * 0x100000001b3L;
      }
    }
    return h;
  }

  /** FNV-1a of the decimal digits of {@code n >= 0}, most significant first. */
  private static long fnvDigits(long h, long n) {
    long div = 1;
    while (n / div >= 10) {
      div *= 10;
    }
    for (; div > 0; div /= 10) {
      h = (h ^ ('0' + (int) (n / div % 10))) * 0x100000001b3L;
    }
    return h;
  }

  /** {@code Long.toUnsignedString(h, 36)} without the BigInteger it makes for h < 0. */
  static String unsignedBase36(long h) {
    if (h >= 0) {
      return Long.toString(h, 36);
    }
    long q = Long.divideUnsigned(h, 36);
    return Long.toString(q, 36) + Character.forDigit((int) (h - q * 36), 36);
  }

  /**
   * The top Via line {@code i}, as {@link #topVia(ByteText, SipMessage, String, InetSocketAddress)}
   * writes it. A line of plain ASCII ({@link #plainBytes}) is its own text's bytes, so it is marked
   * and copied from the message's buffer without a String; any other (a fold, a byte above 0x7f, a
   * quote or angle bracket) goes through its String.
   */
  private static void topVia(ByteText out, SipMessage req, int i, InetSocketAddress source) {
    byte[] b = req.array();
    int s = req.rawValueStart(i);
    int e = req.rawValueEnd(i);
    if (!plainBytes(b, s, e)) {
      topVia(out, req, req.headerValue(i), source);
      return;
    }
    int comma = s;
    while (comma < e && b[comma] != ',') {
      comma++;
    }
    int a = s;
    int z = comma;
    while (a < z && (b[a] == ' ' || b[a] == '\t')) {
      a++;
    }
    while (z > a && (b[z - 1] == ' ' || b[z - 1] == '\t')) {
      z--;
    }
    InetAddress ip = source == null ? null : source.getAddress();
    Via via = ip == null ? null : parsedTopVia(req);
    if (via == null) {
      out.bytes(b, a, z); // no source, or a 400 for a bad Via: copied as it came
    } else {
      // the Via's parameters are made (a list, its Params and Strings) only when the bytes hold
      // one of the names looked for: a Via without rport and received, the usual, needs none
      int rportEnd = rportEnd(b, a, z);
      if (rportEnd >= 0 && !"".equals(via.param("rport"))) {
        rportEnd = -1;
      }
      if (rportEnd < 0) {
        out.bytes(b, a, z);
      } else {
        out.bytes(b, a, rportEnd).ascii("=").number(source.getPort()).bytes(b, rportEnd, z);
      }
      received(out, via, ip, mayHold(b, a, z, RECEIVED));
    }
    out.bytes(b, comma, e);
  }

  /**
   * Printable ASCII or tab without {@code " < >}: bytes that are their own UTF-8 text (no fold,
   * nothing to decode) and that {@link #simple} accepts.
   */
  private static boolean plainBytes(byte[] b, int s, int e) {
    for (int p = s; p < e; p++) {
      byte c = b[p];
      if ((c < 0x20 && c != '\t') || c >= 0x7f || c == '"' || c == '<' || c == '>') {
        return false; // a byte above 0x7f is negative, below 0x20
      }
    }
    return true;
  }

  /** The message's top Via, or null when it does not parse. */
  private static Via parsedTopVia(SipMessage req) {
    try {
      return req.topVia();
    } catch (SipParseException e) {
      return null;
    }
  }

  /**
   * Where the first {@code ;rport} (any case) in {@code b[a, z)} ends when it ends there: at {@code
   * z}, before {@code ;} or whitespace; else -1. As {@link #mark} finds it in a String.
   */
  private static int rportEnd(byte[] b, int a, int z) {
    int len = RPORT.length();
    for (int i = a; i + len <= z; i++) {
      if (nameAt(b, i, RPORT)) {
        int after = i + len;
        if (after == z || b[after] == ';' || b[after] == ' ' || b[after] == '\t') {
          return after;
        }
      }
    }
    return -1;
  }

  /**
   * Whether {@code b} holds {@code lowerName} at {@code i}, in any case (room checked by the
   * caller).
   */
  private static boolean nameAt(byte[] b, int i, String lowerName) {
    for (int k = 0; k < lowerName.length(); k++) {
      int c = b[i + k];
      if (c >= 'A' && c <= 'Z') {
        c += 'a' - 'A';
      }
      if (c != lowerName.charAt(k)) {
        return false;
      }
    }
    return true;
  }

  /**
   * The top Via line's value {@code v}: its first value marked by {@link #mark}, the rest as it
   * came. The first value is the text before the first comma, stripped.
   */
  private static void topVia(ByteText out, SipMessage req, String v, InetSocketAddress source) {
    int comma = v.indexOf(',');
    int a = 0;
    int z = comma < 0 ? v.length() : comma;
    while (a < z && Character.isWhitespace(v.charAt(a))) {
      a++;
    }
    while (z > a && Character.isWhitespace(v.charAt(z - 1))) {
      z--;
    }
    InetAddress ip = source == null ? null : source.getAddress();
    Via via = ip == null ? null : parsedTopVia(req, v, a, z);
    if (via == null) {
      out.text(v, a, z); // no source, or a 400 for a bad Via: copied as it came
    } else {
      mark(out, v, a, z, via, source, ip);
    }
    if (comma >= 0) {
      out.text(v, comma, v.length());
    }
  }

  /**
   * The Via in {@code v[a, z)}, or null when it does not parse. When the line is plain printable
   * ASCII without quotes or angle brackets, the message's own top Via (parsed by the validator, or
   * from the buffer) is exactly that text's, so it is not parsed again from a new String.
   */
  private static Via parsedTopVia(SipMessage req, String v, int a, int z) {
    try {
      return simple(v) ? req.topVia() : Via.parse(v.substring(a, z));
    } catch (SipParseException e) {
      return null;
    }
  }

  /** Printable ASCII or tab, without {@code " < >} (which change how a value splits at commas). */
  private static boolean simple(String v) {
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if ((c < 0x20 && c != '\t') || c >= 0x7f || c == '"' || c == '<' || c == '>') {
        return false;
      }
    }
    return true;
  }

  /** §18.2.1: {@code received} when sent-by is not the source address; RFC 3581: fill rport. */
  private static void mark(
      ByteText out, String v, int a, int z, Via via, InetSocketAddress source, InetAddress ip) {
    int rportEnd = -1;
    if ("".equals(via.param("rport"))) {
      // the first ";rport" (any case) that ends there: at the end, before ';' or whitespace
      for (int i = indexOfRport(v, a, z); i >= 0; i = indexOfRport(v, i + 1, z)) {
        int after = i + RPORT.length();
        if (after == z
            || v.charAt(after) == ';'
            || v.charAt(after) == ' '
            || v.charAt(after) == '\t') {
          rportEnd = after;
          break;
        }
      }
    }
    if (rportEnd < 0) {
      out.text(v, a, z);
    } else {
      out.text(v, a, rportEnd).ascii("=").number(source.getPort()).text(v, rportEnd, z);
    }
    received(out, via, ip);
  }

  /** §18.2.1: {@code ;received=} the source when the Via has none and sent-by is not it. */
  private static void received(ByteText out, Via via, InetAddress ip) {
    received(out, via, ip, true);
  }

  /**
   * As {@link #received(ByteText, Via, InetAddress)}; {@code mayHaveReceived} false when the Via's
   * text does not hold the name {@code received} at all, so it has no such parameter.
   */
  private static void received(ByteText out, Via via, InetAddress ip, boolean mayHaveReceived) {
    if ((!mayHaveReceived || via.param("received") == null) && !sentFrom(via.host(), ip)) {
      out.ascii(";received=").text(ip.getHostAddress());
    }
  }

  private static final String RECEIVED = "received";

  /**
   * Whether {@code b[a, z)} holds {@code lowerName} in any case (a parameter name is a token: its
   * bytes are its text, no escapes), so a parameter of that name may be there.
   */
  static boolean mayHold(byte[] b, int a, int z, String lowerName) {
    for (int i = a; i + lowerName.length() <= z; i++) {
      if (nameAt(b, i, lowerName)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether the Via's {@code host} is the text of {@code ip} ({@link InetAddress#getHostAddress},
   * any case, an IPv6 host without its brackets). An IPv4 source is compared by its four bytes
   * against a host in the canonical dotted form getHostAddress writes (decimal, no leading zero),
   * so the usual answer, a PBX that wrote its own address, formats no String.
   */
  static boolean sentFrom(String host, InetAddress ip) {
    if (host.startsWith("[")) {
      host = host.substring(1, host.length() - 1);
    }
    if (ip instanceof Inet4Address) {
      int v4 = canonicalIpv4(host);
      if (v4 == -1 && !"255.255.255.255".equals(host)) {
        return false; // not as getHostAddress writes an IPv4 address: never equal to it
      }
      byte[] b = ip.getAddress();
      int a = (b[0] & 0xff) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | (b[3] & 0xff);
      return a == v4;
    }
    return host.equalsIgnoreCase(ip.getHostAddress());
  }

  /**
   * The address of {@code host} as an int when it is an IPv4 address in canonical dotted-decimal
   * form (four decimals 0-255 without leading zeros), else -1 (which 255.255.255.255 also is).
   */
  static int canonicalIpv4(String host) {
    int n = host.length();
    int value = 0;
    int i = 0;
    for (int part = 0; part < 4; part++) {
      if (part > 0) {
        if (i >= n || host.charAt(i) != '.') {
          return -1;
        }
        i++;
      }
      int start = i;
      int octet = 0;
      while (i < n && i - start < 3 && host.charAt(i) >= '0' && host.charAt(i) <= '9') {
        octet = octet * 10 + (host.charAt(i) - '0');
        i++;
      }
      int digits = i - start;
      if (digits == 0 || octet > 255 || digits > 1 && host.charAt(start) == '0') {
        return -1;
      }
      value = value << 8 | octet;
    }
    return i == n ? value : -1;
  }

  private static final String RPORT = ";rport";

  /** The index of {@code ;rport} in {@code v[from, z)} ignoring case, or -1. */
  private static int indexOfRport(String v, int from, int z) {
    for (int i = from; i + RPORT.length() <= z; i++) {
      if (v.regionMatches(true, i, RPORT, 0, RPORT.length())) {
        return i;
      }
    }
    return -1;
  }

  /** The first line named {@code name}, if any, as {@code nameColon} and its value. */
  private static void line(ByteText out, String nameColon, SipMessage req, HeaderName name) {
    int i = req.indexOf(name);
    if (i >= 0) {
      out.ascii(nameColon);
      value(out, req, i);
      out.crlf();
    }
  }

  /**
   * The value of line {@code i} as {@link SipMessage#headerValue} gives it, as UTF-8: its bytes as
   * they came when they are plain ASCII (no fold, nothing to decode), else through the String.
   */
  private static void value(ByteText out, SipMessage req, int i) {
    byte[] b = req.array();
    int s = req.rawValueStart(i);
    int e = req.rawValueEnd(i);
    for (int p = s; p < e; p++) {
      byte c = b[p];
      if ((c < 0x20 && c != '\t') || c >= 0x7f) {
        out.text(req.headerValue(i));
        return;
      }
    }
    out.bytes(b, s, e);
  }
}
