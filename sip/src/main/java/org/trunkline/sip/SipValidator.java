package org.trunkline.sip;

import java.util.Locale;

/**
 * The full check a UAS makes before acting on a request: the Request-URI grammar (the scanner only
 * frames it; a bad one is {@link ErrorKind#BAD_REQUEST_URI} or {@link
 * ErrorKind#UNSUPPORTED_URI_SCHEME} at line 1) and every known header parsed by its own grammar
 * (the scanner read only the routing ones). Returns the first problem as a {@link ParseError} with
 * the line and column where it is. Stateless and thread-safe.
 */
public final class SipValidator {
  private static final long QUOTES = Swar.of('"');
  private static final long LTS = Swar.of('<');
  private static final long GTS = Swar.of('>');
  private static final long COMMAS = Swar.of(',');

  private SipValidator() {}

  /** The first problem in {@code m}, or {@code null} if every known header parses. */
  public static ParseError validate(SipMessage m) {
    if (m.error != null) {
      return m.error;
    }
    if (m.request && m.uriEnd > m.uriStart) {
      // The scanner only frames the Request-URI; its grammar is checked here, before the headers.
      ErrorKind uriProblem = requestUri(m);
      if (uriProblem != null) {
        return new ParseError(uriProblem, null, 1, m.uriStart - m.start + 1);
      }
    }
    for (int i = 0; i < m.headerCount; i++) {
      // what to check, by the line's known-name id (0 for an unknown name, whose KIND is 0 too)
      byte kind = KIND[m.nameId(i)];
      if (kind == 0) {
        continue;
      }
      try {
        check(m, i, kind);
      } catch (SipParseException x) {
        return m.errorAt(ErrorKind.BAD_HEADER, i, x.offset());
      }
    }
    return null;
  }

  /**
   * The Request-URI's problem, or {@code null}: {@link ErrorKind#UNSUPPORTED_URI_SCHEME} for a
   * well-formed URI of a scheme other than sip/sips/tel (RFC 4475 unkscm, novelsc), {@link
   * ErrorKind#BAD_REQUEST_URI} for anything else that is not a good URI. A good one is kept for
   * {@link SipMessage#requestUri()} (one walk instead of two).
   */
  private static ErrorKind requestUri(SipMessage m) {
    Uri u;
    try {
      u = UriParser.parse(m.buf, m.uriStart, m.uriEnd);
    } catch (SipParseException x) {
      return ErrorKind.BAD_REQUEST_URI;
    }
    if (u instanceof SipUri su && !su.headers().isEmpty()) {
      // §19.1.1 table: headers are not allowed in a Request-URI (RFC 4475 escruri).
      return ErrorKind.BAD_REQUEST_URI;
    }
    if (u instanceof AbsoluteUri) {
      return ErrorKind.UNSUPPORTED_URI_SCHEME;
    }
    m.keep(m.uriStart, m.uriEnd, SipMessage.Typed.URI, u);
    return null;
  }

  // What check does for a known name, by HeaderName.id: one table load and a switch instead of a
  // chain of up to 25 comparisons (most lines, e.g. Call-ID or CSeq, fell through all of them).
  // 0: nothing to check.
  private static final byte VIA = 1;
  private static final byte FROM_TO = 2;
  private static final byte CONTACT = 3;
  private static final byte ROUTES = 4;
  private static final byte NAME_ADDRESS_LIST = 5;
  private static final byte NAME_ADDRESS = 6;
  private static final byte DELTA_SECONDS = 7;
  private static final byte MEDIA_TYPE = 8;
  private static final byte TOKEN_LIST = 9;
  private static final byte DATE = 10;
  private static final byte[] KIND = new byte[128];

  static {
    kind(VIA, HeaderName.VIA);
    kind(FROM_TO, HeaderName.FROM, HeaderName.TO);
    kind(CONTACT, HeaderName.CONTACT);
    kind(ROUTES, HeaderName.ROUTE, HeaderName.RECORD_ROUTE);
    kind(
        NAME_ADDRESS_LIST,
        HeaderName.PATH,
        HeaderName.SERVICE_ROUTE,
        HeaderName.P_ASSERTED_IDENTITY);
    kind(NAME_ADDRESS, HeaderName.REPLY_TO, HeaderName.REFER_TO, HeaderName.REFERRED_BY);
    kind(DELTA_SECONDS, HeaderName.EXPIRES, HeaderName.MIN_EXPIRES);
    kind(MEDIA_TYPE, HeaderName.CONTENT_TYPE);
    kind(
        TOKEN_LIST,
        HeaderName.REQUIRE,
        HeaderName.PROXY_REQUIRE,
        HeaderName.SUPPORTED,
        HeaderName.UNSUPPORTED,
        HeaderName.ALLOW);
    kind(DATE, HeaderName.DATE);
  }

  private static void kind(byte kind, HeaderName... names) {
    for (HeaderName n : names) {
      KIND[n.id] = kind;
    }
  }

  // Via, From, To, Contact, Route and Record-Route are built while they are checked (the same walk
  // and the same exceptions) and kept for the accessors, which the stack calls on most requests; a
  // name-addr keeps only where its parts are, and makes them when first asked for.
  private static void check(SipMessage m, int i, byte kind) {
    byte[] b = m.buf;
    int s = m.valueStart(i);
    int e = m.valueEnd(i);
    switch (kind) {
      case VIA, CONTACT, ROUTES, NAME_ADDRESS_LIST -> {
        // each value of the list in turn, as forEachValue walks them; a loop, not a lambda per
        // kind (a capturing lambda was an allocation, and a call through a method handle, a line)
        boolean register = m.method == SipMethod.REGISTER;
        for (int vs = s; ; ) {
          int p = listValueEnd(b, vs, e);
          long v = listValue(b, vs, p);
          listValue(m, b, Params.start(v), Params.end(v), kind, register);
          if (p >= e) {
            break;
          }
          vs = p + 1;
        }
      }
      case FROM_TO -> {
        NameAddress a = NameAddress.parse(b, s, e, false);
        // §25.1: tag-param = "tag" EQUAL token; the routing index reads it unquoted
        if (!a.tagAbsentOrToken()) {
          throw new SipParseException("tag is not a token", s);
        }
        m.keep(s, e, nameAddressKind(b, s, e, false), a);
      }
      case NAME_ADDRESS -> NameAddress.check(b, s, e, false);
      case DELTA_SECONDS -> {
        if (!isDeltaSeconds(b, s, e)) {
          throw new SipParseException("bad delta-seconds", s);
        }
      }
      case MEDIA_TYPE -> mediaType(new Cursor(b, s, e));
      case TOKEN_LIST -> tokenList(b, s, e);
      // RFC 4475 §3.1.2.12 baddate is in its "invalid messages": a 400 is acceptable, and we
      // would rather refuse than carry a Date we cannot read into CDRs and traces.
      case DATE -> Dates.check(b, s, e);
      default -> {}
    }
  }

  /** One value {@code [a, z)} of a list header of {@code kind}: checked, and kept if built. */
  private static void listValue(SipMessage m, byte[] b, int a, int z, byte kind, boolean register) {
    switch (kind) {
      case VIA -> m.keep(a, z, SipMessage.Typed.VIA, Via.parse(b, a, z));
      case CONTACT -> {
        NameAddress n = NameAddress.parse(b, a, z, register);
        if (!n.expiresAbsentOrDeltaSeconds()) {
          throw new SipParseException("bad Contact expires", a);
        }
        m.keep(a, z, nameAddressKind(b, a, z, register), n);
      }
      case ROUTES ->
          m.keep(a, z, nameAddressKind(b, a, z, false), NameAddress.parse(b, a, z, false));
      default -> NameAddress.check(b, a, z, false);
    }
  }

  /**
   * The {@link SipMessage.Typed} rule of a name-addr parsed with {@code wildcard}: the wildcard
   * rule only matters when the value starts with {@code *} (after LWS, where {@link
   * NameAddress#parse} looks), so any other value fits both rules.
   */
  private static int nameAddressKind(byte[] b, int s, int e, boolean wildcard) {
    int p = SipParser.skipLws(b, s, e);
    if (p < e && b[p] == '*') {
      return wildcard ? SipMessage.Typed.NAME_ADDRESS_WILDCARD : SipMessage.Typed.NAME_ADDRESS;
    }
    return SipMessage.Typed.NAME_ADDRESS_ANY;
  }

  interface Span {
    void check(int s, int e);
  }

  /** Each value of list header line {@code i}, LWS around it trimmed, in order (see check). */
  static void forEachValue(SipMessage m, int i, Span span) {
    byte[] b = m.buf;
    int e = m.valueEnd(i);
    for (int vs = m.valueStart(i); ; ) {
      int p = listValueEnd(b, vs, e);
      long v = listValue(b, vs, p);
      span.check(Params.start(v), Params.end(v));
      if (p >= e) {
        return;
      }
      vs = p + 1;
    }
  }

  /**
   * From {@code p}, the start of a value of a comma-separated list ending at {@code e}: the comma
   * that ends it (outside quotes and angle brackets), or {@code e}. Throws at {@code e} for an
   * unterminated quoted string. The end of the list ends the last value too, even inside an
   * unclosed {@code <}.
   */
  static int listValueEnd(byte[] b, int p, int e) {
    int angle = 0;
    // from one quote, bracket or comma to the next, 8 bytes at a time (Swar)
    while ((p = Swar.indexOfAny(b, p, e, QUOTES, LTS, GTS, COMMAS)) < e) {
      byte c = b[p];
      if (c == '"') {
        p = Params.skipQuoted(b, p, e);
        if (p < 0) {
          throw new SipParseException("unterminated quoted string", e);
        }
        continue;
      }
      if (c == '<') {
        angle++;
      } else if (c == '>') {
        if (angle > 0) {
          angle--;
        }
      } else if (angle == 0) {
        return p;
      }
      p++;
    }
    return e;
  }

  /**
   * One value of a list, {@code [vs, p)} with LWS around it, {@code p} at its comma or the end: the
   * value without the LWS as a {@link Params#span}; throws at {@code p} if it is empty.
   */
  private static long listValue(byte[] b, int vs, int p) {
    int a = SipParser.skipLws(b, vs, p);
    int z = p;
    while (z > a && Chars.is(b[z - 1], Chars.LWS)) {
      z--;
    }
    if (a == z) {
      throw new SipParseException("empty value in list", p);
    }
    return Params.span(a, z);
  }

  /** delta-seconds = 1*DIGIT, at most 2**32-1 (RFC 4475 scalar02). */
  static boolean isDeltaSeconds(String v) {
    return v.length() > 0
        && v.length() <= 10
        && v.chars().allMatch(Character::isDigit)
        && Long.parseLong(v) <= 0xffffffffL;
  }

  /**
   * {@link #isDeltaSeconds(String)} for the bytes {@code [s, e)} as written, without a String: the
   * only digits among the String's characters (ISO-8859-1, or UTF-8 around a quoted value that
   * starts with its quote) are the ASCII ones, so this is the same test.
   */
  static boolean isDeltaSeconds(byte[] b, int s, int e) {
    if (e <= s || e - s > 10) {
      return false;
    }
    long v = 0;
    for (int p = s; p < e; p++) {
      byte c = b[p];
      if (!Chars.isDigit(c)) {
        return false;
      }
      v = v * 10 + (c - '0');
    }
    return v <= 0xffffffffL;
  }

  /** media-type = m-type SLASH m-subtype *(SEMI m-parameter) (§20.15). */
  static void mediaType(Cursor c) {
    c.skipLws();
    c.skipToken("media type");
    if (!c.trySeparator('/')) {
      throw c.fail("expected '/' in media type");
    }
    c.skipToken("media subtype");
    // the walk of NameAddress.params without the list: the same checks and end position
    boolean flag = false;
    while (c.trySeparator(';')) {
      c.skipToken("parameter name");
      if (c.trySeparator('=')) {
        c.skipGenValue();
      } else {
        flag = true;
      }
    }
    c.skipLws();
    if (flag) {
      throw c.fail("media type parameter without value");
    }
    if (!c.atEnd()) {
      throw c.fail("unexpected character in media type");
    }
  }

  private static void tokenList(byte[] b, int s, int e) {
    Cursor c = new Cursor(b, s, e);
    c.skipLws();
    if (c.atEnd()) {
      return; // an empty Supported/Allow is allowed
    }
    do {
      c.skipToken("option tag");
    } while (c.trySeparator(','));
    c.skipLws();
    if (!c.atEnd()) {
      throw c.fail("unexpected character in list");
    }
  }

  static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }
}
