package org.trunkline.core.call;

import org.trunkline.stack.transaction.ByteText;

/**
 * The text of a request a call writes, as its UTF-8 bytes, in a buffer its event loop reuses: the
 * request costs one array of its exact size ({@link #finish}) instead of a StringBuilder, the
 * String of it, that String's bytes and a copy with the body (issue 6: a call's INVITE, ACK and BYE
 * were a fifth of what the event loops allocated per call). The bytes are the ones {@code
 * StringBuilder.toString().getBytes(UTF_8)} gives for the same appends, {@code null} included.
 *
 * <p>Written by the stack's {@link ByteText}, the writer of our responses too.
 *
 * <p>Used by one thread from {@link #begin} to {@link #finish}. A request begun while another is
 * unfinished on the same thread (or one given up without {@link #finish}) gets a buffer of its own.
 */
final class RequestText {
  private static final ThreadLocal<RequestText> SCRATCH = ThreadLocal.withInitial(RequestText::new);

  /** A buffer grown past this by one large request is not kept. */
  private static final int KEEP = 16 * 1024;

  private final ByteText text = new ByteText(1024, KEEP);
  private boolean busy;

  private RequestText() {}

  /** An empty text on this thread's buffer. */
  static RequestText begin() {
    RequestText t = SCRATCH.get();
    if (t.busy) {
      // nested, or the last one was never finished: this one gets (and keeps) a buffer of its own
      t = new RequestText();
      SCRATCH.set(t);
    }
    t.busy = true;
    t.text.reset();
    return t;
  }

  /** {@code s} as UTF-8; {@code "null"} for null, as StringBuilder does. */
  RequestText append(String s) {
    text.text(s == null ? "null" : s);
    return this;
  }

  RequestText append(char c) {
    text.text(c);
    return this;
  }

  /** A decimal number, as Long.toString writes it. */
  RequestText append(long v) {
    text.number(v);
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
    byte[] out = text.toArray(body);
    busy = false;
    return out;
  }

  /** The text so far (for tests and debugging). */
  @Override
  public String toString() {
    return text.toString();
  }
}
