package org.trunkline.core.call;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The text of a request a call writes, as its UTF-8 bytes, in a buffer its event loop reuses: the
 * request costs one array of its exact size ({@link #finish}) instead of a StringBuilder, the
 * String of it, that String's bytes and a copy with the body (issue 6: a call's INVITE, ACK and BYE
 * were a fifth of what the event loops allocated per call). The bytes are the ones {@code
 * StringBuilder.toString().getBytes(UTF_8)} gives for the same appends, {@code null} included.
 *
 * <p>Used by one thread from {@link #begin} to {@link #finish}. A request begun while another is
 * unfinished on the same thread (or one given up without {@link #finish}) gets a buffer of its own.
 */
final class RequestText {
  private static final ThreadLocal<RequestText> SCRATCH = ThreadLocal.withInitial(RequestText::new);

  /** A buffer grown past this by one large request is not kept. */
  private static final int KEEP = 16 * 1024;

  private byte[] buf = new byte[1024];
  private int n;
  private boolean busy;

  private RequestText() {}

  /** An empty text on this thread's buffer. */
  static RequestText begin() {
    RequestText t = SCRATCH.get();
    if (t.busy) {
      // nested, or the last one was never finished: this one gets (and keeps) a buffer of its own
      t = new RequestText();
      SCRATCH.set(t);
    } else if (t.buf.length > KEEP) {
      t.buf = new byte[1024];
    }
    t.busy = true;
    t.n = 0;
    return t;
  }

  /** {@code s} as UTF-8; {@code "null"} for null, as StringBuilder does. */
  RequestText append(String s) {
    if (s == null) {
      s = "null";
    }
    int len = s.length();
    room(len);
    for (int i = 0; i < len; i++) {
      char c = s.charAt(i);
      if (c >= 0x80) {
        n -= i; // undo, and encode the whole string as String.getBytes does (surrogates, ...)
        return bytes(s.getBytes(StandardCharsets.UTF_8));
      }
      buf[n++] = (byte) c;
    }
    return this;
  }

  RequestText append(char c) {
    if (c >= 0x80) {
      return append(String.valueOf(c));
    }
    room(1);
    buf[n++] = (byte) c;
    return this;
  }

  /** A decimal number, as Long.toString writes it. */
  RequestText append(long v) {
    if (v < 0) {
      return append(Long.toString(v));
    }
    int digits = 1;
    for (long d = v; d >= 10; d /= 10) {
      digits++;
    }
    room(digits);
    for (int i = n + digits - 1; i >= n; i--) {
      buf[i] = (byte) ('0' + v % 10);
      v /= 10;
    }
    n += digits;
    return this;
  }

  /**
   * Ends the headers (Content-Type when there is a body and a type, Content-Length) and returns the
   * request with {@code body}; the buffer is free again.
   */
  byte[] finish(String contentType, byte[] body) {
    if (body.length > 0 && contentType != null) {
      append("Content-Type: ").append(contentType).append("\r\n");
    }
    append("Content-Length: ").append(body.length).append("\r\n\r\n");
    byte[] out = Arrays.copyOf(buf, n + body.length);
    System.arraycopy(body, 0, out, n, body.length);
    busy = false;
    return out;
  }

  /** The text so far (for tests and debugging). */
  @Override
  public String toString() {
    return new String(buf, 0, n, StandardCharsets.UTF_8);
  }

  private RequestText bytes(byte[] b) {
    room(b.length);
    System.arraycopy(b, 0, buf, n, b.length);
    n += b.length;
    return this;
  }

  private void room(int more) {
    if (n + more > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, n + more));
    }
  }
}
