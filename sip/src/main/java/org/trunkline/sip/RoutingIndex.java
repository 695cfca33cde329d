package org.trunkline.sip;

/**
 * Reads, right after the scan, what the stack routes on: the top Via and its branch, the From and
 * To tags, Call-ID, CSeq, Max-Forwards, the first Route and Content-Length. Anything else waits
 * until asked for. Duplicated single-valued routing headers are errors (RFC 4475 multi01, mcl01).
 */
final class RoutingIndex {
  private RoutingIndex() {}

  static void index(SipMessage m, ParseLimits limits) {
    byte[] b = m.buf;
    for (int i = 0; i < m.headerCount; i++) {
      HeaderName n = m.names[i];
      if (n == null) {
        continue;
      }
      if (n == HeaderName.VIA) {
        if (m.via < 0) {
          m.via = i;
        }
        m.viaCount += countValues(b, m.valueStart(i), m.valueEnd(i));
      } else if (n == HeaderName.FROM) {
        m.from = once(m, m.from, i, n);
      } else if (n == HeaderName.TO) {
        m.to = once(m, m.to, i, n);
      } else if (n == HeaderName.CALL_ID) {
        m.callId = once(m, m.callId, i, n);
      } else if (n == HeaderName.CSEQ) {
        m.cseq = once(m, m.cseq, i, n);
      } else if (n == HeaderName.MAX_FORWARDS) {
        m.maxForwardsHeader = once(m, m.maxForwardsHeader, i, n);
      } else if (n == HeaderName.CONTENT_LENGTH) {
        m.contentLengthHeader = once(m, m.contentLengthHeader, i, n);
      } else if (n == HeaderName.CONTENT_TYPE) {
        m.contentTypeHeader = once(m, m.contentTypeHeader, i, n);
      } else if (n == HeaderName.ROUTE && m.route < 0) {
        m.route = i;
      }
    }
    readVia(m, limits.maxVias());
    readCallId(m);
    readCseq(m);
    readTags(m);
    m.maxForwards = readNumber(m, m.maxForwardsHeader, 255);
    m.contentLength = readNumber(m, m.contentLengthHeader, Integer.MAX_VALUE);
    // §8.1.1: the mandatory headers; a response without them is dropped too.
    require(m, m.to, HeaderName.TO);
    require(m, m.from, HeaderName.FROM);
    require(m, m.callId, HeaderName.CALL_ID);
    require(m, m.cseq, HeaderName.CSEQ);
    require(m, m.via, HeaderName.VIA);
  }

  private static int once(SipMessage m, int seen, int i, HeaderName n) {
    if (seen >= 0) {
      m.fail(ErrorKind.DUPLICATE_HEADER, n.name(), m.headerLine(i), 1);
      return seen;
    }
    return i;
  }

  private static void require(SipMessage m, int index, HeaderName n) {
    if (index < 0) {
      m.fail(ErrorKind.MISSING_HEADER, n.name(), 0, 0);
    }
  }

  /** Values in a comma-separated header line: commas outside quoted strings and angle brackets. */
  static int countValues(byte[] b, int s, int e) {
    int n = 1;
    boolean quoted = false;
    for (int p = s; p < e; p++) {
      byte c = b[p];
      if (quoted) {
        if (c == '\\') {
          p++;
        } else if (c == '"') {
          quoted = false;
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        n++;
      }
    }
    return n;
  }

  private static void readVia(SipMessage m, int maxVias) {
    if (m.via < 0) {
      return;
    }
    if (m.viaCount > maxVias) {
      m.fail(ErrorKind.TOO_MANY_VALUES, HeaderName.VIA.name(), m.headerLine(m.via), 1);
    }
    long span = Params.find(m.buf, m.valueStart(m.via), m.valueEnd(m.via), "branch", true);
    if (span != Params.ABSENT) {
      m.branchStart = Params.start(span);
      m.branchEnd = Params.end(span);
    }
  }

  private static void readCallId(SipMessage m) {
    if (m.callId < 0) {
      return;
    }
    // callid = word [ "@" word ]
    byte[] b = m.buf;
    int s = m.valueStart(m.callId);
    int e = m.valueEnd(m.callId);
    int at = 0;
    boolean ok = e > s;
    for (int p = s; p < e && ok; p++) {
      if (b[p] == '@') {
        ok = ++at == 1 && p > s && p < e - 1;
      } else {
        ok = Chars.is(b[p], Chars.WORD);
      }
    }
    if (!ok) {
      m.fail(ErrorKind.BAD_HEADER, HeaderName.CALL_ID.name(), m.headerLine(m.callId), 1);
    }
  }

  private static void readCseq(SipMessage m) {
    if (m.cseq < 0) {
      return;
    }
    byte[] b = m.buf;
    int s = m.valueStart(m.cseq);
    int e = m.valueEnd(m.cseq);
    int p = s;
    long n = 0;
    while (p < e && Chars.isDigit(b[p]) && n <= 0x7fffffffL) {
      n = n * 10 + (b[p++] - '0');
    }
    int q = SipParser.skipLws(b, p, e);
    int ms = q;
    while (q < e && Chars.isToken(b[q])) {
      q++;
    }
    // §8.1.1.5: the sequence number is a 32-bit unsigned integer below 2**31.
    if (p == s || n > 0x7fffffffL || q == ms || q != e || ms == p) {
      // an overlarge number is bad from its first digit, anything else where the scan stopped
      m.failAt(ErrorKind.BAD_HEADER, m.cseq, n > 0x7fffffffL ? s : p);
      return;
    }
    m.cseqNumber = n;
    m.cseqMethod = SipMethod.valueOf(b, ms, q - ms);
    // §8.1.1.7 / RFC 4475 mismatch01, mismatch02; ACK and CANCEL carry the INVITE's number only.
    // RFC 4475 mismatch02 (an unknown method) allows 501 or 400; 400 keeps the rule one rule.
    if (m.request && m.method != null && !m.cseqMethod.equals(m.method)) {
      m.failAt(ErrorKind.CSEQ_METHOD_MISMATCH, m.cseq, ms);
    }
  }

  private static void readTags(SipMessage m) {
    if (m.from >= 0) {
      long t = NameAddressScan.tag(m.buf, m.valueStart(m.from), m.valueEnd(m.from));
      if (t == NameAddressScan.BAD) {
        m.fail(ErrorKind.BAD_HEADER, HeaderName.FROM.name(), m.headerLine(m.from), 1);
      } else if (t != Params.ABSENT) {
        m.fromTagStart = Params.start(t);
        m.fromTagEnd = Params.end(t);
      }
    }
    if (m.to >= 0) {
      long t = NameAddressScan.tag(m.buf, m.valueStart(m.to), m.valueEnd(m.to));
      if (t == NameAddressScan.BAD) {
        m.fail(ErrorKind.BAD_HEADER, HeaderName.TO.name(), m.headerLine(m.to), 1);
      } else if (t != Params.ABSENT) {
        m.toTagStart = Params.start(t);
        m.toTagEnd = Params.end(t);
      }
    }
  }

  /** A non-negative decimal header value not above {@code max}; -1 when absent or bad. */
  private static int readNumber(SipMessage m, int i, long max) {
    if (i < 0) {
      return -1;
    }
    byte[] b = m.buf;
    int s = m.valueStart(i);
    int e = m.valueEnd(i);
    long n = 0;
    int p = s;
    while (p < e && Chars.isDigit(b[p]) && n <= max) {
      n = n * 10 + (b[p++] - '0');
    }
    if (p == s || p != e || n > max) {
      m.failAt(ErrorKind.BAD_HEADER, i, n > max ? s : p);
      return -1;
    }
    return (int) n;
  }
}
