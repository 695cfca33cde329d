package org.trunkline.sip;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The scan reads the routing headers after its loop, from the index rows (eighth parser session),
 * instead of one call per routing line inside the loop; every routing value, error and the framing
 * must be what reading them inside the loop gave. The reference below is the scan as it was on main
 * at 70bd28f, run over random messages full of routing headers: duplicated, bad, folded, cut short,
 * and over limits small enough to be hit.
 */
class ScanAfterLoopTest {
  private static final String[] LINES = {
    "Via: SIP/2.0/UDP h;branch=z9hG4bK1",
    "Via: SIP/2.0/UDP h1, SIP/2.0/TCP h2;branch=b2",
    "v: SIP/2.0/UDP \"q,\" h;branch=x",
    "Via: a,b,c,d",
    "From: <sip:a@b>;tag=f1",
    "f: \"x\" <sip:a@b;tag=no>;tag=f2",
    "From: <sip:a@b",
    "To: <sip:c@d>",
    "t: sip:c@d;tag=t1",
    "To: \"unclosed <sip:c@d>",
    "Call-ID: abc@def",
    "i: a@b@c",
    "Call-ID: @x",
    "Call-ID: ",
    "CSeq: 1 INVITE",
    "CSeq: 2 BYE",
    "CSeq: 99999999999 INVITE",
    "CSeq: 1",
    "CSeq: x INVITE",
    "Max-Forwards: 70",
    "Max-Forwards: 256",
    "Max-Forwards: 7x",
    "Content-Length: 4",
    "l: 0",
    "Content-Length: 400",
    "Content-Length: 99999999999",
    "Content-Type: application/sdp",
    "c: text/plain",
    "Route: <sip:p1;lr>",
    "Route: <sip:p2;lr>",
    "Contact: <sip:x@y>",
    "X-Other: 1",
    "Bad Line",
    ": no name",
    "Via:\r\n SIP/2.0/UDP folded;branch=f",
    "CSeq: 3\r\n\tINVITE",
    "Subject: " + "x".repeat(90)
  };

  private static final String[] GOOD = {
    "Via: SIP/2.0/UDP g;branch=z9hG4bKg",
    "From: <sip:g@h>;tag=g1",
    "To: <sip:g@h>",
    "Call-ID: g@h",
    "CSeq: 7 INVITE"
  };

  @Test
  void theRoutingValuesAndErrorsAreWhatReadingThemInTheLoopGave() {
    Random random = new Random(61);
    int ok = 0;
    int failed = 0;
    for (int round = 0; round < 100_000; round++) {
      StringBuilder s =
          new StringBuilder(random.nextBoolean() ? "INVITE sip:a@b SIP/2.0" : "SIP/2.0 200 OK");
      s.append(random.nextInt(20) == 0 ? "\n" : "\r\n");
      if (random.nextBoolean()) {
        // the mandatory headers, good, so that some messages parse
        for (String line : GOOD) {
          s.append(line).append("\r\n");
        }
      }
      int lines = random.nextInt(16);
      for (int i = 0; i < lines; i++) {
        s.append(LINES[random.nextInt(LINES.length)]);
        s.append(random.nextInt(10) == 0 ? "\n" : "\r\n");
      }
      if (random.nextInt(8) != 0) {
        s.append("\r\n");
      }
      if (random.nextBoolean()) {
        s.append("body");
      }
      byte[] b = s.toString().getBytes(StandardCharsets.UTF_8);
      // the default limits, or limits small enough for the size, header count, line and Vias
      ParseLimits limits =
          random.nextInt(4) == 0
              ? new ParseLimits(random.nextBoolean() ? 65535 : 200, 8, 64, 3, 256)
              : ParseLimits.DEFAULT;
      boolean stream = random.nextInt(4) == 0;
      SipParser parser = new SipParser(limits);
      SipMessage actual =
          stream ? parser.parseFramed(b, 0, b.length) : parser.parseDatagram(b, 0, b.length);
      SipMessage expected = new OldScan(limits).parse(b, 0, b.length, stream);
      String text = s.toString();
      assertThat(describe(actual)).as(text).isEqualTo(describe(expected));
      if (actual.isOk()) {
        ok++;
      } else {
        failed++;
      }
    }
    assertThat(ok).isGreaterThan(1_000);
    assertThat(failed).isGreaterThan(10_000);
  }

  /** Everything the scan sets, through the accessors and the package's fields. */
  private static String describe(SipMessage m) {
    return String.join(
        " | ",
        String.valueOf(m.error()),
        String.valueOf(m.headerCount()),
        Arrays.toString(Arrays.copyOf(m.hdr, m.headerCount() * SipMessage.STRIDE)),
        m.via + " " + m.viaCount + " " + m.topViaBranch(),
        m.from + " " + m.fromTag(),
        m.to + " " + m.toTag(),
        m.callId + " " + m.callId(),
        m.cseq + " " + m.cseqNumber() + " " + m.cseqMethod(),
        m.maxForwardsHeader + " " + m.maxForwards(),
        m.contentLengthHeader + " " + m.contentLength(),
        m.contentTypeHeader + " " + m.route,
        m.bodyStart + " " + m.bodyEnd + " " + m.end);
  }

  /** SipParser's parse, scan and body framing as they were on main at 70bd28f. */
  private static final class OldScan {
    private static final long LF_BYTES = 0x0a0a0a0a0a0a0a0aL;
    private static final long COLONS = Swar.of(':');
    private static final int FAST_NAME_BYTES = 24;

    private final ParseLimits limits;

    OldScan(ParseLimits limits) {
      this.limits = limits;
    }

    SipMessage parse(byte[] b, int off, int len, boolean stream) {
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
        if (c == '\n') {
          return p + 1;
        }
        if (c == '\r' && p + 1 < end && b[p + 1] == '\n') {
          return p + 2;
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
          // the LF flags of the same words: the lowest flag of each is exact (Swar.zeros)
          long l0 = Swar.zeros(w0 ^ LF_BYTES);
          long l1 = Swar.zeros(w1 ^ LF_BYTES);
          long l2 = Swar.zeros(w2 ^ LF_BYTES);
          // Per word, the bytes before the first colon as a mask, without a branch: the lowest flag
          // of zeros() is exact, all ones when the word has no colon, and a word after the one with
          // the colon gets none (m >> 63 is -1 only while no colon has been seen).
          long m0 = Swar.below(Swar.zeros(w0 ^ COLONS));
          long m1 = Swar.below(Swar.zeros(w1 ^ COLONS)) & (m0 >> 63);
          long m2 = Swar.below(Swar.zeros(w2 ^ COLONS)) & (m1 >> 63);
          // 24 when there is no colon in the 24 bytes, as the search below returns its end
          int len = (Long.bitCount(m0) + Long.bitCount(m1) + Long.bitCount(m2)) >>> 3;
          colonAt = p + len;
          id =
              len > 0 && len < FAST_NAME_BYTES
                  ? HeaderName.lookupIdMasked(w0 & m0, w1 & m1, w2 & m2, len)
                  : 0;
          if ((l0 | l1 | l2) != 0) {
            nl = p + (SipParser.firstFlag(l0, l1, l2) >>> 3);
          } else {
            nl = SipParser.indexOfLf(b, p + FAST_NAME_BYTES, end);
          }
        } else {
          int fastEnd = Math.min(end, p + FAST_NAME_BYTES);
          colonAt = Swar.indexOfAny(b, p, fastEnd, COLONS, COLONS);
          id = colonAt > p && colonAt < fastEnd ? HeaderName.lookupId(b, p, colonAt - p) : 0;
          nl = SipParser.indexOfLf(b, p, end);
        }
        int nameEnd;
        if (id != 0) {
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
        boolean good = nameEnd > lineStart && p < end && b[p] == ':';
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
          if (nl + 1 < end && Chars.isWs(b[nl + 1])) {
            physStart = nl + 1;
            nl = SipParser.indexOfLf(b, physStart, end);
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
        // Only a routing header's value is read now; any other line's value bounds wait until
        // asked for (SipMessage.valueStart), 7 of the 13 lines of a typical INVITE.
        int routing = HeaderName.routing(id);
        if (routing != 0) {
          int vs = SipMessage.valueStart(b, colon + 1, nl);
          int ve = SipMessage.valueEnd(b, vs, nl);
          RoutingIndex.header(m, count - 1, routing, HeaderName.byId(id), vs, ve);
        }
        p = lineEnd;
      }
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
}
