package org.trunkline.sip;

/**
 * Reads, during the scan (one pass: {@link SipParser} calls {@link #header} for each indexed line),
 * what the stack routes on: the top Via and its branch, the From and To tags, Call-ID, CSeq,
 * Max-Forwards, the first Route and Content-Length. Anything else waits until asked for. Duplicated
 * single-valued routing headers are errors (RFC 4475 multi01, mcl01).
 */
final class RoutingIndex {
  // HeaderName.routing: which routing header a known name is (0: none).
  static final byte VIA = 1;
  static final byte FROM = 2;
  static final byte TO = 3;
  static final byte CALL_ID = 4;
  static final byte CSEQ = 5;
  static final byte MAX_FORWARDS = 6;
  static final byte CONTENT_LENGTH = 7;
  static final byte CONTENT_TYPE = 8;
  static final byte ROUTE = 9;

  // Ranks of the deferred errors: the order in which the former separate pass after the scan
  // reported them (duplicates in line order first, then the reads in this order).
  private static final int RANK_DUPLICATE = 0;
  private static final int RANK_VIA_COUNT = 1;
  private static final int RANK_CALL_ID = 2;
  private static final int RANK_CSEQ = 3;
  private static final int RANK_FROM = 4;
  private static final int RANK_TO = 5;
  private static final int RANK_MAX_FORWARDS = 6;
  private static final int RANK_CONTENT_LENGTH = 7;

  private RoutingIndex() {}

  /**
   * Reads header line {@code i} if it is a routing header ({@code routing}, a constant above, is
   * {@code n}'s), in the scan loop while the line is in cache (one pass). A problem found here is
   * deferred ({@link SipMessage#defer}) so that errors of the scan itself, on later lines, still
   * come first; {@link #finish} reports it.
   */
  static void header(SipMessage m, int i, int routing, HeaderName n, int s, int e) {
    // Kept under C2's inlining size for a hot call (FreqInlineSize, 325 bytecodes), so that the
    // dispatch is part of the scan loop and each routing line costs one call, not two: the work of
    // each case is in a method of its own.
    switch (routing) {
      case VIA -> via(m, i, s, e);
      case FROM -> {
        if (once(m, m.from, i, n)) {
          m.from = i;
          fromTo(m, i, n, s, e, false);
        }
      }
      case TO -> {
        if (once(m, m.to, i, n)) {
          m.to = i;
          fromTo(m, i, n, s, e, true);
        }
      }
      case CALL_ID -> {
        if (once(m, m.callId, i, n)) {
          m.callId = i;
          readCallId(m, s, e);
        }
      }
      case CSEQ -> {
        if (once(m, m.cseq, i, n)) {
          m.cseq = i;
          readCseq(m, s, e);
        }
      }
      case MAX_FORWARDS -> {
        if (once(m, m.maxForwardsHeader, i, n)) {
          m.maxForwardsHeader = i;
          m.maxForwards = readNumber(m, i, s, e, 255, RANK_MAX_FORWARDS);
        }
      }
      case CONTENT_LENGTH -> {
        if (once(m, m.contentLengthHeader, i, n)) {
          m.contentLengthHeader = i;
          m.contentLength = readNumber(m, i, s, e, Integer.MAX_VALUE, RANK_CONTENT_LENGTH);
        }
      }
      case CONTENT_TYPE -> {
        if (once(m, m.contentTypeHeader, i, n)) {
          m.contentTypeHeader = i;
        }
      }
      case ROUTE -> {
        if (m.route < 0) {
          m.route = i;
        }
      }
      default -> {}
    }
  }

  /**
   * Marks header line {@code i} if it is a routing header ({@code routing}, a constant above, is
   * that of the name with {@link HeaderName#id} {@code id}), in the scan loop: the duplicate checks
   * and the line indexes only, so that the loop makes no call for a line; {@link #readMarked} reads
   * the values after the loop. A Via line after the first has its values counted here, as nothing
   * else keeps it.
   */
  static void mark(SipMessage m, int i, int routing, int id) {
    switch (routing) {
      case VIA -> {
        if (m.via < 0) {
          m.via = i;
        } else {
          m.viaCount += countValues(m.buf, m.valueStart(i), m.valueEnd(i));
        }
      }
      case FROM -> {
        if (once(m, m.from, i, id)) {
          m.from = i;
        }
      }
      case TO -> {
        if (once(m, m.to, i, id)) {
          m.to = i;
        }
      }
      case CALL_ID -> {
        if (once(m, m.callId, i, id)) {
          m.callId = i;
        }
      }
      case CSEQ -> {
        if (once(m, m.cseq, i, id)) {
          m.cseq = i;
        }
      }
      case MAX_FORWARDS -> {
        if (once(m, m.maxForwardsHeader, i, id)) {
          m.maxForwardsHeader = i;
        }
      }
      case CONTENT_LENGTH -> {
        if (once(m, m.contentLengthHeader, i, id)) {
          m.contentLengthHeader = i;
        }
      }
      case CONTENT_TYPE -> {
        if (once(m, m.contentTypeHeader, i, id)) {
          m.contentTypeHeader = i;
        }
      }
      case ROUTE -> {
        if (m.route < 0) {
          m.route = i;
        }
      }
      default -> {}
    }
  }

  /**
   * After the scan loop: reads the values of the lines {@link #mark} kept, as {@link #header} reads
   * them. Every problem found is deferred by rank, so reading here rather than in the loop reports
   * the same error.
   */
  static void readMarked(SipMessage m) {
    int i;
    if ((i = m.via) >= 0) {
      m.viaCount += topVia(m, m.valueStart(i), m.valueEnd(i));
    }
    if ((i = m.from) >= 0) {
      fromTo(m, i, HeaderName.FROM, m.valueStart(i), m.valueEnd(i), false);
    }
    if ((i = m.to) >= 0) {
      fromTo(m, i, HeaderName.TO, m.valueStart(i), m.valueEnd(i), true);
    }
    if ((i = m.callId) >= 0) {
      readCallId(m, m.valueStart(i), m.valueEnd(i));
    }
    if ((i = m.cseq) >= 0) {
      readCseq(m, m.valueStart(i), m.valueEnd(i));
    }
    if ((i = m.maxForwardsHeader) >= 0) {
      m.maxForwards = readNumber(m, i, m.valueStart(i), m.valueEnd(i), 255, RANK_MAX_FORWARDS);
    }
    if ((i = m.contentLengthHeader) >= 0) {
      m.contentLength =
          readNumber(m, i, m.valueStart(i), m.valueEnd(i), Integer.MAX_VALUE, RANK_CONTENT_LENGTH);
    }
  }

  private static boolean once(SipMessage m, int seen, int i, int id) {
    if (seen >= 0) {
      m.defer(
          RANK_DUPLICATE,
          ErrorKind.DUPLICATE_HEADER,
          HeaderName.byId(id).name(),
          m.headerLine(i),
          1);
      return false;
    }
    return true;
  }

  /** A Via line: the top one's branch and values, or a later one's values. */
  private static void via(SipMessage m, int i, int s, int e) {
    if (m.via < 0) {
      m.via = i;
      m.viaCount += topVia(m, s, e);
    } else {
      m.viaCount += countValues(m.buf, s, e);
    }
  }

  /** The tag of the From ({@code to} false) or To line {@code i}, value {@code [s, e)}. */
  private static void fromTo(SipMessage m, int i, HeaderName n, int s, int e, boolean to) {
    long t = NameAddressScan.tag(m.buf, s, e);
    if (t == NameAddressScan.BAD) {
      m.defer(to ? RANK_TO : RANK_FROM, ErrorKind.BAD_HEADER, n.name(), m.headerLine(i), 1);
    } else if (t != Params.ABSENT) {
      if (to) {
        m.toTagStart = Params.start(t);
        m.toTagEnd = Params.end(t);
      } else {
        m.fromTagStart = Params.start(t);
        m.fromTagEnd = Params.end(t);
      }
    }
  }

  /** After the scan: the Via count limit, the deferred error, then the mandatory headers. */
  static void finish(SipMessage m, ParseLimits limits) {
    if (m.via >= 0 && m.viaCount > limits.maxVias()) {
      m.defer(
          RANK_VIA_COUNT, ErrorKind.TOO_MANY_VALUES, HeaderName.VIA.name(), m.headerLine(m.via), 1);
    }
    if (m.deferred != null) {
      m.fail(m.deferred);
    }
    // §8.1.1: the mandatory headers; a response without them is dropped too.
    require(m, m.to, HeaderName.TO);
    require(m, m.from, HeaderName.FROM);
    require(m, m.callId, HeaderName.CALL_ID);
    require(m, m.cseq, HeaderName.CSEQ);
    require(m, m.via, HeaderName.VIA);
  }

  /** Whether line {@code i} is the first of single-valued header {@code n}; defers if not. */
  private static boolean once(SipMessage m, int seen, int i, HeaderName n) {
    if (seen >= 0) {
      m.defer(RANK_DUPLICATE, ErrorKind.DUPLICATE_HEADER, n.name(), m.headerLine(i), 1);
      return false;
    }
    return true;
  }

  private static void require(SipMessage m, int index, HeaderName n) {
    if (index < 0) {
      m.fail(ErrorKind.MISSING_HEADER, n.name(), 0, 0);
    }
  }

  /**
   * The top Via line in one walk: its values as {@link #countValues} counts them, and the branch of
   * its first value as {@link Params#find} finds it (the first {@code ;branch} outside quotes
   * before the first comma). Both follow the same quote rule over the same bytes, so one loop gives
   * both.
   */
  private static int topVia(SipMessage m, int s, int e) {
    byte[] b = m.buf;
    int n = 1;
    boolean searching = true;
    int p = s;
    while (true) {
      p =
          searching
              ? Swar.indexOfAny(b, p, e, Params.QUOTES, Params.COMMAS, Params.SEMIS)
              : Swar.indexOfAny(b, p, e, Params.QUOTES, Params.COMMAS);
      if (p >= e) {
        return n;
      }
      byte c = b[p];
      if (c == '"') {
        // an unclosed quote runs to the end of the line: no comma after it counts
        p = Params.skipQuoted(b, p, e);
        if (p < 0) {
          return n;
        }
        continue;
      }
      if (c == ',') {
        n++;
        searching = false;
      } else {
        long span = Params.paramAt(b, p, e, Params.BRANCH);
        if (span != Params.ABSENT) {
          // Params.find stops at the named parameter, and finds nothing if its quote is unclosed
          if (span != Params.UNTERMINATED) {
            m.branchStart = Params.start(span);
            m.branchEnd = Params.end(span);
          }
          searching = false;
        }
      }
      p++;
    }
  }

  /** Values in a comma-separated header line: commas outside quoted strings. */
  static int countValues(byte[] b, int s, int e) {
    int n = 1;
    int p = s;
    while (true) {
      p = Swar.indexOfAny(b, p, e, Params.QUOTES, Params.COMMAS);
      if (p >= e) {
        return n;
      }
      if (b[p] == '"') {
        p = Params.skipQuoted(b, p, e);
        if (p < 0) {
          return n;
        }
      } else {
        n++;
        p++;
      }
    }
  }

  /** The Call-ID value {@code [s, e)} of line {@code m.callId}: callid = word [ "@" word ]. */
  private static void readCallId(SipMessage m, int s, int e) {
    if (!isCallId(m.buf, s, e)) {
      m.defer(
          RANK_CALL_ID, ErrorKind.BAD_HEADER, HeaderName.CALL_ID.name(), m.headerLine(m.callId), 1);
    }
  }

  /**
   * Whether {@code [s, e)} is {@code word [ "@" word ]}: every byte a word byte or {@code @} (one
   * table test a byte, no early exit: the loop has no branch but its own), then at most one
   * {@code @}, neither first nor last, found 8 bytes at a time.
   */
  static boolean isCallId(byte[] b, int s, int e) {
    // the usual Call-ID (hex, '-', '.', '@', a host) is decided 8 bytes at a time, in one pass
    int common = Swar.commonCallId(b, s, e);
    if (common >= 0) {
      return common == Swar.CALL_ID_WORD
          || (common == Swar.CALL_ID_ONE_AT && b[s] != '@' && b[e - 1] != '@');
    }
    return isCallIdExact(b, s, e);
  }

  /** {@link #isCallId} byte by byte: the test of any value the one-pass test does not decide. */
  static boolean isCallIdExact(byte[] b, int s, int e) {
    if (e <= s || !Chars.all(b, s, e, Chars.WORD_OR_AT)) {
      return false;
    }
    int at = Swar.indexOfAny(b, s, e, ATS, ATS);
    if (at == e) {
      return true;
    }
    return at > s && at < e - 1 && Swar.indexOfAny(b, at + 1, e, ATS, ATS) == e;
  }

  private static final long ATS = Swar.of('@');

  private static void readCseq(SipMessage m, int s, int e) {
    byte[] b = m.buf;
    int p = s;
    long n = 0;
    while (p < e && Chars.isDigit(b[p]) && n <= 0x7fffffffL) {
      n = n * 10 + (b[p++] - '0');
    }
    int q = SipParser.skipLws(b, p, e);
    int ms = q;
    // the usual rest of the value, a known method name, is a token to the end: no byte walk
    SipMethod known = SipMethod.known(b, ms, e - ms);
    if (known != null) {
      q = e;
    }
    while (q < e && Chars.isToken(b[q])) {
      q++;
    }
    // §8.1.1.5: the sequence number is a 32-bit unsigned integer below 2**31.
    if (p == s || n > 0x7fffffffL || q == ms || q != e || ms == p) {
      // an overlarge number is bad from its first digit, anything else where the scan stopped
      m.deferAt(RANK_CSEQ, ErrorKind.BAD_HEADER, m.cseq, n > 0x7fffffffL ? s : p);
      return;
    }
    m.cseqNumber = n;
    m.cseqMethod = known != null ? known : SipMethod.valueOf(b, ms, q - ms);
    // §8.1.1.7 / RFC 4475 mismatch01, mismatch02; ACK and CANCEL carry the INVITE's number only.
    // RFC 4475 mismatch02 (an unknown method) allows 501 or 400; 400 keeps the rule one rule.
    if (m.request && m.method != null && !m.cseqMethod.equals(m.method)) {
      m.deferAt(RANK_CSEQ, ErrorKind.CSEQ_METHOD_MISMATCH, m.cseq, ms);
    }
  }

  /** A non-negative decimal header value not above {@code max}; -1 when absent or bad. */
  private static int readNumber(SipMessage m, int i, int s, int e, long max, int rank) {
    byte[] b = m.buf;
    long n = 0;
    int p = s;
    while (p < e && Chars.isDigit(b[p]) && n <= max) {
      n = n * 10 + (b[p++] - '0');
    }
    if (p == s || p != e || n > max) {
      m.deferAt(rank, ErrorKind.BAD_HEADER, i, n > max ? s : p);
      return -1;
    }
    return (int) n;
  }
}
