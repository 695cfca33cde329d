package org.trunkline.sip;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** A read position over raw header bytes with the RFC 3261 §25.1 lexical rules. Not thread-safe. */
final class Cursor {
  final byte[] b;
  int p;
  final int e;

  Cursor(byte[] b, int p, int e) {
    this.b = b;
    this.p = p;
    this.e = e;
  }

  boolean atEnd() {
    return p >= e;
  }

  int peek() {
    return p < e ? b[p] & 0xff : -1;
  }

  /** LWS / SWS: spaces, tabs and folds. */
  Cursor skipLws() {
    p = SipParser.skipLws(b, p, e);
    return this;
  }

  boolean tryChar(char c) {
    if (p < e && b[p] == c) {
      p++;
      return true;
    }
    return false;
  }

  /** SWS c SWS, the separators of §25.1 (SEMI, COLON, SLASH, EQUAL, COMMA, ...). */
  boolean trySeparator(char c) {
    int save = p;
    skipLws();
    if (tryChar(c)) {
      skipLws();
      return true;
    }
    p = save;
    return false;
  }

  void expect(char c, String what) {
    if (!tryChar(c)) {
      throw fail("expected '" + c + "' " + what);
    }
  }

  String token(String what) {
    int s = p;
    while (p < e && Chars.isToken(b[p])) {
      p++;
    }
    if (p == s) {
      throw fail("expected " + what);
    }
    return new String(b, s, p - s, StandardCharsets.ISO_8859_1);
  }

  /**
   * {@link #token} for a parameter name: the same check and exception; the usual names ({@code
   * tag}, {@code branch}, {@code rport}, ...) are constants, so no String is made for them.
   */
  String paramName() {
    int s = p;
    skipToken("parameter name");
    String known = Params.knownName(b, s, p);
    return known != null ? known : new String(b, s, p - s, StandardCharsets.ISO_8859_1);
  }

  /** {@link #token} without making the String: the same check and exception. */
  void skipToken(String what) {
    int s = p;
    while (p < e && Chars.isToken(b[p])) {
      p++;
    }
    if (p == s) {
      throw fail("expected " + what);
    }
  }

  /** quoted-string, unescaped and decoded as UTF-8; the cursor is on the opening quote. */
  String quoted() {
    int s = p;
    if (!tryChar('"')) {
      throw fail("expected quoted string");
    }
    // The usual display name has no quoted-pair and no control character: its bytes are the value.
    // Anything else takes the loop below, which also reports the problems.
    // One table test a byte (Chars.QUOTED_PLAIN): the run stops at the closing quote or at a byte
    // that needs the loop below.
    int q = p;
    while (q < e && Chars.is(b[q], Chars.QUOTED_PLAIN)) {
      q++;
    }
    if (q < e && b[q] == '"') {
      String value = new String(b, p, q - p, StandardCharsets.UTF_8);
      p = q + 1;
      return value;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    while (p < e) {
      byte c = b[p++];
      if (c == '"') {
        return out.toString(StandardCharsets.UTF_8);
      }
      if (c == '\\') {
        // quoted-pair = "\" (%x00-09 / %x0B-0C / %x0E-7F)
        if (p >= e || b[p] == '\r' || b[p] == '\n' || b[p] < 0) {
          throw fail("bad quoted pair");
        }
        out.write(b[p++]);
      } else if ((c >= 0 && c < 0x20 && c != '\t' && c != '\r' && c != '\n') || c == 0x7f) {
        p--;
        throw fail("control character in quoted string");
      } else {
        out.write(c);
      }
    }
    p = s;
    throw fail("unterminated quoted string");
  }

  /**
   * {@link #quoted} without making the String, for a check that throws the value away: the same
   * checks, exceptions and end position. The usual quoted string (no quoted-pair, no control
   * character) is only walked; anything else goes through {@link #quoted} itself.
   */
  void skipQuoted() {
    if (p < e && b[p] == '"') {
      int q = p + 1;
      while (q < e && Chars.is(b[q], Chars.QUOTED_PLAIN)) {
        q++;
      }
      if (q < e && b[q] == '"') {
        p = q + 1;
        return;
      }
    }
    quoted();
  }

  /** gen-value = token / host / quoted-string; quotes kept. */
  String genValue() {
    if (peek() == '"') {
      int s = p;
      quoted();
      return new String(b, s, p - s, StandardCharsets.UTF_8);
    }
    int s = p;
    if (peek() == '[') {
      p = Hosts.hostEnd(b, p, e);
    } else {
      // token, or an IPv6 address without brackets (§20.42 via-received = IPv4 / IPv6address)
      while (p < e && Chars.is(b[p], Chars.TOKEN_OR_COLON)) {
        p++;
      }
    }
    if (p == s) {
      throw fail("expected parameter value");
    }
    return new String(b, s, p - s, StandardCharsets.ISO_8859_1);
  }

  /**
   * {@link #genValue} without making the String: the same checks, exceptions and end position (a
   * quoted value through {@link #skipQuoted}).
   */
  void skipGenValue() {
    if (peek() == '"') {
      skipQuoted();
      return;
    }
    int s = p;
    if (peek() == '[') {
      p = Hosts.hostEnd(b, p, e);
    } else {
      while (p < e && Chars.is(b[p], Chars.TOKEN_OR_COLON)) {
        p++;
      }
    }
    if (p == s) {
      throw fail("expected parameter value");
    }
  }

  SipParseException fail(String message) {
    return new SipParseException(message, p);
  }
}
