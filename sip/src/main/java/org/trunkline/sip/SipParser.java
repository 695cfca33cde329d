package org.trunkline.sip;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The scanner: frames one SIP message in a byte array, reads its start line, indexes every header
 * line and eagerly reads the routing headers. It knows bytes, not sockets: the datagram decoder and
 * the stream decoder ({@link StreamFramer}) are thin adapters around {@link #parse}.
 *
 * <p>Never throws on input: every problem becomes the message's {@link SipMessage#error()} and the
 * scan goes on, so the headers needed for an error answer are still found. Stateless and
 * thread-safe.
 */
public final class SipParser {
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long LF_BYTES = 0x0a0a0a0a0a0a0a0aL;
  private static final long COLONS = Swar.of(':');
  private static final long SPACES = Swar.of(' ');
  private static final long HIGHS = 0x8080808080808080L;
  // The longest known names are 19 bytes (P-Asserted-Identity, Authentication-Info).
  private static final int FAST_NAME_BYTES = 24;

  private final ParseLimits limits;

  public SipParser(ParseLimits limits) {
    this.limits = limits;
  }

  public SipParser() {
    this(ParseLimits.DEFAULT);
  }

  public ParseLimits limits() {
    return limits;
  }

  /**
   * Parses a datagram: one message; §18.3: Content-Length, when present, bounds the body and bytes
   * beyond it are discarded; when absent the body runs to the end of the datagram.
   */
  public SipMessage parseDatagram(byte[] b, int off, int len) {
    return parse(b, off, len, false);
  }

  /** Parses a datagram held in a whole array. */
  public SipMessage parseDatagram(byte[] b) {
    return parse(b, 0, b.length, false);
  }

  /**
   * Parses one message framed from a stream by {@link StreamFramer}: {@code len} covers exactly the
   * headers and the Content-Length body; a missing Content-Length is an error (§18.3).
   */
  public SipMessage parseFramed(byte[] b, int off, int len) {
    return parse(b, off, len, true);
  }

  private SipMessage parse(byte[] b, int off, int len, boolean stream) {
    int end = off + len;
    int p = off;
    // §7.5: CRLFs before the start line are ignored.
    while (p < end && (b[p] == '\r' || b[p] == '\n')) {
      p++;
    }
    SipMessage m = new SipMessage(b, p, end);
    if (len > limits.maxMessageBytes()) {
      m.fail(ErrorKind.MESSAGE_TOO_LARGE, null, 0, 0);
      end = Math.min(end, off + limits.maxMessageBytes());
    }
    int lineEnd = StartLine.parse(m, b, p, end, limits.maxLineLength());
    if (lineEnd < 0) {
      if (m.error == null) {
        m.fail(ErrorKind.INCOMPLETE, null, 1, 1);
      }
      m.startLineEnd = end;
      m.bodyStart = m.bodyEnd = m.end = end;
      return m;
    }
    m.startLineEnd = lineEnd;
    int bodyStart = scanHeaders(m, b, lineEnd, end);
    RoutingIndex.readMarked(m);
    RoutingIndex.finish(m, limits);
    frameBody(m, bodyStart, end, stream);
    return m;
  }

  /** Indexes header lines from {@code p}; returns where the body starts, or -1 if incomplete. */
  private int scanHeaders(SipMessage m, byte[] b, int p, int end) {
    int line = 2;
    int maxLine = limits.maxLineLength();
    int maxHeaders = limits.maxHeaders();
    // the index is written here directly (one int array, see SipMessage.STRIDE)
    int[] hdr = m.hdr;
    int count = 0;
    while (true) {
      if (p >= end) {
        m.fail(ErrorKind.INCOMPLETE, null, line, 1);
        return -1;
      }
      byte c = b[p];
      // one compare for a line that starts with a name byte (above CR; a negative byte takes it
      // too)
      if (c <= '\r') {
        if (c == '\n') {
          return p + 1;
        }
        if (c == '\r' && p + 1 < end && b[p + 1] == '\n') {
          return p + 2;
        }
      }
      int lineStart = p;
      // Fast path: a known name directly followed by its colon, found 8 bytes at a time. The
      // word-wise lookup is exact for any bytes, so a hit needs no byte-wise token check.
      int colonAt;
      // the known name's id (HeaderName.id), 0 for none
      int id;
      // The first LF from the line start. A name, the whitespace after it and its colon hold no
      // LF, so this is the LF the search from after the colon finds; searched from the line
      // start, it does not wait for the colon search and the name lookup (the processor runs the
      // two chains side by side), and the first 24 bytes are loaded once for both.
      int nl;
      if (p + FAST_NAME_BYTES <= end) {
        // The first 24 bytes as three words, loaded once: the first colon in them, then the
        // lookup compares the same words (no second load, no loop over the name's words).
        long w0 = Swar.word(b, p);
        long w1 = Swar.word(b, p + Long.BYTES);
        long w2 = Swar.word(b, p + 2 * Long.BYTES);
        // The bytes below SP or above 0x7f in the same words, by the cheaper test of indexOfLf:
        // the lowest flag is exact, and the first such byte is nearly always the line's CR.
        long l0 = ((w0 - SPACES) | w0) & HIGHS;
        long l1 = ((w1 - SPACES) | w1) & HIGHS;
        long l2 = ((w2 - SPACES) | w2) & HIGHS;
        long z0 = Swar.zeros(w0 ^ COLONS);
        int len;
        if (z0 != 0) {
          // The colon in the first word (Via, From, To, Call-ID, CSeq, Contact, Allow): the name
          // is in w0 alone, the lowest flag of zeros() is exact, and the words after it would be
          // masked to zero, so they are neither masked nor compared.
          len = Long.numberOfTrailingZeros(z0) >>> 3;
          id = len > 0 ? HeaderName.lookupIdOneWord(w0 & Swar.below(z0), len) : 0;
        } else {
          long z1 = Swar.zeros(w1 ^ COLONS);
          if (z1 != 0) {
            // in the second word (Max-Forwards, Content-Type, Content-Length, Supported,
            // User-Agent): the third is not looked at
            len = Long.BYTES + (Long.numberOfTrailingZeros(z1) >>> 3);
            id = HeaderName.lookupIdTwoWords(w0, w1 & Swar.below(z1), len);
          } else {
            // the bytes before the first colon of the third word as a mask (all ones when it has
            // none: then len is 24, as the search below returns its end)
            long m2 = Swar.below(Swar.zeros(w2 ^ COLONS));
            len = 2 * Long.BYTES + (Long.bitCount(m2) >>> 3);
            id = len < FAST_NAME_BYTES ? HeaderName.lookupIdMasked(w0, w1, w2 & m2, len) : 0;
          }
        }
        colonAt = p + len;
        if ((l0 | l1 | l2) != 0) {
          // q < p + 24 <= end; no byte before q is an LF
          int q = p + (firstFlag(l0, l1, l2) >>> 3);
          byte first = b[q];
          if (first == '\n') {
            nl = q;
          } else if (first == '\r' && q + 1 < end && b[q + 1] == '\n') {
            nl = q + 1;
          } else {
            nl = indexOfLf(b, q + 1, end);
          }
        } else {
          nl = indexOfLf(b, p + FAST_NAME_BYTES, end);
        }
      } else {
        int fastEnd = Math.min(end, p + FAST_NAME_BYTES);
        colonAt = Swar.indexOfAny(b, p, fastEnd, COLONS, COLONS);
        id = colonAt > p && colonAt < fastEnd ? HeaderName.lookupId(b, p, colonAt - p) : 0;
        nl = indexOfLf(b, p, end);
      }
      int nameEnd;
      boolean known = id != 0;
      if (known) {
        nameEnd = p = colonAt;
      } else {
        while (p < end && Chars.isToken(b[p])) {
          p++;
        }
        nameEnd = p;
        // an unknown name directly followed by the colon was looked up above already
        if (nameEnd > lineStart && nameEnd != colonAt) {
          id = HeaderName.lookupId(b, lineStart, nameEnd - lineStart);
        }
        while (p < end && Chars.isWs(b[p])) {
          p++;
        }
      }
      int colon = p;
      // a known name found by the fast path is a colon's, so it needs no second look
      boolean good = known || nameEnd > lineStart && p < end && b[p] == ':';
      int column = p - lineStart + 1;
      // The end of the logical line: an LF not followed by SP/HT (§7.3.1 folding).
      int physStart = lineStart;
      int lineNo = line;
      while (true) {
        if (nl < 0) {
          m.fail(ErrorKind.INCOMPLETE, null, line, 1);
          return -1;
        }
        if (nl - physStart > maxLine) {
          m.fail(ErrorKind.LINE_TOO_LONG, null, line, maxLine);
        }
        line++;
        // one compare for the usual next line, which starts above SP (a negative byte: HT test)
        byte next;
        if (nl + 1 < end && (next = b[nl + 1]) <= ' ' && Chars.isWs(next)) {
          physStart = nl + 1;
          nl = indexOfLf(b, physStart, end);
          continue;
        }
        break;
      }
      int lineEnd = nl + 1;
      if (!good) {
        m.fail(ErrorKind.BAD_HEADER_LINE, null, lineNo, column);
        p = lineEnd;
        continue;
      }
      if (count >= maxHeaders) {
        m.fail(ErrorKind.TOO_MANY_HEADERS, null, lineNo, 1);
        p = lineEnd;
        continue;
      }
      int o = count * SipMessage.STRIDE;
      if (o + SipMessage.STRIDE > hdr.length) {
        hdr = m.hdr = Arrays.copyOf(hdr, hdr.length * 2);
      }
      hdr[o + SipMessage.NAME_ID] = id;
      hdr[o + SipMessage.LINE_START] = lineStart;
      hdr[o + SipMessage.NAME_END] = nameEnd;
      hdr[o + SipMessage.AFTER_COLON] = colon + 1;
      hdr[o + SipMessage.LINE_END] = lineEnd;
      m.headerCount = ++count;
      // A routing header's line is only marked here; its value is read after the loop
      // (RoutingIndex.readMarked), so that the loop makes no call for a good line and keeps its
      // state in registers. Any other line's value bounds wait until asked for.
      int routing = HeaderName.routing(id);
      if (routing != 0) {
        RoutingIndex.mark(m, count - 1, routing, id);
      }
      p = lineEnd;
    }
  }

  /**
   * The bit index of the lowest flag over three consecutive words of flags (as {@link Swar#zeros}
   * gives them), at least one of them not zero, without a branch: {@code numberOfTrailingZeros} of
   * an empty word is 64, so a later word's index counts only while every earlier one is 64.
   */
  static int firstFlag(long f0, long f1, long f2) {
    int t0 = Long.numberOfTrailingZeros(f0);
    int t1 = Long.numberOfTrailingZeros(f1);
    int t2 = Long.numberOfTrailingZeros(f2);
    return t0 + (t1 & -(t0 >>> 6)) + (t2 & -((t0 & t1) >>> 6));
  }

  private static boolean isLws(byte c) {
    // one table test instead of four compares (SP, HT, CR, LF)
    return Chars.is(c, Chars.LWS);
  }

  /** Skips SP/HT and folds (CRLF SP) from {@code p} up to {@code limit}. */
  static int skipLws(byte[] b, int p, int limit) {
    while (p < limit) {
      byte c = b[p];
      if (isLws(c)) {
        p++;
      } else {
        break;
      }
    }
    return p;
  }

  /** The offset of the first LF in {@code [p, end)}, or -1. */
  static int indexOfLf(byte[] b, int p, int end) {
    // Sixteen bytes per step (SWAR, as Netty's SWARUtil, two words at a time), by the cheaper of
    // two tests: a byte below SP or above 0x7f (sub, or, and per word; LF is below SP) rather than
    // a byte equal to LF (xor, sub, and-not, and). Subtracting SP from a word borrows only out of a
    // byte below SP, which is flagged itself, so the lowest flag is exact and a step without flags
    // has no LF. In a header the first such byte is nearly always the line's CR, with its LF next;
    // any other (HT, a lone CR, UTF-8) takes the exact test from there on.
    for (; p + 2 * Long.BYTES <= end; p += 2 * Long.BYTES) {
      long w0 = (long) LONGS.get(b, p);
      long w1 = (long) LONGS.get(b, p + Long.BYTES);
      long f0 = ((w0 - SPACES) | w0) & HIGHS;
      long f1 = ((w1 - SPACES) | w1) & HIGHS;
      if ((f0 | f1) != 0) {
        int t0 = Long.numberOfTrailingZeros(f0);
        // t0 is 64 exactly when the first word has no flag: then the second word's bit, plus 64
        int q = p + ((t0 + (Long.numberOfTrailingZeros(f1) & -(t0 >>> 6))) >>> 3);
        byte c = b[q];
        if (c == '\n') {
          return q;
        }
        if (c == '\r' && q + 1 < end && b[q + 1] == '\n') {
          return q + 1;
        }
        return indexOfLfExact(b, q + 1, end);
      }
    }
    return indexOfLfExact(b, p, end);
  }

  /** {@link #indexOfLf} by the exact LF test of each word. */
  static int indexOfLfExact(byte[] b, int p, int end) {
    // Two words a step; which word holds the LF is picked without a branch
    // (numberOfTrailingZeros of an empty word is 64). Borrows can only mark bytes above a real
    // zero byte, never below it.
    for (; p + 2 * Long.BYTES <= end; p += 2 * Long.BYTES) {
      long x0 = (long) LONGS.get(b, p) ^ LF_BYTES;
      long x1 = (long) LONGS.get(b, p + Long.BYTES) ^ LF_BYTES;
      long z0 = (x0 - 0x0101010101010101L) & ~x0 & HIGHS;
      long z1 = (x1 - 0x0101010101010101L) & ~x1 & HIGHS;
      if ((z0 | z1) != 0) {
        int t0 = Long.numberOfTrailingZeros(z0);
        int t = t0 + (Long.numberOfTrailingZeros(z1) & -(t0 >>> 6));
        return p + (t >>> 3);
      }
    }
    if (p + Long.BYTES <= end) {
      long x = (long) LONGS.get(b, p) ^ LF_BYTES;
      long zeros = (x - 0x0101010101010101L) & ~x & HIGHS;
      if (zeros != 0) {
        return p + (Long.numberOfTrailingZeros(zeros) >>> 3);
      }
      p += Long.BYTES;
    }
    for (; p < end; p++) {
      if (b[p] == '\n') {
        return p;
      }
    }
    return -1;
  }

  private void frameBody(SipMessage m, int bodyStart, int end, boolean stream) {
    if (bodyStart < 0) {
      m.bodyStart = m.bodyEnd = m.end = end;
      return;
    }
    m.bodyStart = bodyStart;
    int available = end - bodyStart;
    int cl = m.contentLength;
    if (cl < 0) {
      if (stream && m.contentLengthHeader < 0) {
        m.fail(ErrorKind.MISSING_CONTENT_LENGTH, HeaderName.CONTENT_LENGTH.name(), 0, 0);
      }
      m.bodyEnd = m.end = end;
    } else if (cl > available) {
      int line = m.headerLine(m.contentLengthHeader);
      m.fail(ErrorKind.CONTENT_LENGTH_EXCEEDS_MESSAGE, HeaderName.CONTENT_LENGTH.name(), line, 1);
      m.bodyEnd = m.end = end;
    } else {
      m.bodyEnd = m.end = bodyStart + cl;
    }
  }
}
