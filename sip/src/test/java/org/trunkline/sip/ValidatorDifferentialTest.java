package org.trunkline.sip;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.trunkline.sip.Vectors.Vector;

/**
 * The validator and the Via that check from the bytes (no Strings for Expires, a Contact's expires,
 * a media type's parameters, a Via's host and parameters) give the verdicts of the ones that made
 * Strings first: {@link Old} is a copy of both as they were on main {@code 585eb53}, run beside the
 * new code on the torture vectors and on generated messages and Vias.
 */
class ValidatorDifferentialTest {

  static List<Vector> vectors() {
    return Vectors.all();
  }

  private static SipMessage parse(byte[] b) {
    return new SipParser().parseDatagram(b);
  }

  @ParameterizedTest
  @MethodSource("vectors")
  void everyVectorGetsTheOldVerdict(Vector v) {
    byte[] b = v.bytes();
    assertThat(SipValidator.validate(parse(b))).isEqualTo(Old.validate(parse(b)));
  }

  // ---- generated messages ----

  private static final String[] REQUEST_LINES = {
    "INVITE sip:+4930123456789@198.51.100.20:5060;user=phone SIP/2.0",
    "REGISTER sip:198.51.100.20 SIP/2.0",
    "OPTIONS sip:a@example.com SIP/2.0",
  };

  private static final String[] VIA_PARAMS = {
    "",
    ";branch=z9hG4bK-1",
    ";branch=z9hG4bK-1;rport",
    ";rport=5060",
    ";rport=65535",
    ";rport=65536",
    ";rport=123456",
    ";rport=abc",
    ";rport=\"5060\"",
    ";RPORT=1",
    ";ttl=1",
    ";ttl=255",
    ";ttl=256",
    ";ttl=0255",
    ";ttl",
    ";TTL=x",
    ";received=1.2.3.4",
    ";received=1.2.3.256",
    ";received=::1",
    ";received=[::1]",
    ";received=[::1",
    ";received=\"1.2.3.4\"",
    ";received",
    ";received=host.example",
    ";Received=2001:db8::1",
    ";maddr",
    ";MADDR",
    ";maddr=224.2.0.1",
    ";maddr=\"\"",
    ";branch",
    ";branch=\"z9hG4bK\"",
    ";branch=[::1]",
    ";Branch=z9hG4bK;branch",
    ";x=y",
    ";ttlx=1",
    " ; branch = z9hG4bK ",
    ";branch=z9;ttl=300;rport=70000",
    ";ttl=300;maddr",
    ";maddr;ttl=300",
    ";=x",
    ";branch=a b",
    ";branch=é",
  };

  private static final String[] VIA_HEADS = {
    "SIP/2.0/UDP 203.0.113.10:5060",
    "SIP/2.0/TCP host.example",
    "SIP / 2.0 / tls [2001:db8::1]:5061",
    "SIP/2.0/UDP 203.0.113.10:70000",
    "SIP/2.0/UDP",
    "SIP/2.0 /UDP h",
  };

  private static final String[] CONTACTS = {
    "<sip:acme@203.0.113.50:5060>",
    "<sip:acme@203.0.113.50:5060>;expires=3600",
    "<sip:acme@203.0.113.50:5060>;expires=0",
    "<sip:acme@203.0.113.50:5060>;expires=4294967295",
    "<sip:acme@203.0.113.50:5060>;expires=4294967296",
    "<sip:acme@203.0.113.50:5060>;expires=12345678901",
    "<sip:acme@203.0.113.50:5060>;expires",
    "<sip:acme@203.0.113.50:5060>;EXPIRES=60;expires=x",
    "<sip:acme@203.0.113.50:5060>;expires=x;expires=60",
    "<sip:acme@203.0.113.50:5060>;expires=\"60\"",
    "<sip:acme@203.0.113.50:5060>;q=0.5;expires=60",
    "<sip:acme@203.0.113.50:5060> ; expires = 60 ",
    "<sip:acme@203.0.113.50:5060>;expires=+60",
    "<sip:acme@203.0.113.50:5060>;expires=6a",
    "\"A\" <sip:a@h;expires=x>;expires=7",
    "sip:a@h;expires=9",
    "sip:a@h;expires=z",
    "*",
    "<sip:a@h>, <sip:b@h>;expires=1",
    "<sip:a@h>;expires=1, <sip:b@h>;expires=-1",
    "<sip:a@h>;expires=[::1]",
  };

  private static final String[] EXPIRES = {
    "3600",
    "0",
    "4294967295",
    "4294967296",
    "12345678901",
    "0000000001",
    "",
    "36 00",
    "+3",
    "-1",
    "3600x",
    "٣",
    "３",
    "\"3\"",
    "99999999999999999999",
  };

  private static final String[] CONTENT_TYPES = {
    "application/sdp",
    "application/sdp;charset=utf-8",
    "application/sdp;x",
    "application/sdp ; a=b ; c",
    "application/sdp ; a=b ; c=d ",
    "text/plain;q=\"x\"",
    "text/plain;q=\"x",
    "multipart/mixed;boundary=unique-boundary-1",
    "bad",
    "a/b junk",
    "a/b;=x",
    "a/b;x;y=\"",
    "a / b",
  };

  private static final String[] FROMS = {
    "\"ACME Carrier\" <sip:+4989987654321@203.0.113.10;user=phone>;tag=as6f1c2b3d",
    "<sip:a@h>;tag=\"x\"",
    "<sip:a@h>;tag",
    "<sip:a@h>;TAG=abc;tag=\"q\"",
    "sip:a@h;tag=1",
  };

  private static final char[] NOISE = {
    ';', '=', '"', ',', '<', '>', ':', ' ', '\t', '0', '9', 'a', 'Z', '[', ']', '.', '-', '\\', '/',
    '*', '%', 'é',
  };

  private static String pick(Random r, String[] pool) {
    return pool[r.nextInt(pool.length)];
  }

  /** One of the pool's values, a random mix of its parameters, or a value with a byte changed. */
  private static String mutate(Random r, String v) {
    if (v.isEmpty() || r.nextInt(3) != 0) {
      return v;
    }
    StringBuilder s = new StringBuilder(v);
    int n = 1 + r.nextInt(2);
    for (int i = 0; i < n; i++) {
      int at = r.nextInt(s.length() + 1);
      switch (r.nextInt(3)) {
        case 0 -> s.insert(at, NOISE[r.nextInt(NOISE.length)]);
        case 1 -> {
          if (at < s.length()) {
            s.deleteCharAt(at);
          }
        }
        default -> {
          if (at < s.length()) {
            s.setCharAt(at, NOISE[r.nextInt(NOISE.length)]);
          }
        }
      }
    }
    return s.toString();
  }

  private static String via(Random r) {
    if (r.nextInt(4) != 0) {
      return "SIP/2.0/UDP 203.0.113.10:5060;branch=z9hG4bK-1;rport";
    }
    return randomVia(r);
  }

  /** A Via of the pools' pieces, never the usual one. */
  private static String randomVia(Random r) {
    StringBuilder v = new StringBuilder(pick(r, VIA_HEADS));
    int n = r.nextInt(4);
    for (int i = 0; i < n; i++) {
      v.append(pick(r, VIA_PARAMS));
    }
    return mutate(r, v.toString());
  }

  static String message(Random r) {
    StringBuilder m = new StringBuilder(pick(r, REQUEST_LINES)).append("\r\n");
    int vias = 1 + r.nextInt(2);
    for (int i = 0; i < vias; i++) {
      m.append("Via: ").append(via(r));
      if (r.nextInt(4) == 0) {
        m.append(", ").append(via(r));
      }
      m.append("\r\n");
    }
    m.append("Max-Forwards: 70\r\n");
    m.append("From: ").append(mutate(r, pick(r, FROMS))).append("\r\n");
    m.append("To: <sip:+4930123456789@198.51.100.20;user=phone>\r\n");
    m.append("Call-ID: 3c26d2a84f1e4b7c9a0d5e6f7a8b9c0d@203.0.113.10\r\n");
    m.append("CSeq: 102 INVITE\r\n");
    if (r.nextBoolean()) {
      m.append("Contact: ").append(mutate(r, pick(r, CONTACTS))).append("\r\n");
    }
    if (r.nextBoolean()) {
      m.append(r.nextBoolean() ? "Expires: " : "Min-Expires: ")
          .append(mutate(r, pick(r, EXPIRES)))
          .append("\r\n");
    }
    if (r.nextBoolean()) {
      m.append("Content-Type: ").append(mutate(r, pick(r, CONTENT_TYPES))).append("\r\n");
    }
    m.append("Content-Length: 0\r\n\r\n");
    return m.toString();
  }

  @Test
  void generatedMessagesGetTheOldVerdict() {
    Random r = new Random(1128);
    int ok = 0;
    int headerErrors = 0;
    int[] byHeader = new int[4];
    List<String> headers = List.of("Via", "Contact", "Expires", "Content-Type");
    for (int i = 0; i < 100_000; i++) {
      byte[] b = message(r).getBytes(StandardCharsets.UTF_8);
      ParseError expected = Old.validate(parse(b));
      ParseError actual = SipValidator.validate(parse(b));
      assertThat(actual).as(new String(b, StandardCharsets.UTF_8)).isEqualTo(expected);
      if (expected == null) {
        ok++;
      } else if (expected.kind() == ErrorKind.BAD_HEADER) {
        headerErrors++;
        int h = headers.indexOf(expected.header());
        if (h >= 0) {
          byHeader[h]++;
        }
      }
    }
    // both verdicts, and a problem in each header this compares, are reached often
    assertThat(ok).isGreaterThan(2_000);
    assertThat(headerErrors).isGreaterThan(10_000);
    for (int h = 0; h < byHeader.length; h++) {
      assertThat(byHeader[h]).as(headers.get(h)).isGreaterThan(1_000);
    }
  }

  /**
   * The old Via and the new give the same parts, equality, hash and text, or the same exception.
   */
  @Test
  void generatedViasParseAsTheOldViaDid() {
    Random r = new Random(29);
    int ok = 0;
    int failed = 0;
    for (int i = 0; i < 200_000; i++) {
      String v = r.nextBoolean() ? via(r) : randomVia(r);
      String expected;
      Old.Via old = null;
      try {
        old = Old.Via.parse(v);
        expected = "= " + old;
      } catch (SipParseException x) {
        expected = "! " + x.getMessage() + " @" + x.offset();
      }
      String actual;
      Via now = null;
      try {
        now = Via.parse(v);
        actual = "= " + now;
      } catch (SipParseException x) {
        actual = "! " + x.getMessage() + " @" + x.offset();
      }
      assertThat(actual).as(v).isEqualTo(expected);
      if (old == null) {
        failed++;
        continue;
      }
      ok++;
      // each part, then the record methods; a fresh parse for each so that no part is made early
      assertThat(Via.parse(v).hashCode()).as(v).isEqualTo(old.hashCode());
      Via fresh = Via.parse(v);
      assertThat(fresh.params()).isEqualTo(old.params());
      assertThat(fresh.host()).isEqualTo(old.host());
      assertThat(List.of(fresh.protocol(), fresh.transport(), fresh.port(), fresh.branch() + ""))
          .isEqualTo(List.of(old.protocol(), old.transport(), old.port(), old.branch() + ""));
      Via built = new Via(old.protocol(), old.transport(), old.host(), old.port(), old.params());
      assertThat(Via.parse(v)).isEqualTo(built);
      assertThat(built).isEqualTo(Via.parse(v));
      assertThat(built.hashCode()).isEqualTo(now.hashCode());
    }
    assertThat(ok).isGreaterThan(20_000);
    assertThat(failed).isGreaterThan(20_000);
  }

  @Test
  void aParsedViaKeepsItsPartsOnceMade() {
    Via v = Via.parse("SIP/2.0/UDP 203.0.113.10:5060;branch=z9hG4bK-1;rport");
    assertThat(v.host()).isSameAs(v.host()).isEqualTo("203.0.113.10");
    assertThat(v.params()).isSameAs(v.params()).hasSize(2);
    assertThat(v.branch()).isEqualTo("z9hG4bK-1");
    assertThat(v.param("RPORT")).isEmpty();
    assertThat(v.toString())
        .isEqualTo(
            "Via[protocol=SIP/2.0, transport=UDP, host=203.0.113.10, port=5060,"
                + " params=[branch=z9hG4bK-1, rport]]");
  }

  @Test
  void deltaSecondsFromBytesIsTheStringTest() {
    Random r = new Random(7);
    byte[] alphabet = "0123456789 +-x\"".getBytes(StandardCharsets.ISO_8859_1);
    for (int i = 0; i < 200_000; i++) {
      byte[] b = new byte[r.nextInt(13)];
      for (int j = 0; j < b.length; j++) {
        b[j] =
            r.nextInt(4) == 0 ? alphabet[r.nextInt(alphabet.length)] : (byte) ('0' + r.nextInt(10));
      }
      if (r.nextInt(50) == 0) {
        b = "4294967295".getBytes(StandardCharsets.ISO_8859_1);
        b[9] += (byte) r.nextInt(2);
      }
      String s = new String(b, StandardCharsets.ISO_8859_1);
      assertThat(SipValidator.isDeltaSeconds(b, 0, b.length))
          .as(s)
          .isEqualTo(SipValidator.isDeltaSeconds(s));
    }
    for (int c = 0; c < 256; c++) {
      byte[] b = {(byte) c};
      assertThat(SipValidator.isDeltaSeconds(b, 0, 1))
          .isEqualTo(SipValidator.isDeltaSeconds(new String(b, StandardCharsets.ISO_8859_1)));
    }
  }

  /** The validator and Via as they were on main 585eb53, without keeping values for accessors. */
  static final class Old {
    private Old() {}

    static ParseError validate(SipMessage m) {
      if (m.error != null) {
        return m.error;
      }
      if (m.request && m.uriEnd > m.uriStart) {
        ErrorKind uriProblem = requestUri(m);
        if (uriProblem != null) {
          return new ParseError(uriProblem, null, 1, m.uriStart - m.start + 1);
        }
      }
      for (int i = 0; i < m.headerCount; i++) {
        HeaderName n = m.knownName(i);
        if (n == null) {
          continue;
        }
        try {
          check(m, i, n);
        } catch (SipParseException x) {
          return m.errorAt(ErrorKind.BAD_HEADER, i, x.offset());
        }
      }
      return null;
    }

    private static ErrorKind requestUri(SipMessage m) {
      Uri u;
      try {
        u = UriParser.parse(m.buf, m.uriStart, m.uriEnd);
      } catch (SipParseException x) {
        return ErrorKind.BAD_REQUEST_URI;
      }
      if (u instanceof SipUri su && !su.headers().isEmpty()) {
        return ErrorKind.BAD_REQUEST_URI;
      }
      if (u instanceof AbsoluteUri) {
        return ErrorKind.UNSUPPORTED_URI_SCHEME;
      }
      return null;
    }

    private static void check(SipMessage m, int i, HeaderName n) {
      byte[] b = m.buf;
      int s = m.valueStart(i);
      int e = m.valueEnd(i);
      if (n == HeaderName.VIA) {
        SipValidator.forEachValue(m, i, (vs, ve) -> Via.parse(b, vs, ve));
      } else if (n == HeaderName.FROM || n == HeaderName.TO) {
        NameAddress a = NameAddress.parse(b, s, e, false);
        String t = a.tag();
        if (t != null && !Chars.isToken(t)) {
          throw new SipParseException("tag is not a token", s);
        }
      } else if (n == HeaderName.CONTACT) {
        boolean register = m.method == SipMethod.REGISTER;
        SipValidator.forEachValue(
            m,
            i,
            (vs, ve) -> {
              NameAddress a = NameAddress.parse(b, vs, ve, register);
              String expires = a.param("expires");
              if (expires != null && !isDeltaSeconds(expires)) {
                throw new SipParseException("bad Contact expires", vs);
              }
            });
      } else if (n == HeaderName.ROUTE || n == HeaderName.RECORD_ROUTE) {
        SipValidator.forEachValue(m, i, (vs, ve) -> NameAddress.parse(b, vs, ve, false));
      } else if (n == HeaderName.PATH
          || n == HeaderName.SERVICE_ROUTE
          || n == HeaderName.P_ASSERTED_IDENTITY) {
        SipValidator.forEachValue(m, i, (vs, ve) -> NameAddress.parse(b, vs, ve, false));
      } else if (n == HeaderName.REPLY_TO
          || n == HeaderName.REFER_TO
          || n == HeaderName.REFERRED_BY) {
        NameAddress.parse(b, s, e, false);
      } else if (n == HeaderName.EXPIRES || n == HeaderName.MIN_EXPIRES) {
        if (!isDeltaSeconds(m.ascii(s, e))) {
          throw new SipParseException("bad delta-seconds", s);
        }
      } else if (n == HeaderName.CONTENT_TYPE) {
        mediaType(new Cursor(b, s, e));
      } else if (n == HeaderName.REQUIRE
          || n == HeaderName.PROXY_REQUIRE
          || n == HeaderName.SUPPORTED
          || n == HeaderName.UNSUPPORTED
          || n == HeaderName.ALLOW) {
        tokenList(b, s, e);
      } else if (n == HeaderName.DATE) {
        Dates.check(b, s, e);
      }
    }

    static boolean isDeltaSeconds(String v) {
      return v.length() > 0
          && v.length() <= 10
          && v.chars().allMatch(Character::isDigit)
          && Long.parseLong(v) <= 0xffffffffL;
    }

    static void mediaType(Cursor c) {
      c.skipLws();
      c.skipToken("media type");
      if (!c.trySeparator('/')) {
        throw c.fail("expected '/' in media type");
      }
      c.skipToken("media subtype");
      List<Param> params = NameAddress.params(c);
      for (Param p : params) {
        if (p.value() == null) {
          throw c.fail("media type parameter without value");
        }
      }
      if (!c.atEnd()) {
        throw c.fail("unexpected character in media type");
      }
    }

    private static void tokenList(byte[] b, int s, int e) {
      Cursor c = new Cursor(b, s, e);
      c.skipLws();
      if (c.atEnd()) {
        return;
      }
      do {
        c.skipToken("option tag");
      } while (c.trySeparator(','));
      c.skipLws();
      if (!c.atEnd()) {
        throw c.fail("unexpected character in list");
      }
    }

    /** The Via record as it was, with its eager parse. */
    record Via(String protocol, String transport, String host, int port, List<Param> params) {

      String branch() {
        for (Param p : params) {
          if (p.name().equalsIgnoreCase("branch")) {
            return p.value() == null ? "" : p.value();
          }
        }
        return null;
      }

      static Via parse(String value) {
        byte[] b = value.getBytes(StandardCharsets.UTF_8);
        return parse(b, 0, b.length);
      }

      static Via parse(byte[] b, int s, int e) {
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
          port = org.trunkline.sip.Via.number(c, 65535, "port");
        }
        List<Param> params = NameAddress.params(c);
        if (!c.atEnd()) {
          throw c.fail("unexpected character in Via");
        }
        for (Param p : params) {
          check(p, s);
        }
        String transport = new String(b, ts, te - ts, StandardCharsets.ISO_8859_1);
        return new Via(
            new String(b, ns, ne - ns, StandardCharsets.ISO_8859_1)
                + "/"
                + new String(b, vs, ve - vs, StandardCharsets.ISO_8859_1),
            transport.toUpperCase(Locale.ROOT),
            new String(b, hs, he - hs, StandardCharsets.ISO_8859_1),
            port,
            params);
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
    }
  }
}
