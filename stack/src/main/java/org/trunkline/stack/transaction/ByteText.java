package org.trunkline.stack.transaction;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A growing byte buffer that writes a SIP message's text as its UTF-8 bytes and decimals as {@link
 * Long#toString(long)} writes them: the bytes are exactly {@code String.getBytes(UTF_8)} of the
 * same text made with a StringBuilder, without the StringBuilder or the String. The one writer of
 * the responses we build ({@link Responses}) and of the requests a call writes ({@code
 * core.call.RequestText}); each keeps one per thread and {@link #reset}s it per message.
 *
 * <p>Not thread-safe: one thread from {@link #reset} to {@link #toArray}.
 */
public final class ByteText {
  private final int initial;
  private final int keep;
  private byte[] buf;
  private int n;

  /**
   * @param initial the buffer's first size
   * @param keep a buffer grown past this (one huge message) is dropped at the next {@link #reset}
   */
  public ByteText(int initial, int keep) {
    this.initial = initial;
    this.keep = keep;
    this.buf = new byte[initial];
  }

  // one huge message does not pin a huge buffer to the thread
  private static final ThreadLocal<ByteText> SCRATCH =
      ThreadLocal.withInitial(() -> new ByteText(1024, 16 * 1024));

  /**
   * This thread's shared writer, emptied: for a builder that fills it and copies it out ({@link
   * #toArray}) before anything else on the thread writes to it (responses, our requests).
   */
  public static ByteText scratch() {
    return SCRATCH.get().reset();
  }

  /** Empty again; a buffer grown past {@code keep} is given back. */
  public ByteText reset() {
    if (buf.length > keep) {
      buf = new byte[initial];
    }
    n = 0;
    return this;
  }

  /** The bytes written so far. */
  public int length() {
    return n;
  }

  /** A constant known to be ASCII (a char above 0x7f would be cut to its low byte). */
  public ByteText ascii(String s) {
    int len = s.length();
    room(len);
    for (int i = 0; i < len; i++) {
      buf[n++] = (byte) s.charAt(i);
    }
    return this;
  }

  /** {@code s} as UTF-8. */
  public ByteText text(String s) {
    return text(s, 0, s.length());
  }

  /**
   * {@code s[a, z)} as UTF-8: byte by byte while ASCII, else the whole piece through the encoder,
   * as {@code s.substring(a, z).getBytes(UTF_8)} encodes it (surrogate pairs, a lone surrogate as
   * {@code ?}).
   */
  public ByteText text(String s, int a, int z) {
    room(z - a);
    for (int i = a; i < z; i++) {
      char c = s.charAt(i);
      if (c >= 0x80) {
        n -= i - a; // undo, and encode the whole piece as String.getBytes does
        return bytes(s.substring(a, z).getBytes(StandardCharsets.UTF_8));
      }
      buf[n++] = (byte) c;
    }
    return this;
  }

  /** One char as UTF-8 (a lone surrogate as {@code ?}, as String.getBytes writes it). */
  public ByteText text(char c) {
    if (c >= 0x80) {
      return bytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
    }
    room(1);
    buf[n++] = (byte) c;
    return this;
  }

  /** A decimal number, as Long.toString (and Integer.toString for an int) writes it. */
  public ByteText number(long v) {
    if (v < 0) {
      return ascii(Long.toString(v));
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

  public ByteText crlf() {
    room(2);
    buf[n++] = '\r';
    buf[n++] = '\n';
    return this;
  }

  public ByteText bytes(byte[] b) {
    room(b.length);
    System.arraycopy(b, 0, buf, n, b.length);
    n += b.length;
    return this;
  }

  /** The bytes {@code b[from, to)} as they are (text known to be its own UTF-8 bytes). */
  public ByteText bytes(byte[] b, int from, int to) {
    int len = to - from;
    room(len);
    System.arraycopy(b, from, buf, n, len);
    n += len;
    return this;
  }

  /**
   * {@code v} as {@link Long#toUnsignedString(long, int) Long.toUnsignedString(v, 36)} writes it.
   */
  public ByteText unsignedBase36(long v) {
    int digits = 1;
    for (long q = Long.divideUnsigned(v, 36); q != 0; q /= 36) {
      digits++; // the first quotient is below 2^63 / 18, so signed division goes on from there
    }
    room(digits);
    for (int p = n + digits - 1; p >= n; p--) {
      int d = (int) Long.remainderUnsigned(v, 36);
      buf[p] = (byte) (d < 10 ? '0' + d : 'a' + d - 10);
      v = Long.divideUnsigned(v, 36);
    }
    n += digits;
    return this;
  }

  /** A copy of what was written, of its exact size. */
  public byte[] toArray() {
    return Arrays.copyOf(buf, n);
  }

  /**
   * A copy of what was written followed by {@code tail} (a body), in one array of their exact size:
   * the tail is not written into the buffer first.
   */
  public byte[] toArray(byte[] tail) {
    byte[] out = Arrays.copyOf(buf, n + tail.length);
    System.arraycopy(tail, 0, out, n, tail.length);
    return out;
  }

  /** The text so far, decoded (for tests and debugging). */
  @Override
  public String toString() {
    return new String(buf, 0, n, StandardCharsets.UTF_8);
  }

  private void room(int more) {
    if (n + more > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, n + more));
    }
  }
}
