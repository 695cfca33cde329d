package org.trunkline.sip.sdp;

import java.util.Objects;

/**
 * An {@code a=} line (RFC 8866 §5.13): a property attribute ({@code a=sendrecv}, value null) or a
 * value attribute ({@code a=rtpmap:0 PCMU/8000}). Names are case-sensitive and kept as written.
 * Immutable and thread-safe.
 *
 * <p>Parsed attributes are never rejected (RFC 8866 §5: a parser must ignore attributes it does not
 * understand); one that is added through an edit method is checked when it becomes a line.
 *
 * @param name the text before the first {@code :}
 * @param value the text after the first {@code :}, or null for a property attribute
 */
public record Attribute(String name, String value) {

  public Attribute {
    Objects.requireNonNull(name, "name");
  }

  /** A property attribute such as {@code a=rtcp-mux}. */
  public static Attribute of(String name) {
    return new Attribute(name, null);
  }

  /** A value attribute such as {@code a=ptime:20}. */
  public static Attribute of(String name, String value) {
    return new Attribute(name, Objects.requireNonNull(value, "value"));
  }

  /** True for a value attribute. */
  public boolean hasValue() {
    return value != null;
  }

  /** The text after {@code a=}. */
  String text() {
    return value == null ? name : name + ":" + value;
  }

  /** The line for this attribute, checking that it is one writable line. */
  SdpLine toLine(byte[] eol) {
    if (name.isEmpty() || name.indexOf(':') >= 0 || name.indexOf(' ') >= 0) {
      throw new IllegalArgumentException("a= name must be a token, got " + Tokens.quote(name));
    }
    return SdpLine.create('a', text(), eol);
  }

  static Attribute parse(String text) {
    int colon = text.indexOf(':');
    return colon < 0
        ? new Attribute(text, null)
        : new Attribute(text.substring(0, colon), text.substring(colon + 1));
  }

  @Override
  public String toString() {
    return "a=" + text();
  }
}
