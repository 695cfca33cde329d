package org.trunkline.sip;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The value of From, To, Contact, Route, Record-Route, Reply-To, P-Asserted-Identity...: an
 * optional display name, a URI and header parameters (RFC 3261 §20.10, §25.1). Immutable.
 *
 * @param displayName the display name, unquoted and decoded as UTF-8; {@code null} if absent
 * @param uri the address
 * @param params header parameters (after the URI), in order
 * @param wildcard whether this is the {@code Contact: *} of a REGISTER
 */
public record NameAddress(String displayName, Uri uri, List<Param> params, boolean wildcard) {
  private static final long GTS = Swar.of('>');

  /** The value of the named header parameter (any case), "" for a flag, null if absent. */
  public String param(String name) {
    for (Param p : params) {
      if (p.name().equalsIgnoreCase(name)) {
        return p.value() == null ? "" : p.value();
      }
    }
    return null;
  }

  /** The {@code tag} parameter, or {@code null}. */
  public String tag() {
    return param("tag");
  }

  /** Parses one name-addr / addr-spec value; throws {@link SipParseException}. */
  public static NameAddress parse(String value) {
    byte[] b = value.getBytes(StandardCharsets.UTF_8);
    return parse(b, 0, b.length, false);
  }

  static NameAddress parse(byte[] b, int s, int e, boolean allowWildcard) {
    return parse(b, s, e, allowWildcard, true);
  }

  /**
   * Parses or, when {@code build} is false, only checks: the same checks and exceptions, but a
   * sip/sips URI is walked without being built and the result has a {@code null} uri and display
   * name (its params are built). For {@link SipValidator}, which throws the result away.
   */
  static NameAddress parse(byte[] b, int s, int e, boolean allowWildcard, boolean build) {
    Cursor c = new Cursor(b, s, e);
    c.skipLws();
    if (allowWildcard && c.peek() == '*') {
      c.p++;
      c.skipLws();
      if (!c.atEnd()) {
        throw c.fail("junk after *");
      }
      return new NameAddress(null, null, List.of(), true);
    }
    String display = null;
    Uri uri;
    if (c.peek() == '"') {
      if (build) {
        display = c.quoted();
      } else {
        c.skipQuoted();
      }
      c.skipLws();
      uri = bracketed(c, build);
    } else if (c.peek() == '<') {
      uri = bracketed(c, build);
    } else {
      // *(token LWS) LAQUOT, or an addr-spec: look ahead for '<' after tokens.
      int save = c.p;
      int lastTokenEnd = -1;
      while (c.p < e && Chars.isToken(b[c.p])) {
        while (c.p < e && Chars.isToken(b[c.p])) {
          c.p++;
        }
        lastTokenEnd = c.p;
        c.skipLws();
      }
      if (c.peek() == '<' && lastTokenEnd > 0) {
        display = build ? new String(b, save, lastTokenEnd - save, StandardCharsets.UTF_8) : null;
        uri = bracketed(c, build);
      } else {
        c.p = save;
        int us = c.p;
        while (c.p < e
            && b[c.p] != ';'
            && !Chars.isWs(b[c.p])
            && b[c.p] != '\r'
            && b[c.p] != '\n') {
          c.p++;
        }
        // §20: a URI with a comma, question mark or semicolon must be in angle brackets.
        if (build) {
          uri = UriParser.parse(b, us, c.p);
          if (uri instanceof SipUri su
              && (!su.headers().isEmpty() || uri.toString().indexOf(',') >= 0)) {
            throw new SipParseException("URI with '?' or ',' outside angle brackets", us);
          }
        } else {
          uri = null;
          int sip = UriParser.check(b, us, c.p);
          if (sip == UriParser.SIP_WITH_HEADERS || (sip == UriParser.SIP && hasComma(b, us, c.p))) {
            throw new SipParseException("URI with '?' or ',' outside angle brackets", us);
          }
        }
      }
    }
    List<Param> params = params(c);
    if (!c.atEnd()) {
      throw c.fail("unexpected character after name-addr");
    }
    return new NameAddress(build ? display : null, uri, params, false);
  }

  private static boolean hasComma(byte[] b, int s, int e) {
    for (int p = s; p < e; p++) {
      if (b[p] == ',') {
        return true;
      }
    }
    return false;
  }

  private static Uri bracketed(Cursor c, boolean build) {
    c.expect('<', "before URI");
    int s = c.p;
    c.p = Swar.indexOfAny(c.b, c.p, c.e, GTS, GTS);
    if (c.p >= c.e) {
      throw c.fail("missing '>'");
    }
    Uri u = null;
    if (build) {
      u = UriParser.parse(c.b, s, c.p);
    } else {
      UriParser.check(c.b, s, c.p);
    }
    c.p++;
    return u;
  }

  /**
   * *( SEMI generic-param ), generic-param = token [ EQUAL gen-value ], as an unmodifiable list:
   * the records that hold it are immutable, and the message may hand the same one out twice (see
   * {@link SipMessage.Typed}).
   */
  static List<Param> params(Cursor c) {
    Param first = null;
    Param second = null;
    List<Param> more = null;
    while (c.trySeparator(';')) {
      String name = c.paramName();
      String value = null;
      if (c.trySeparator('=')) {
        value = c.genValue();
      }
      Param p = new Param(name, value);
      if (first == null) {
        first = p;
      } else if (second == null) {
        second = p;
      } else {
        if (more == null) {
          more = new ArrayList<>(4);
          more.add(first);
          more.add(second);
        }
        more.add(p);
      }
    }
    c.skipLws();
    return Param.list(first, second, more);
  }
}
