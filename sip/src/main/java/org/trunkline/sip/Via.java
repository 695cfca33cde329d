package org.trunkline.sip;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * One Via value (RFC 3261 §20.42, RFC 3581 rport). Immutable.
 *
 * @param protocol e.g. {@code SIP/2.0}
 * @param transport upper case: {@code UDP}, {@code TCP}, {@code TLS}, {@code SCTP}, or any token
 * @param host sent-by host (IPv6 in brackets)
 * @param port sent-by port, -1 when absent
 * @param params via-params in order
 */
public record Via(String protocol, String transport, String host, int port, List<Param> params) {

  public String param(String name) {
    for (Param p : params) {
      if (p.name().equalsIgnoreCase(name)) {
        return p.value() == null ? "" : p.value();
      }
    }
    return null;
  }

  public String branch() {
    return param("branch");
  }

  /** Parses one via-parm; throws {@link SipParseException}. */
  public static Via parse(String value) {
    byte[] b = value.getBytes(StandardCharsets.UTF_8);
    return parse(b, 0, b.length);
  }

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
    List<Param> params = NameAddress.params(c);
    if (!c.atEnd()) {
      throw c.fail("unexpected character in Via");
    }
    for (Param p : params) {
      check(p, s);
    }
    if (!build) {
      return null;
    }
    return new Via(
        protocol(b, ns, ne, vs, ve),
        transport(b, ts, te),
        new String(b, hs, he - hs, StandardCharsets.ISO_8859_1),
        port,
        params);
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

  private static void check(Param p, int at) {
    String v = p.value();
    // names are tokens (ASCII), so equalsIgnoreCase is the toLowerCase(Locale.ROOT) comparison
    switch (known(p.name())) {
      case "ttl" -> {
        if (v == null || !v.matches("[0-9]{1,3}") || Integer.parseInt(v) > 255) {
          throw new SipParseException("bad Via ttl", at);
        }
      }
      case "received" -> {
        byte[] r = v == null ? new byte[0] : v.getBytes(StandardCharsets.ISO_8859_1);
        boolean v6 =
            r.length > 2
                && r[0] == '['
                && r[r.length - 1] == ']'
                && Hosts.isIpv6(r, 1, r.length - 1);
        if (!Hosts.isIpv4(r, 0, r.length) && !Hosts.isIpv6(r, 0, r.length) && !v6) {
          throw new SipParseException("bad Via received", at);
        }
      }
      case "rport" -> {
        if (v != null && (!v.matches("[0-9]{1,5}") || Integer.parseInt(v) > 65535)) {
          throw new SipParseException("bad Via rport", at);
        }
      }
      case "branch" -> {
        // §25.1: via-branch = "branch" EQUAL token; the routing index reads it unquoted
        if (v == null || !Chars.isToken(v)) {
          throw new SipParseException("Via branch is not a token", at);
        }
      }
      case "maddr" -> {
        if (v == null || v.isEmpty()) {
          throw new SipParseException("empty Via " + p.name(), at);
        }
      }
      default -> {}
    }
  }

  private static final String[] CHECKED = {"ttl", "received", "rport", "branch", "maddr"};

  /** The checked parameter name {@code name} is (any case), or "" for any other name. */
  private static String known(String name) {
    for (String k : CHECKED) {
      if (k.equalsIgnoreCase(name)) {
        return k;
      }
    }
    return "";
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
