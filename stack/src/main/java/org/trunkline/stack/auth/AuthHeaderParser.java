package org.trunkline.stack.auth;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Parses challenge and credentials values (RFC 3261 §25.1 {@code challenge} / {@code credentials},
 * RFC 7616 §3.3 and §3.4, RFC 7235 §2.1 for token68). Hostile input is expected: every problem is a
 * {@link AuthParse.Malformed} value with an offset, and the work is linear in the input, which is
 * capped at {@link #MAX_LENGTH} characters and {@link #MAX_PARAMS} parameters. Stateless and
 * thread-safe.
 */
public final class AuthHeaderParser {
  /** Longer values are refused: a real Digest header is a few hundred characters. */
  public static final int MAX_LENGTH = 4096;

  /** More parameters than this are refused. */
  public static final int MAX_PARAMS = 32;

  private final String s;
  private int pos;

  private AuthHeaderParser(String s) {
    this.s = s;
  }

  /** Parses one header value (without the header name). Never throws. */
  public static AuthParse parse(String value) {
    if (value == null) {
      return new AuthParse.Malformed("no value", 0);
    }
    if (value.length() > MAX_LENGTH) {
      return new AuthParse.Malformed("longer than " + MAX_LENGTH + " characters", MAX_LENGTH);
    }
    return new AuthHeaderParser(value).header();
  }

  private AuthParse header() {
    skipSpace();
    String scheme = token();
    if (scheme == null) {
      return fail("expected auth-scheme");
    }
    if (pos < s.length() && !isSpace(s.charAt(pos))) {
      return fail("expected whitespace after auth-scheme");
    }
    skipSpace();
    if (pos == s.length()) {
      return new AuthParse.Parsed(new AuthHeader(scheme, List.of(), null));
    }
    // Digest credentials are always a parameter list (RFC 7616 §3.4), never token68
    String t68 = "digest".equalsIgnoreCase(scheme) ? null : token68();
    if (t68 != null) {
      return new AuthParse.Parsed(new AuthHeader(scheme, List.of(), t68));
    }
    List<AuthParam> params = new ArrayList<>();
    while (true) {
      skipSpace();
      if (pos < s.length() && s.charAt(pos) == ',') {
        pos++; // an empty list element, allowed by the #rule (RFC 7230 §7)
        continue;
      }
      if (pos == s.length()) {
        break;
      }
      AuthParse failed = param(params);
      if (failed != null) {
        return failed;
      }
      skipSpace();
      if (pos == s.length()) {
        break;
      }
      if (s.charAt(pos) != ',') {
        return fail("expected ',' between parameters");
      }
      pos++;
    }
    return new AuthParse.Parsed(new AuthHeader(scheme, params, null));
  }

  /** Parses {@code name = (token / quoted-string)} into {@code out}; a failure, or null. */
  private AuthParse param(List<AuthParam> out) {
    int nameAt = pos;
    String name = name();
    if (name == null) {
      return fail("expected parameter name");
    }
    int nameEnd = pos;
    skipSpace();
    if (pos == s.length() || s.charAt(pos) != '=') {
      return fail("expected '=' after " + s.substring(nameAt, nameEnd));
    }
    pos++;
    skipSpace();
    String value;
    boolean quoted = pos < s.length() && s.charAt(pos) == '"';
    if (quoted) {
      int valueAt = pos;
      value = quotedString();
      if (value == null) {
        return new AuthParse.Malformed(
            "unterminated or invalid quoted-string in " + s.substring(nameAt, nameEnd), valueAt);
      }
    } else {
      value = token();
      if (value == null) {
        return fail("expected token or quoted-string for " + s.substring(nameAt, nameEnd));
      }
    }
    String lower = name; // name() gives it lower-cased
    for (AuthParam p : out) {
      if (p.name().equals(lower)) {
        // RFC 7616 §3.3: each directive at most once; two answers are an attack or a bug
        return new AuthParse.Malformed("duplicate parameter " + lower, nameAt);
      }
    }
    if (out.size() == MAX_PARAMS) {
      return new AuthParse.Malformed("more than " + MAX_PARAMS + " parameters", nameAt);
    }
    out.add(new AuthParam(lower, value, quoted));
    return null;
  }

  /**
   * The parameter names of RFC 7616 §3.3-§3.4 as constants: a name written in any case is one of
   * these without a substring and a lower-casing of it.
   */
  private static final String[] KNOWN_NAMES = {
    "username",
    "realm",
    "nonce",
    "uri",
    "response",
    "algorithm",
    "cnonce",
    "opaque",
    "qop",
    "nc",
    "userhash",
    "stale",
    "domain",
    "charset"
  };

  /** A token at pos, lower-cased (Locale.ROOT), or null. */
  private String name() {
    int start = pos;
    while (pos < s.length() && isTokenChar(s.charAt(pos))) {
      pos++;
    }
    int len = pos - start;
    if (len == 0) {
      return null;
    }
    for (String k : KNOWN_NAMES) {
      if (k.length() == len && s.regionMatches(true, start, k, 0, len)) {
        return k;
      }
    }
    return s.substring(start, pos).toLowerCase(Locale.ROOT);
  }

  private String token() {
    int start = pos;
    while (pos < s.length() && isTokenChar(s.charAt(pos))) {
      pos++;
    }
    return pos == start ? null : s.substring(start, pos);
  }

  /** The rest of the value as a token68 (RFC 7235 §2.1), or null (and pos unchanged). */
  private String token68() {
    int i = pos;
    while (i < s.length() && isToken68Char(s.charAt(i))) {
      i++;
    }
    if (i == pos) {
      return null;
    }
    while (i < s.length() && s.charAt(i) == '=') {
      i++;
    }
    int end = i;
    while (i < s.length() && isSpace(s.charAt(i))) {
      i++;
    }
    if (i != s.length()) {
      return null; // "name=value, ..." is a parameter list
    }
    String t = s.substring(pos, end);
    pos = i;
    return t;
  }

  /** A quoted-string at pos, unescaped, or null; RFC 3261 §25.1 quoted-pair excludes CR and LF. */
  private String quotedString() {
    // the usual value has no quoted-pair: it is the text up to the closing quote
    for (int i = pos + 1; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"') {
        String v = s.substring(pos + 1, i);
        pos = i + 1;
        return v;
      }
      if (c == '\\' || (c < 0x20 && c != '\t') || c == 0x7f) {
        break; // escapes and refusals: the careful way below
      }
    }
    StringBuilder b = new StringBuilder();
    pos++; // opening quote
    while (pos < s.length()) {
      char c = s.charAt(pos++);
      if (c == '"') {
        return b.toString();
      }
      if (c == '\\') {
        if (pos == s.length()) {
          return null;
        }
        c = s.charAt(pos++);
        if (c == '\r' || c == '\n') {
          return null;
        }
      } else if ((c < 0x20 && c != '\t') || c == 0x7f) {
        return null;
      }
      b.append(c);
    }
    return null;
  }

  private void skipSpace() {
    while (pos < s.length() && isSpace(s.charAt(pos))) {
      pos++;
    }
  }

  private AuthParse fail(String reason) {
    return new AuthParse.Malformed(reason, pos);
  }

  // LWS, with folding already reduced to whitespace by the message layer or not
  private static boolean isSpace(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
  }

  /** RFC 3261 §25.1 token, plus the RFC 7230 tchar extras, which some peers send. */
  static boolean isTokenChar(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || "-.!%*_+`'~#$&^|".indexOf(c) >= 0;
  }

  private static boolean isToken68Char(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || "-._~+/".indexOf(c) >= 0;
  }
}
