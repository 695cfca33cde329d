package org.trunkline.sip.sdp;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One line of a session description, {@code <type>=<value>}, with the exact bytes it came from.
 *
 * <p>A parsed line is a slice of the parsed body: its content plus its line end as received (CRLF,
 * bare LF, nothing for an unterminated last line, and any blank lines that followed it), so that
 * writing it back reproduces the input byte for byte. Lines made by the edit methods carry their
 * own bytes and the description's line end. The value is decoded as UTF-8 for reading; the bytes
 * are what gets written. Immutable and thread-safe; the bytes are never exposed.
 */
public final class SdpLine {
  private final byte[] buf; // never modified after construction, never handed out
  private final int start;
  private final int contentEnd;
  private final int end;
  private final String value;

  SdpLine(byte[] buf, int start, int contentEnd, int end) {
    this.buf = buf;
    this.start = start;
    this.contentEnd = contentEnd;
    this.end = end;
    this.value = new String(buf, start + 2, contentEnd - start - 2, StandardCharsets.UTF_8);
  }

  /**
   * A new line ending in {@code eol}.
   *
   * @throws IllegalArgumentException if the value holds CR, LF or NUL, which would end the line
   *     early and let a caller inject lines
   */
  static SdpLine create(char type, String value, byte[] eol) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\r' || c == '\n' || c == 0) {
        throw new IllegalArgumentException(
            type + "= value must not contain CR, LF or NUL: " + Tokens.quote(value));
      }
    }
    byte[] content = (type + "=" + value).getBytes(StandardCharsets.UTF_8);
    byte[] bytes = Arrays.copyOf(content, content.length + eol.length);
    System.arraycopy(eol, 0, bytes, content.length, eol.length);
    return new SdpLine(bytes, 0, content.length, bytes.length);
  }

  /** This line with a new value and the same line end, blank lines after it included. */
  SdpLine withValue(String newValue) {
    return create(type(), newValue, Arrays.copyOfRange(buf, contentEnd, end));
  }

  /** The type letter before {@code =}. */
  public char type() {
    return (char) buf[start];
  }

  /** Everything after {@code =}, without the line end. */
  public String value() {
    return value;
  }

  boolean terminated() {
    return end > contentEnd;
  }

  /** The line end bytes as read (empty for an unterminated line). */
  byte[] lineEnd() {
    return Arrays.copyOfRange(buf, contentEnd, end);
  }

  int length() {
    return end - start;
  }

  int writeTo(byte[] dst, int offset) {
    System.arraycopy(buf, start, dst, offset, end - start);
    return end - start;
  }

  /** {@code type=value}, without the line end. */
  @Override
  public String toString() {
    return type() + "=" + value;
  }
}
