package org.trunkline.stack.auth;

/**
 * Writes {@code scheme name=value, name="value"} lists, escaping quoted values (RFC 3261 §25.1).
 */
final class AuthWriter {
  private final StringBuilder b;
  private boolean first = true;

  AuthWriter(String scheme) {
    b = new StringBuilder(256).append(scheme).append(' ');
  }

  AuthWriter quoted(String name, String value) {
    sep().append(name).append("=\"");
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '"' || c == '\\') {
        b.append('\\');
      }
      b.append(c);
    }
    b.append('"');
    return this;
  }

  /** A token value; the caller guarantees it is a token (an algorithm name, nc, qop, stale). */
  AuthWriter token(String name, String value) {
    sep().append(name).append('=').append(value);
    return this;
  }

  private StringBuilder sep() {
    if (!first) {
      b.append(", ");
    }
    first = false;
    return b;
  }

  @Override
  public String toString() {
    return b.toString();
  }
}
