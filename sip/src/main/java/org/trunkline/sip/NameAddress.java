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
      display = c.quoted();
      c.skipLws();
      uri = bracketed(c);
    } else if (c.peek() == '<') {
      uri = bracketed(c);
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
        display = new String(b, save, lastTokenEnd - save, StandardCharsets.UTF_8);
        uri = bracketed(c);
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
        uri = UriParser.parse(b, us, c.p);
        // §20: a URI with a comma, question mark or semicolon must be in angle brackets.
        if (uri instanceof SipUri su
            && (!su.headers().isEmpty() || uri.toString().indexOf(',') >= 0)) {
          throw new SipParseException("URI with '?' or ',' outside angle brackets", us);
        }
      }
    }
    List<Param> params = params(c);
    if (!c.atEnd()) {
      throw c.fail("unexpected character after name-addr");
    }
    return new NameAddress(display, uri, params, false);
  }

  private static Uri bracketed(Cursor c) {
    c.expect('<', "before URI");
    int s = c.p;
    while (c.p < c.e && c.b[c.p] != '>') {
      c.p++;
    }
    if (c.p >= c.e) {
      throw c.fail("missing '>'");
    }
    Uri u = UriParser.parse(c.b, s, c.p);
    c.p++;
    return u;
  }

  /** *( SEMI generic-param ), generic-param = token [ EQUAL gen-value ]. */
  static List<Param> params(Cursor c) {
    List<Param> out = List.of();
    while (c.trySeparator(';')) {
      if (out.isEmpty()) {
        out = new ArrayList<>(2);
      }
      String name = c.token("parameter name");
      String value = null;
      if (c.trySeparator('=')) {
        value = c.genValue();
      }
      out.add(new Param(name, value));
    }
    c.skipLws();
    return out;
  }
}
