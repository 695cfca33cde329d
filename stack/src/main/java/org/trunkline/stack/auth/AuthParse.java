package org.trunkline.stack.auth;

/** The outcome of {@link AuthHeaderParser#parse}: a header, or why not. Failure is a value. */
public sealed interface AuthParse {
  /** The value parsed. */
  record Parsed(AuthHeader header) implements AuthParse {}

  /**
   * The value did not parse.
   *
   * @param reason what was wrong, for logs and tests, e.g. {@code unterminated quoted-string}
   * @param offset the 0-based character offset in the header value where it went wrong
   */
  record Malformed(String reason, int offset) implements AuthParse {
    @Override
    public String toString() {
      return reason + " at offset " + offset;
    }
  }
}
