package org.trunkline.sip;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The value of From, To, Contact, Route, Record-Route, Reply-To, P-Asserted-Identity...: an
 * optional display name, a URI and header parameters (RFC 3261 §20.10, §25.1). Immutable and safe
 * to share between threads.
 *
 * <p>A parsed value is checked by its whole grammar when parsed (a bad one throws then), but keeps
 * only where its parts are in the bytes it was parsed from; the display name, the {@link Uri} and
 * the parameter list are made when first asked for (most requests that are validated never read the
 * From or Contact URI). Until then it holds the bytes it was parsed from (a message's buffer). The
 * accessors, {@code equals}, {@code hashCode} and {@code toString} are those of the record {@code
 * NameAddress(displayName, uri, params, wildcard)} this class was.
 */
public final class NameAddress {
  private static final long GTS = Swar.of('>');

  // how a parsed value writes its display name
  private static final int NO_DISPLAY = 0;
  private static final int QUOTED = 1;
  private static final int TOKENS = 2;

  private final boolean wildcard;
  // the bytes a parsed value was read from; null for a value built from its parts
  private final byte[] buf;
  private final int displayKind;
  // QUOTED: the opening quote and the value's end; TOKENS: the tokens' first and end byte
  private final int displayStart;
  private final int displayEnd;
  private final int uriStart;
  private final int uriEnd;
  // where the header parameters start (at the first SEMI, after LWS) and the value's end
  private final int paramsStart;
  private final int end;
  // made when first asked for (parsed values); a race makes equal copies, and a String, a Uri
  // (final fields) or an unmodifiable List of records is safe to publish without a lock
  private String displayName;
  private Uri uri;
  private List<Param> params;

  /**
   * A name-addr from its parts.
   *
   * @param displayName the display name, unquoted and decoded as UTF-8; {@code null} if absent
   * @param uri the address
   * @param params header parameters (after the URI), in order
   * @param wildcard whether this is the {@code Contact: *} of a REGISTER
   */
  public NameAddress(String displayName, Uri uri, List<Param> params, boolean wildcard) {
    this.displayName = displayName;
    this.uri = uri;
    this.params = params;
    this.wildcard = wildcard;
    this.buf = null;
    this.displayKind = NO_DISPLAY;
    this.displayStart = -1;
    this.displayEnd = -1;
    this.uriStart = -1;
    this.uriEnd = -1;
    this.paramsStart = -1;
    this.end = -1;
  }

  /** A parsed value: the parts' places in {@code buf}, each checked by its grammar already. */
  private NameAddress(
      byte[] buf,
      int displayKind,
      int displayStart,
      int displayEnd,
      int uriStart,
      int uriEnd,
      int paramsStart,
      int end) {
    this.wildcard = false;
    this.buf = buf;
    this.displayKind = displayKind;
    this.displayStart = displayStart;
    this.displayEnd = displayEnd;
    this.uriStart = uriStart;
    this.uriEnd = uriEnd;
    this.paramsStart = paramsStart;
    this.end = end;
  }

  /** The display name, unquoted and decoded as UTF-8; {@code null} if absent. */
  public String displayName() {
    String d = displayName;
    if (d == null && displayKind != NO_DISPLAY) {
      // the same calls that made it when values were built while parsing
      d =
          displayKind == QUOTED
              ? new Cursor(buf, displayStart, displayEnd).quoted()
              : new String(buf, displayStart, displayEnd - displayStart, StandardCharsets.UTF_8);
      displayName = d;
    }
    return d;
  }

  /** The address ({@code null} only for the wildcard). */
  public Uri uri() {
    Uri u = uri;
    if (u == null && buf != null) {
      uri = u = UriParser.parse(buf, uriStart, uriEnd);
    }
    return u;
  }

  /** Header parameters (after the URI), in order (unmodifiable for a parsed value). */
  public List<Param> params() {
    List<Param> p = params;
    if (p == null && buf != null) {
      params = p = params(new Cursor(buf, paramsStart, end));
    }
    return p;
  }

  /** Whether this is the {@code Contact: *} of a REGISTER. */
  public boolean wildcard() {
    return wildcard;
  }

  /** The value of the named header parameter (any case), "" for a flag, null if absent. */
  public String param(String name) {
    for (Param p : params()) {
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

  /**
   * Whether the {@link #tag} is absent or a token (§25.1: tag-param = "tag" EQUAL token), what
   * {@code tag() == null || Chars.isToken(tag())} says, without making the parameter list of a
   * parsed value whose list is not made yet (the validator's check of every From and To).
   */
  boolean tagAbsentOrToken() {
    if (buf == null || params != null) {
      String t = tag();
      return t == null || Chars.isToken(t);
    }
    long v = paramValue("tag");
    // a flag is "" (not a token); a value's String has exactly its bytes (ISO-8859-1, or UTF-8
    // around a quoted value, whose quote is not a token byte either)
    return v == ABSENT
        || (Params.start(v) >= 0 && Chars.all(buf, Params.start(v), Params.end(v), Chars.TOKEN));
  }

  /**
   * Whether the {@code expires} parameter is absent or delta-seconds (a Contact's, §20.10), what
   * {@code param("expires") == null || SipValidator.isDeltaSeconds(param("expires"))} says, without
   * making the parameter list of a parsed value whose list is not made yet.
   */
  boolean expiresAbsentOrDeltaSeconds() {
    if (buf == null || params != null) {
      String x = param("expires");
      return x == null || SipValidator.isDeltaSeconds(x);
    }
    long v = paramValue("expires");
    // a flag is "" (not delta-seconds), a quoted value starts with its quote (not a digit)
    return v == ABSENT
        || (Params.start(v) >= 0
            && SipValidator.isDeltaSeconds(buf, Params.start(v), Params.end(v)));
  }

  // paramValue: no parameter of that name
  private static final long ABSENT = Long.MIN_VALUE;

  /**
   * The value of the first header parameter named {@code name} (any case; a token name of ASCII
   * letters) as a {@link Params#span} of the bytes as written, start -1 for a flag; {@link #ABSENT}
   * if none. The walk of {@link #params(Cursor)} over the checked bytes, making nothing.
   */
  private long paramValue(String name) {
    Cursor c = new Cursor(buf, paramsStart, end);
    while (c.trySeparator(';')) {
      int ns = c.p;
      c.skipToken("parameter name");
      int ne = c.p;
      int vs = -1;
      if (c.trySeparator('=')) {
        vs = c.p;
        c.skipGenValue();
      }
      if (ne - ns == name.length() && StartLine.startsWithIgnoreCase(buf, ns, name)) {
        return vs < 0 ? Params.span(-1, ne) : Params.span(vs, c.p);
      }
    }
    return ABSENT;
  }

  /** Equal when every part is equal, as for a record of the parts. */
  @Override
  public boolean equals(Object o) {
    return o == this
        || (o instanceof NameAddress a
            && wildcard == a.wildcard
            && Objects.equals(displayName(), a.displayName())
            && Objects.equals(uri(), a.uri())
            && Objects.equals(params(), a.params()));
  }

  /** Combines the parts' hash codes in their order, as a record of the parts does. */
  @Override
  public int hashCode() {
    int h = Objects.hashCode(displayName());
    h = 31 * h + Objects.hashCode(uri());
    h = 31 * h + Objects.hashCode(params());
    return 31 * h + Boolean.hashCode(wildcard);
  }

  /** As a record of the parts writes itself. */
  @Override
  public String toString() {
    return "NameAddress[displayName="
        + displayName()
        + ", uri="
        + uri()
        + ", params="
        + params()
        + ", wildcard="
        + wildcard
        + "]";
  }

  /** Parses one name-addr / addr-spec value; throws {@link SipParseException}. */
  public static NameAddress parse(String value) {
    byte[] b = value.getBytes(StandardCharsets.UTF_8);
    return parse(b, 0, b.length, false);
  }

  /**
   * Parses the value in {@code [s, e)} of {@code b}: the whole grammar is checked now (a bad value
   * throws {@link SipParseException}), the parts are made when asked for. {@code b} must not be
   * changed afterwards.
   */
  static NameAddress parse(byte[] b, int s, int e, boolean allowWildcard) {
    return walk(b, s, e, allowWildcard, true);
  }

  /**
   * Checks the value as {@link #parse} does, with the same exceptions, and keeps nothing (for
   * {@link SipValidator}, which throws the result away).
   */
  static void check(byte[] b, int s, int e, boolean allowWildcard) {
    walk(b, s, e, allowWildcard, false);
  }

  /**
   * The grammar walk of {@link #parse} and {@link #check}: nothing is built while walking (the URI
   * in the walk's check mode, the display name and parameters skipped with the checks that making
   * them does); the parts' places are kept when {@code keep}.
   */
  private static NameAddress walk(byte[] b, int s, int e, boolean allowWildcard, boolean keep) {
    Cursor c = new Cursor(b, s, e);
    c.skipLws();
    if (allowWildcard && c.peek() == '*') {
      c.p++;
      c.skipLws();
      if (!c.atEnd()) {
        throw c.fail("junk after *");
      }
      return keep ? new NameAddress(null, null, List.of(), true) : null;
    }
    int displayKind = NO_DISPLAY;
    int displayStart = -1;
    int displayEnd = -1;
    int uriStart;
    int uriEnd;
    if (c.peek() == '"') {
      displayKind = QUOTED;
      displayStart = c.p;
      displayEnd = e;
      c.skipQuoted();
      c.skipLws();
      uriStart = bracketed(c);
      uriEnd = c.p - 1;
    } else if (c.peek() == '<') {
      uriStart = bracketed(c);
      uriEnd = c.p - 1;
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
        displayKind = TOKENS;
        displayStart = save;
        displayEnd = lastTokenEnd;
        uriStart = bracketed(c);
        uriEnd = c.p - 1;
      } else {
        c.p = save;
        uriStart = c.p;
        while (c.p < e
            && b[c.p] != ';'
            && !Chars.isWs(b[c.p])
            && b[c.p] != '\r'
            && b[c.p] != '\n') {
          c.p++;
        }
        uriEnd = c.p;
        // §20: a URI with a comma, question mark or semicolon must be in angle brackets.
        int sip = UriParser.check(b, uriStart, uriEnd);
        if (sip == UriParser.SIP_WITH_HEADERS
            || (sip == UriParser.SIP && hasComma(b, uriStart, uriEnd))) {
          throw new SipParseException("URI with '?' or ',' outside angle brackets", uriStart);
        }
      }
    }
    int paramsStart = c.p;
    skipParams(c);
    if (!c.atEnd()) {
      throw c.fail("unexpected character after name-addr");
    }
    return keep
        ? new NameAddress(
            b, displayKind, displayStart, displayEnd, uriStart, uriEnd, paramsStart, e)
        : null;
  }

  private static boolean hasComma(byte[] b, int s, int e) {
    for (int p = s; p < e; p++) {
      if (b[p] == ',') {
        return true;
      }
    }
    return false;
  }

  /** LAQUOT addr-spec RAQUOT with the URI checked; returns where the URI starts, after the '>'. */
  private static int bracketed(Cursor c) {
    c.expect('<', "before URI");
    int s = c.p;
    c.p = Swar.indexOfAny(c.b, c.p, c.e, GTS, GTS);
    if (c.p >= c.e) {
      throw c.fail("missing '>'");
    }
    UriParser.check(c.b, s, c.p);
    c.p++;
    return s;
  }

  /**
   * {@link #params} without making the list: the same checks, exceptions and end position (the name
   * by {@link Cursor#skipToken} as {@link Cursor#paramName} checks it, the value by {@link
   * Cursor#skipGenValue}).
   */
  static void skipParams(Cursor c) {
    while (c.trySeparator(';')) {
      c.skipToken("parameter name");
      if (c.trySeparator('=')) {
        c.skipGenValue();
      }
    }
    c.skipLws();
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
