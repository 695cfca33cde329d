package org.trunkline.sip;

/**
 * Finds message boundaries in a byte stream (TCP, TLS): the headers end at the first empty line,
 * then Content-Length bytes of body follow (RFC 3261 §18.3). Also recognises the RFC 5626 §3.5.1
 * keep-alive: a CRLFCRLF ping (answer it with one CRLF) and a lone CRLF pong. Stateless and
 * thread-safe; the caller keeps the buffer and calls again when more bytes arrive.
 */
public final class StreamFramer {
  /** What the bytes at the front of the buffer are. */
  public enum Kind {
    /** {@link Frame#length()} bytes are one message: hand them to {@link SipParser#parseFramed}. */
    MESSAGE,
    /** A CRLFCRLF keep-alive ping of {@link Frame#length()} bytes: consume it, answer CRLF. */
    PING,
    /** A lone CRLF (a keep-alive pong or stray line end): consume it silently. */
    PONG,
    /** Not enough bytes yet. */
    NEED_MORE,
    /** The headers or the announced body exceed {@link ParseLimits#maxMessageBytes()}. */
    TOO_LARGE,
    /** Content-Length is unreadable, so the stream cannot be framed any more. */
    BAD_FRAMING
  }

  /** A framing decision; {@code length} counts bytes from the start of the offered region. */
  public record Frame(Kind kind, int length) {
    static final Frame NEED_MORE = new Frame(Kind.NEED_MORE, 0);
    static final Frame TOO_LARGE = new Frame(Kind.TOO_LARGE, 0);
    static final Frame BAD_FRAMING = new Frame(Kind.BAD_FRAMING, 0);
  }

  private final ParseLimits limits;

  public StreamFramer(ParseLimits limits) {
    this.limits = limits;
  }

  /** Decides what the {@code len} bytes at {@code off} start with. */
  public Frame frame(byte[] b, int off, int len) {
    int end = off + len;
    if (len == 0) {
      return Frame.NEED_MORE;
    }
    if (b[off] == '\r' || b[off] == '\n') {
      return keepAlive(b, off, end);
    }
    int max = limits.maxMessageBytes();
    int headersEnd = -1;
    int scanEnd = Math.min(end, off + max);
    for (int p = off; p < scanEnd; p++) {
      if (b[p] == '\n') {
        if (p + 1 < scanEnd && b[p + 1] == '\n') {
          headersEnd = p + 2;
          break;
        }
        if (p + 2 < scanEnd && b[p + 1] == '\r' && b[p + 2] == '\n') {
          headersEnd = p + 3;
          break;
        }
      }
    }
    if (headersEnd < 0) {
      return len >= max ? Frame.TOO_LARGE : Frame.NEED_MORE;
    }
    long cl = contentLength(b, off, headersEnd);
    if (cl == -2) {
      return Frame.BAD_FRAMING;
    }
    long total = (long) (headersEnd - off) + Math.max(cl, 0);
    if (total > max) {
      return Frame.TOO_LARGE;
    }
    return total > len ? Frame.NEED_MORE : new Frame(Kind.MESSAGE, (int) total);
  }

  private static Frame keepAlive(byte[] b, int off, int end) {
    String ping = "\r\n\r\n";
    int n = 0;
    while (off + n < end && n < 4 && b[off + n] == ping.charAt(n)) {
      n++;
    }
    if (n == 4) {
      return new Frame(Kind.PING, 4);
    }
    if (off + n == end) {
      return Frame.NEED_MORE;
    }
    if (n >= 2) {
      return new Frame(Kind.PONG, 2);
    }
    // a bare LF or CR not part of CRLF: skip one byte as a stray line end
    return new Frame(Kind.PONG, 1);
  }

  /** The Content-Length in the header block, -1 if absent, -2 if unreadable or contradictory. */
  private static long contentLength(byte[] b, int s, int e) {
    long found = -1;
    int p = s;
    while (p < e) {
      int lineStart = p;
      // a logical line: LFs followed by SP/HT are folds (§7.3.1), as the parser reads them
      while (p < e && (b[p] != '\n' || (p + 1 < e && Chars.isWs(b[p + 1])))) {
        p++;
      }
      int lineEnd = p++;
      int n = lineStart;
      while (n < lineEnd && Chars.isToken(b[n])) {
        n++;
      }
      int len = n - lineStart;
      boolean isCl =
          (len == 1 && (b[lineStart] | 0x20) == 'l')
              || (len == 14 && StartLine.startsWithIgnoreCase(b, lineStart, "content-length"));
      if (!isCl) {
        continue;
      }
      int q = SipParser.skipLws(b, n, lineEnd);
      if (q >= lineEnd || b[q] != ':') {
        continue;
      }
      q = SipParser.skipLws(b, q + 1, lineEnd);
      long v = 0;
      int ds = q;
      while (q < lineEnd && Chars.isDigit(b[q]) && v < Integer.MAX_VALUE) {
        v = v * 10 + (b[q++] - '0');
      }
      q = SipParser.skipLws(b, q, lineEnd);
      if (q == ds || q != lineEnd || (found >= 0 && found != v)) {
        return -2;
      }
      found = v;
    }
    return found;
  }
}
