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

  /** The byte offset in the parsed array where the problem was found. */
  public int offset() {
    return offset;
  }
}
