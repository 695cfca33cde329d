package org.trunkline.sip;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One Via value (RFC 3261 §20.42, RFC 3581 rport). Immutable and safe to share between threads.
 *
 * <p>A parsed Via is checked by its whole grammar when parsed (a bad one throws then), but keeps
 * only where its host and parameters are in the bytes it was parsed from; the host String and the
 * parameter list are made when first asked for (the validator checks every Via of every message,
 * and most are never read again beyond the branch the scan indexed). Until then it holds the bytes
 * it was parsed from (a message's buffer). The accessors, {@code equals}, {@code hashCode} and
 * {@code toString} are those of the record {@code Via(protocol, transport, host, port, params)}
 * this class was.
 */
public final class Via {
  private final String protocol;
  private final String transport;
  private final int port;
  // the bytes a parsed Via was read from; null for one built from its parts
  private final byte[] buf;
  private final int hostStart;
  private final int hostEnd;
  // where the via-params start (before the first SEMI) and the value's end
  private final int paramsStart;
  private final int end;
  // made when first asked for (parsed values); a race makes equal copies, and a String or an
  // unmodifiable List of records is safe to publish without a lock
  private String host;
  private List<Param> params;

  /**
   * A Via from its parts.
   *
   * @param protocol e.g. {@code SIP/2.0}
   * @param transport upper case: {@code UDP}, {@code TCP}, {@code TLS}, {@code SCTP}, or any token
   * @param host sent-by host (IPv6 in brackets)
   * @param port sent-by port, -1 when absent
   * @param params via-params in order
   */
  public Via(String protocol, String transport, String host, int port, List<Param> params) {
    this.protocol = protocol;
    this.transport = transport;
    this.host = host;
    this.port = port;
    this.params = params;
    this.buf = null;
    this.hostStart = -1;
    this.hostEnd = -1;
    this.paramsStart = -1;
    this.end = -1;
  }

  private Via(
      String protocol,
      String transport,
      byte[] buf,
      int hostStart,
      int hostEnd,
      int port,
      int paramsStart,
      int end) {
    this.protocol = protocol;
    this.transport = transport;
    this.port = port;
    this.buf = buf;
    this.hostStart = hostStart;
    this.hostEnd = hostEnd;
    this.paramsStart = paramsStart;
    this.end = end;
  }

  /** e.g. {@code SIP/2.0}. */
  public String protocol() {
    return protocol;
  }

  /** Upper case: {@code UDP}, {@code TCP}, {@code TLS}, {@code SCTP}, or any token. */
  public String transport() {
    return transport;
  }

  /** The sent-by host (IPv6 in brackets). */
  public String host() {
    String h = host;
    if (h == null && buf != null) {
      host = h = new String(buf, hostStart, hostEnd - hostStart, StandardCharsets.ISO_8859_1);
    }
    return h;
  }

  /** The sent-by port, -1 when absent. */
  public int port() {
    return port;
  }

  /** The via-params in order (unmodifiable for a parsed Via). */
  public List<Param> params() {
    List<Param> p = params;
    if (p == null && buf != null) {
      // the walk the parse checked, from the same place: it cannot throw
      params = p = NameAddress.params(new Cursor(buf, paramsStart, end));
    }
    return p;
  }

  public String param(String name) {
    for (Param p : params()) {
      if (p.name().equalsIgnoreCase(name)) {
        return p.value() == null ? "" : p.value();
      }
    }
    return null;
  }

  public String branch() {
    return param("branch");
  }

  /** Equal when every part is equal, as for a record of the parts. */
  @Override
  public boolean equals(Object o) {
    return o == this
        || (o instanceof Via v
            && port == v.port
            && Objects.equals(protocol, v.protocol)
            && Objects.equals(transport, v.transport)
            && Objects.equals(host(), v.host())
            && Objects.equals(params(), v.params()));
  }

  /** Combines the parts' hash codes in their order, as a record of the parts does. */
  @Override
  public int hashCode() {
    int h = Objects.hashCode(protocol);
    h = 31 * h + Objects.hashCode(transport);
    h = 31 * h + Objects.hashCode(host());
    h = 31 * h + Integer.hashCode(port);
    return 31 * h + Objects.hashCode(params());
  }

  /** As a record of the parts writes itself. */
  @Override
  public String toString() {
    return "Via[protocol="
        + protocol
        + ", transport="
        + transport
        + ", host="
        + host()
        + ", port="
        + port
        + ", params="
        + params()
        + "]";
  }

  /** Parses one via-parm; throws {@link SipParseException}. */
  public static Via parse(String value) {
    byte[] b = value.getBytes(StandardCharsets.UTF_8);
    return parse(b, 0, b.length);
  }

  /**
   * Parses the Via in {@code [s, e)} of {@code b}: the whole grammar is checked now (a bad value
   * throws {@link SipParseException}), the host and parameters are made when asked for. {@code b}
   * must not be changed afterwards.
   */
  static Via parse(byte[] b, int s, int e) {
    return parse(b, s, e, true);
  }

  /**
   * Checks one via-parm as {@link #parse} does, with the same exceptions, without making the
   * protocol, transport and host Strings (for {@link SipValidator}).
   */
  static void check(byte[] b, int s, int e) {
    parse(b, s, e, false);
  }

  private static Via parse(byte[] b, int s, int e, boolean build) {
    Cursor c = new Cursor(b, s, e);
    c.skipLws();
    int ns = c.p;
    c.skipToken("protocol name");
    int ne = c.p;
    if (!c.trySeparator('/')) {
      throw c.fail("expected '/' in sent-protocol");
    }
    int vs = c.p;
    c.skipToken("protocol version");
    int ve = c.p;
    if (!c.trySeparator('/')) {
      throw c.fail("expected '/' in sent-protocol");
    }
    int ts = c.p;
    c.skipToken("transport");
    int te = c.p;
    int before = c.p;
    c.skipLws();
    if (c.p == before) {
      throw c.fail("expected whitespace before sent-by");
    }
    int hs = c.p;
    c.p = Hosts.hostEnd(b, c.p, e);
    int he = c.p;
    int port = -1;
    if (c.trySeparator(':')) {
      port = number(c, 65535, "port");
    }
    int paramsStart = c.p;
    // the walk of NameAddress.params without the list; a parameter's own check (ttl, received,
    // ...) is reported only after the whole walk and the end check, as when the list was checked
    long bad = checkParams(c);
    if (!c.atEnd()) {
      throw c.fail("unexpected character in Via");
    }
    if (bad != GOOD) {
      throw badParam(b, e, bad, s);
    }
    if (!build) {
      return null;
    }
    return new Via(
        protocol(b, ns, ne, vs, ve), transport(b, ts, te), b, hs, he, port, paramsStart, e);
  }

  // checkParams: every parameter passed its check
  private static final long GOOD = -1L;

  // what the first failing parameter was, in the low bits of checkParams' result
  private static final int TTL = 1;
  private static final int RECEIVED = 2;
  private static final int RPORT = 3;
  private static final int BRANCH = 4;
  private static final int MADDR = 5;

  /**
   * *( SEMI via-params ) as {@link NameAddress#params} walks them (the same checks, exceptions and
   * end position), each parameter checked by its name from its bytes as {@code check(Param)} did
   * from the list's Strings. Returns {@link #GOOD}, or the first failing parameter: its name's
   * start and its check ({@code TTL}, ...), packed as {@code start << 8 | check}.
   */
  private static long checkParams(Cursor c) {
    byte[] b = c.b;
    long bad = GOOD;
    while (c.trySeparator(';')) {
      int ns = c.p;
      c.skipToken("parameter name");
      int ne = c.p;
      int vs = -1;
      if (c.trySeparator('=')) {
        vs = c.p;
        c.skipGenValue();
      }
      if (bad == GOOD) {
        int k = checkParam(b, ns, ne, vs, c.p);
        if (k != 0) {
          bad = (long) ns << 8 | k;
        }
      }
    }
    c.skipLws();
    return bad;
  }

  /**
   * The check that fails for the parameter named {@code [ns, ne)} (a token) with the value {@code
   * [vs, ve)} as written ({@code vs} -1 for a flag; a quoted value with its quotes), or 0.
   */
  private static int checkParam(byte[] b, int ns, int ne, int vs, int ve) {
    switch (ne - ns) {
      case 3 -> {
        // ttl = 1*3DIGIT, at most 255
        if (StartLine.startsWithIgnoreCase(b, ns, "ttl")
            && (vs < 0 || !digits(b, vs, ve, 3) || number(b, vs, ve) > 255)) {
          return TTL;
        }
      }
      case 8 -> {
        // received = IPv4address / IPv6address, or an IPv6 reference (RFC 5118); a flag, a quoted
        // value or a name is none of them
        if (StartLine.startsWithIgnoreCase(b, ns, "received")
            && (vs < 0
                || !(Hosts.isIpv4(b, vs, ve)
                    || Hosts.isIpv6(b, vs, ve)
                    || (ve - vs > 2
                        && b[vs] == '['
                        && b[ve - 1] == ']'
                        && Hosts.isIpv6(b, vs + 1, ve - 1))))) {
          return RECEIVED;
        }
      }
      case 5 -> {
        if (StartLine.startsWithIgnoreCase(b, ns, "rport")) {
          // RFC 3581: rport as a flag, or 1*5DIGIT at most 65535
          if (vs >= 0 && (!digits(b, vs, ve, 5) || number(b, vs, ve) > 65535)) {
            return RPORT;
          }
        } else if (StartLine.startsWithIgnoreCase(b, ns, "maddr") && vs < 0) {
          // a value is never empty (gen-value is not), so only the flag fails
          return MADDR;
        }
      }
      case 6 -> {
        // §25.1: via-branch = "branch" EQUAL token; the routing index reads it unquoted
        if (StartLine.startsWithIgnoreCase(b, ns, "branch")
            && (vs < 0 || !Chars.all(b, vs, ve, Chars.TOKEN))) {
          return BRANCH;
        }
      }
      default -> {}
    }
    return 0;
  }

  /** Whether {@code [s, e)} is 1 to {@code max} ASCII digits. */
  private static boolean digits(byte[] b, int s, int e, int max) {
    if (e <= s || e - s > max) {
      return false;
    }
    for (int p = s; p < e; p++) {
      if (!Chars.isDigit(b[p])) {
        return false;
      }
    }
    return true;
  }

  /** The value of the digits {@code [s, e)} (at most 5 of them). */
  private static int number(byte[] b, int s, int e) {
    int v = 0;
    for (int p = s; p < e; p++) {
      v = v * 10 + (b[p] - '0');
    }
    return v;
  }

  /**
   * The exception {@code check(Param)} threw for the failing parameter {@code bad}, at {@code at}.
   */
  private static SipParseException badParam(byte[] b, int e, long bad, int at) {
    String message =
        switch ((int) bad & 0xff) {
          case TTL -> "bad Via ttl";
          case RECEIVED -> "bad Via received";
          case RPORT -> "bad Via rport";
          case BRANCH -> "Via branch is not a token";
          default -> {
            // the name is the run of token bytes from its start
            int ns = (int) (bad >>> 8);
            int ne = ns;
            while (ne < e && Chars.isToken(b[ne])) {
              ne++;
            }
            yield "empty Via " + new String(b, ns, ne - ns, StandardCharsets.ISO_8859_1);
          }
        };
    return new SipParseException(message, at);
  }

  /** name "/" version as written; the usual {@code SIP/2.0} is a constant. */
  private static String protocol(byte[] b, int ns, int ne, int vs, int ve) {
    if (ne - ns == 3
        && ve - vs == 3
        && b[ns] == 'S'
        && b[ns + 1] == 'I'
        && b[ns + 2] == 'P'
        && b[vs] == '2'
        && b[vs + 1] == '.'
        && b[vs + 2] == '0') {
      return "SIP/2.0";
    }
    return new String(b, ns, ne - ns, StandardCharsets.ISO_8859_1)
        + "/"
        + new String(b, vs, ve - vs, StandardCharsets.ISO_8859_1);
  }

  /** The transport token in upper case; the usual ones are constants. */
  private static String transport(byte[] b, int s, int e) {
    if (e - s == 3) {
      int c0 = b[s] & 0xdf;
      int c1 = b[s + 1] & 0xdf;
      int c2 = b[s + 2] & 0xdf;
      if (c0 == 'U' && c1 == 'D' && c2 == 'P') {
        return "UDP";
      }
      if (c0 == 'T' && c1 == 'C' && c2 == 'P') {
        return "TCP";
      }
      if (c0 == 'T' && c1 == 'L' && c2 == 'S') {
        return "TLS";
      }
    }
    return new String(b, s, e - s, StandardCharsets.ISO_8859_1).toUpperCase(Locale.ROOT);
  }

  static int number(Cursor c, long max, String what) {
    int s = c.p;
    long v = 0;
    while (c.p < c.e && Chars.isDigit(c.b[c.p]) && v <= max) {
      v = v * 10 + (c.b[c.p++] - '0');
    }
    if (c.p == s || v > max) {
      c.p = s;
      throw c.fail("bad " + what);
    }
    return (int) v;
  }
}
