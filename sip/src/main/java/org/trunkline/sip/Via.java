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
    Cursor c = new Cursor(b, s, e);
    c.skipLws();
    String name = c.token("protocol name");
    if (!c.trySeparator('/')) {
      throw c.fail("expected '/' in sent-protocol");
    }
    String version = c.token("protocol version");
    if (!c.trySeparator('/')) {
      throw c.fail("expected '/' in sent-protocol");
    }
    String transport = c.token("transport").toUpperCase(Locale.ROOT);
    int before = c.p;
    c.skipLws();
    if (c.p == before) {
      throw c.fail("expected whitespace before sent-by");
    }
    int hs = c.p;
    c.p = Hosts.hostEnd(b, c.p, e);
    String host = new String(b, hs, c.p - hs, StandardCharsets.ISO_8859_1);
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
    return new Via(name + "/" + version, transport, host, port, params);
  }

  private static void check(Param p, int at) {
    String v = p.value();
    switch (p.name().toLowerCase(Locale.ROOT)) {
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
