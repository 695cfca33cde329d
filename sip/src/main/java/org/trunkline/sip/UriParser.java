package org.trunkline.sip;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Parses URIs by the RFC 3261 §25.1, RFC 3966 and RFC 5118 grammars. Stateless. */
public final class UriParser {
  private static final long ATS = Swar.of('@');

  private UriParser() {}

  /** Parses a URI from text; throws {@link SipParseException} if it is malformed. */
  public static Uri parse(String text) {
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    return parse(b, 0, b.length);
  }

  /** Parses the URI in {@code [s, e)}; throws {@link SipParseException} if it is malformed. */
  public static Uri parse(byte[] b, int s, int e) {
    int colon = schemeEnd(b, s, e);
    if (colon < 0) {
      throw new SipParseException("no URI scheme", s);
    }
    if (isScheme(b, s, colon, "sip") || isScheme(b, s, colon, "sips")) {
      SipParts parts = new SipParts(s);
      walkSip(b, colon + 1, e, parts);
      // the text is made from the bytes when asked for
      return new SipUri(colon - s == 4, b, s, e, parts);
    }
    String text = new String(b, s, e - s, StandardCharsets.ISO_8859_1);
    if (isScheme(b, s, colon, "tel")) {
      return tel(b, colon + 1, e, text);
    }
    String scheme =
        new String(b, s, colon - s, StandardCharsets.ISO_8859_1).toLowerCase(java.util.Locale.ROOT);
    for (int p = colon + 1; p < e; p++) {
      if (!Chars.is(b[p], Chars.URIC)) {
        throw new SipParseException("bad character in " + scheme + " URI", p);
      }
    }
    if (colon + 1 == e) {
      throw new SipParseException("empty " + scheme + " URI", e);
    }
    return new AbsoluteUri(scheme, text);
  }

  /** {@link #check}: a sip/sips URI without headers, with headers, or another scheme. */
  static final int SIP = 0;

  static final int SIP_WITH_HEADERS = 1;
  static final int OTHER = 2;

  /**
   * Checks the URI in {@code [s, e)} as {@link #parse} does, with the same exceptions, but builds a
   * sip/sips URI only in the walk's check mode (nothing allocated). Returns {@link #SIP}, {@link
   * #SIP_WITH_HEADERS} or {@link #OTHER}.
   */
  static int check(byte[] b, int s, int e) {
    int colon = schemeEnd(b, s, e);
    if (colon < 0) {
      throw new SipParseException("no URI scheme", s);
    }
    if (isScheme(b, s, colon, "sip") || isScheme(b, s, colon, "sips")) {
      return walkSip(b, colon + 1, e, null) ? SIP_WITH_HEADERS : SIP;
    }
    parse(b, s, e);
    return OTHER;
  }

  /** scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ), returns the offset of ':' or -1. */
  static int schemeEnd(byte[] b, int s, int e) {
    if (s >= e || !Chars.is(b[s], Chars.ALPHA)) {
      return -1;
    }
    for (int p = s + 1; p < e; p++) {
      byte c = b[p];
      if (c == ':') {
        return p;
      }
      if (!Chars.is(c, Chars.ALPHA | Chars.DIGIT) && c != '+' && c != '-' && c != '.') {
        return -1;
      }
    }
    return -1;
  }

  /** The ASCII-case-insensitive scheme {@code name} spans {@code [s, colon)}. */
  private static boolean isScheme(byte[] b, int s, int colon, String name) {
    return colon - s == name.length() && StartLine.startsWithIgnoreCase(b, s, name);
  }

  /**
   * Where the parts of a sip/sips URI are, as {@link #walkSip} found them: offsets into the URI's
   * text (the walk's array offsets minus {@code base}); {@link SipUri} makes the Strings when
   * asked.
   */
  static final class SipParts {
    final int base;
    int userStart = -1;
    int userEnd;
    int passwordStart = -1;
    int passwordEnd;
    int hostStart;
    int hostEnd;
    int port = -1;
    // 4 ints a parameter, the uri-parameters first, then the headers: name start, name end, value
    // start (-1 for a flag) and value end
    int[] spans = NO_SPANS;
    int paramCount;
    int headerCount;

    SipParts(int base) {
      this.base = base;
    }

    void add(int nameStart, int nameEnd, int valueStart, int valueEnd) {
      int o = (paramCount + headerCount) * 4;
      if (o == spans.length) {
        spans = java.util.Arrays.copyOf(spans, Math.max(8, o * 2));
      }
      spans[o] = nameStart - base;
      spans[o + 1] = nameEnd - base;
      spans[o + 2] = valueStart < 0 ? -1 : valueStart - base;
      spans[o + 3] = valueEnd - base;
    }
  }

  private static final int[] NO_SPANS = new int[0];

  /**
   * Checks the sip/sips URI after the scheme's colon and, unless {@code out} is null, fills it in;
   * throws {@link SipParseException} if it is malformed. Returns whether it has headers ({@code
   * ?}).
   */
  private static boolean walkSip(byte[] b, int s, int e, SipParts out) {
    boolean build = out != null;
    long userinfo = userinfo(b, s, e);
    int at = userinfo == NO_USERINFO ? -1 : Params.start(userinfo);
    int pw = userinfo == NO_USERINFO ? -1 : Params.end(userinfo);
    int p = s;
    if (at >= 0) {
      int userEnd = pw < 0 ? at : pw;
      if (userEnd == s) {
        throw new SipParseException("empty user in SIP URI", s);
      }
      if (build) {
        out.userStart = s - out.base;
        out.userEnd = userEnd - out.base;
        if (pw >= 0) {
          out.passwordStart = pw + 1 - out.base;
          out.passwordEnd = at - out.base;
        }
      }
      p = at + 1;
    }
    int hs = p;
    p = Hosts.hostEnd(b, p, e);
    if (build) {
      out.hostStart = hs - out.base;
      out.hostEnd = p - out.base;
    }
    if (p < e && b[p] == ':') {
      int ps = ++p;
      long v = 0;
      while (p < e && Chars.isDigit(b[p]) && v <= 65535) {
        v = v * 10 + (b[p++] - '0');
      }
      if (p == ps || v > 65535) {
        throw new SipParseException("bad port in SIP URI", ps);
      }
      if (build) {
        out.port = (int) v;
      }
    }
    while (p < e && b[p] == ';') {
      int ns = p + 1;
      long span = param(b, ns, e, Chars.PARAM_UNRESERVED, ';', '?');
      p = Params.end(span);
      if (build) {
        int eq = Params.start(span);
        out.add(ns, eq < 0 ? p : eq, eq < 0 ? -1 : eq + 1, p);
        out.paramCount++;
      }
    }
    boolean hasHeaders = p < e && b[p] == '?';
    if (hasHeaders) {
      do {
        int ns = p + 1;
        long span = param(b, ns, e, Chars.HNV_UNRESERVED, '&', '\0');
        p = Params.end(span);
        if (build) {
          int eq = Params.start(span);
          out.add(ns, eq < 0 ? p : eq, eq < 0 ? -1 : eq + 1, p);
          out.headerCount++;
        }
      } while (p < e && b[p] == '&');
    }
    if (p != e) {
      throw new SipParseException("unexpected character in SIP URI", p);
    }
    return hasHeaders;
  }

  /** What {@link #userinfo} returns for a URI without one. */
  static final long NO_USERINFO = -1L;

  /**
   * Where the userinfo of the sip/sips URI part {@code [s, e)} ends: its {@code @} and the {@code
   * :} before the password (-1 if none), as a {@link Params#span}; {@link #NO_USERINFO} if there is
   * no {@code @}; throws {@link SipParseException} for a bad byte or escape before the {@code @}.
   *
   * <p>One walk in the common case: the userinfo is checked on the way to its {@code @}. At the
   * first byte that cannot be in a good userinfo, the search for {@code @} goes on from there
   * ({@code [s, q)} has none); if there is one, {@link #checkUserinfo} throws what the byte-wise
   * check always threw.
   */
  static long userinfo(byte[] b, int s, int e) {
    int pw = -1;
    int q = s;
    // The bytes that need no decision (user, then password bytes) are skipped one table test a
    // byte; none of '@', ':' and '%' is in either class, so the loop stops at each of them.
    int plain = Chars.UNRESERVED | Chars.USER_UNRESERVED;
    while (true) {
      while (q < e && Chars.is(b[q], plain)) {
        q++;
      }
      if (q >= e) {
        break;
      }
      byte c = b[q];
      if (c == '@') {
        return Params.span(q, pw);
      }
      if (c == ':' && pw < 0) {
        pw = q;
        plain = Chars.UNRESERVED | Chars.PASSWORD;
        q++;
      } else if (c == '%') {
        if (q + 2 >= e || Chars.hexValue(b[q + 1]) < 0 || Chars.hexValue(b[q + 2]) < 0) {
          break;
        }
        q += 3;
      } else {
        break;
      }
    }
    int at = Swar.indexOfAny(b, q, e, ATS, ATS);
    if (at < e) {
      checkUserinfo(b, s, at);
    }
    return NO_USERINFO;
  }

  /**
   * The userinfo check byte by byte, for a userinfo that the one walk in {@link #walkSip} stopped
   * in before its {@code @}: throws at the first bad byte or escape, as that walk stopped at one.
   */
  private static void checkUserinfo(byte[] b, int s, int at) {
    int pw = -1;
    for (int q = s; q < at; q++) {
      byte c = b[q];
      if (c == ':' && pw < 0) {
        pw = q;
      } else if (c == '%') {
        escape(b, q, at);
        q += 2;
      } else if (pw < 0
          ? !Chars.is(c, Chars.UNRESERVED | Chars.USER_UNRESERVED)
          : !Chars.is(c, Chars.UNRESERVED | Chars.PASSWORD)) {
        throw new SipParseException("bad character in SIP URI userinfo", q);
      }
    }
    throw new IllegalStateException("userinfo passed the check the walk stopped in");
  }

  /**
   * Checks one parameter from {@code p}: returns the offset of its first {@code =} (-1 if none) and
   * the offset where it ends (at {@code sep}, {@code stop} or {@code e}), as a {@link Params#span}.
   */
  static long param(byte[] b, int p, int e, int extra, char sep, char stop) {
    int ns = p;
    int eq = -1;
    // The bytes that need no decision are skipped one table test a byte: neither '=', '%' nor any
    // of the separators ';', '?' (uri-parameters) and '&' (headers) is in UNRESERVED | extra.
    int plain = Chars.UNRESERVED | extra;
    while (true) {
      while (p < e && Chars.is(b[p], plain)) {
        p++;
      }
      if (p >= e) {
        break;
      }
      byte c = b[p];
      if (c == sep || (stop != '\0' && c == stop)) {
        break;
      }
      if (c == '=' && eq < 0) {
        eq = p;
        p++;
      } else if (c == '%') {
        escape(b, p, e);
        p += 3;
      } else {
        throw new SipParseException("bad character in URI parameter", p);
      }
    }
    int nameEnd = eq < 0 ? p : eq;
    if (nameEnd == ns) {
      throw new SipParseException("empty URI parameter name", ns);
    }
    return Params.span(eq, p);
  }

  /** {@link #param} for a list of {@link Param}s: the parameter is added to {@code out}. */
  private static int param(
      byte[] b, int p, int e, List<Param> out, int extra, char sep, char stop) {
    long span = param(b, p, e, extra, sep, stop);
    int eq = Params.start(span);
    int end = Params.end(span);
    out.add(new Param(ascii(b, p, eq < 0 ? end : eq), eq < 0 ? null : ascii(b, eq + 1, end)));
    return end;
  }

  private static void escape(byte[] b, int p, int e) {
    if (p + 2 >= e || Chars.hexValue(b[p + 1]) < 0 || Chars.hexValue(b[p + 2]) < 0) {
      throw new SipParseException("bad % escape in URI", p);
    }
  }

  private static TelUri tel(byte[] b, int s, int e, String text) {
    int p = s;
    if (p < e && b[p] == '+') {
      p++;
    }
    int digits = 0;
    for (; p < e && b[p] != ';'; p++) {
      byte c = b[p];
      if (Chars.is(c, Chars.HEX) || c == '*' || c == '#') {
        digits++;
      } else if (c != '-' && c != '.' && c != '(' && c != ')') {
        throw new SipParseException("bad character in tel URI number", p);
      }
    }
    if (digits == 0) {
      throw new SipParseException("tel URI without digits", s);
    }
    String number = ascii(b, s, p);
    List<Param> params = new ArrayList<>(1);
    while (p < e && b[p] == ';') {
      p = param(b, p + 1, e, params, Chars.PARAM_UNRESERVED, ';', '\0');
    }
    if (!number.startsWith("+")
        && params.stream().noneMatch(x -> x.name().equalsIgnoreCase("phone-context"))) {
      throw new SipParseException("local tel number without phone-context (RFC 3966 §5.1.5)", s);
    }
    return new TelUri(number, List.copyOf(params), text);
  }

  static String ascii(byte[] b, int s, int e) {
    return new String(b, s, e - s, StandardCharsets.ISO_8859_1);
  }
}
