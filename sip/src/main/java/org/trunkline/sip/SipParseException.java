package org.trunkline.sip;

/**
 * Thrown by on-demand typed accessors (a URI, a Via list, a name-addr) when the value asked for
 * does not parse. The scanner itself never throws; this carries a {@link ParseError}-like position
 * and has no stack trace, since it is part of normal input handling.
 */
public final class SipParseException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int offset;

  public SipParseException(String message, int offset) {
    super(message, null, false, false);
    this.offset = offset;
  }

  /**
   * The byte offset where the problem was found: in the array given to a parse method that takes
   * one ({@code UriParser.parse(byte[], int, int)}, {@link SipMessage#requestUri()} in the message
   * array), in the UTF-8 bytes of the String given to one that takes a String; for the typed header
   * accessors of {@link SipMessage} ({@code vias()}, {@code from()}, {@code contacts()}, ...)
   * counted from the start of the header value, or of the comma-separated value in a list, that was
   * parsed, whether it was parsed in place in the message array or from an unfolded copy.
   */
  public int offset() {
    return offset;
  }
}
