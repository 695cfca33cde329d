package org.trunkline.sip;

/**
 * Reads the start line (RFC 3261 §7.1, §7.2): {@code Method SP Request-URI SP SIP-Version} or
 * {@code SIP-Version SP Status-Code SP Reason-Phrase}, separated by exactly one SP each (RFC 4475
 * lwsstart, trws).
 *
 * <p>The Request-URI is framed (found between the two SPs) but not checked: its grammar is checked
 * by {@link SipValidator#validate}, which a UAS runs before acting on a request. A bad Request-URI
 * therefore does not make {@link SipMessage#isOk()} false; the 505 version check stays here.
 */
final class StartLine {
  private StartLine() {}

  /** Fills the start-line fields of {@code m}; returns the offset after the line's LF, or -1. */
  static int parse(SipMessage m, byte[] b, int p, int end, int maxLine) {
    int nl = SipParser.indexOfLf(b, p, Math.min(end, p + maxLine + 1));
    if (nl < 0) {
      if (end - p > maxLine) {
        m.fail(ErrorKind.LINE_TOO_LONG, null, 1, maxLine);
      }
      return -1;
    }
    int e = nl > p && b[nl - 1] == '\r' ? nl - 1 : nl;
    if (e - p >= 4 && isSipSlash(b, p)) {
      response(m, b, p, e);
    } else {
      request(m, b, p, e);
    }
    return nl + 1;
  }

  private static void response(SipMessage m, byte[] b, int p, int e) {
    m.request = false;
    int sp = indexOf(b, p, e, (byte) ' ');
    if (sp < 0 || !isSip20(b, p, sp)) {
      m.fail(
          sp >= 0 && isVersion(b, p, sp)
              ? ErrorKind.VERSION_NOT_SUPPORTED
              : ErrorKind.BAD_STATUS_LINE,
          null,
          1,
          1);
      return;
    }
    int c = sp + 1;
    // Status-Code = 3DIGIT (RFC 4475 bigcode: more digits is not a status code)
    if (c + 3 > e
        || !Chars.isDigit(b[c])
        || !Chars.isDigit(b[c + 1])
        || !Chars.isDigit(b[c + 2])
        || (c + 3 < e && b[c + 3] != ' ')) {
      m.fail(ErrorKind.BAD_STATUS_LINE, null, 1, c - p + 1);
      return;
    }
    int code = (b[c] - '0') * 100 + (b[c + 1] - '0') * 10 + (b[c + 2] - '0');
    if (code < 100 || code > 699) {
      m.fail(ErrorKind.BAD_STATUS_LINE, null, 1, c - p + 1);
      return;
    }
    m.status = code;
    // RFC 4475 noreason: the reason phrase may be empty, with or without its SP.
    m.reasonStart = Math.min(c + 4, e);
    m.reasonEnd = e;
    for (int i = m.reasonStart; i < e; i++) {
      if ((b[i] & 0xff) < 0x20 && b[i] != '\t') {
        m.fail(ErrorKind.BAD_STATUS_LINE, null, 1, i - p + 1);
        return;
      }
    }
  }

  private static void request(SipMessage m, byte[] b, int p, int e) {
    m.request = true;
    int sp1 = p;
    // the usual known method and its SP in the line's first word: no byte walk
    SipMethod known = null;
    if (p + Long.BYTES <= b.length) {
      long spaces = Swar.zeros(Swar.word(b, p) ^ SPACES);
      if (spaces != 0) {
        // the lowest flag of zeros() is exact
        int sp = p + (Long.numberOfTrailingZeros(spaces) >>> 3);
        if (sp < e && (known = SipMethod.known(b, p, sp - p)) != null) {
          sp1 = sp;
        }
      }
    }
    while (sp1 < e && Chars.isToken(b[sp1])) {
      sp1++;
    }
    if (sp1 == p || sp1 >= e || b[sp1] != ' ') {
      m.fail(
          sp1 < e && b[sp1] != ' ' && sp1 > p ? ErrorKind.BAD_METHOD : ErrorKind.BAD_REQUEST_LINE,
          null,
          1,
          sp1 - p + 1);
      return;
    }
    m.method = known != null ? known : SipMethod.valueOf(b, p, sp1 - p);
    // the usual "... SIP/2.0": the last SP is the one before it, without the walk back
    int sp2 =
        e - 8 > sp1 && b[e - 8] == ' ' && isSip20(b, e - 7, e)
            ? e - 8
            : lastIndexOf(b, sp1 + 1, e, (byte) ' ');
    if (sp2 <= sp1 + 1 || sp2 == e - 1) {
      // no URI, or "... SIP/2.0 " (RFC 4475 trws)
      m.fail(ErrorKind.BAD_REQUEST_LINE, null, 1, sp2 <= sp1 + 1 ? sp1 - p + 2 : e - p);
      return;
    }
    if (b[sp1 + 1] == ' ' || b[sp2 - 1] == ' ') {
      // "INVITE  sip:...  SIP/2.0" (RFC 4475 lwsstart): the separator is exactly one SP
      m.fail(ErrorKind.BAD_REQUEST_LINE, null, 1, b[sp1 + 1] == ' ' ? sp1 - p + 2 : sp2 - p);
      return;
    }
    m.uriStart = sp1 + 1;
    m.uriEnd = sp2;
    if (!isSip20(b, sp2 + 1, e)) {
      m.fail(
          isVersion(b, sp2 + 1, e) ? ErrorKind.VERSION_NOT_SUPPORTED : ErrorKind.BAD_REQUEST_LINE,
          null,
          1,
          sp2 - p + 2);
    }
    // The Request-URI is only framed here; SipValidator.validate checks its grammar.
  }

  // "sip/2.0" and "sip/" as little-endian words, compared with Swar.foldCase: exact, as their
  // bytes are lower-case letters and bytes below 0x40
  private static final long SIP20 = 0x302e322f706973L;
  private static final long SPACES = Swar.of(' ');
  private static final long SIP_SLASH = 0x2f706973L;

  /** {@code SIP/2.0}, case-insensitively (§7.1: the version string is case-insensitive). */
  private static boolean isSip20(byte[] b, int s, int e) {
    if (e - s != 7) {
      return false;
    }
    return s + Long.BYTES <= b.length
        ? (Swar.foldCase(Swar.word(b, s)) & 0xffffffffffffffL) == SIP20
        : startsWithIgnoreCase(b, s, "SIP/2.0");
  }

  /** {@code SIP/} at {@code p}, case-insensitively: a status line. */
  private static boolean isSipSlash(byte[] b, int p) {
    return p + Long.BYTES <= b.length
        ? (Swar.foldCase(Swar.word(b, p)) & 0xffffffffL) == SIP_SLASH
        : startsWithIgnoreCase(b, p, "SIP/");
  }

  /** {@code SIP/1*DIGIT.1*DIGIT}: a version, maybe not ours (RFC 4475 badvers). */
  private static boolean isVersion(byte[] b, int s, int e) {
    if (e - s < 7 || !startsWithIgnoreCase(b, s, "SIP/")) {
      return false;
    }
    int dots = 0;
    for (int i = s + 4; i < e; i++) {
      if (b[i] == '.') {
        dots++;
      } else if (!Chars.isDigit(b[i])) {
        return false;
      }
    }
    return dots == 1 && Chars.isDigit(b[s + 4]) && Chars.isDigit(b[e - 1]);
  }

  /** {@code s} is an ASCII constant, so lowering its chars by ASCII is Character.toLowerCase. */
  static boolean startsWithIgnoreCase(byte[] b, int p, String s) {
    if (p + s.length() > b.length) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Chars.lower(b[p + i]) != (c >= 'A' && c <= 'Z' ? c | 0x20 : c)) {
        return false;
      }
    }
    return true;
  }

  private static int indexOf(byte[] b, int s, int e, byte c) {
    for (int i = s; i < e; i++) {
      if (b[i] == c) {
        return i;
      }
    }
    return -1;
  }

  private static int lastIndexOf(byte[] b, int s, int e, byte c) {
    for (int i = e - 1; i >= s; i--) {
      if (b[i] == c) {
        return i;
      }
    }
    return -1;
  }
}
