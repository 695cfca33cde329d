package org.trunkline.sip;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A parsed name-addr keeps where its parts are and makes them when asked for (eighth parser
 * session); it must give what the parse that built every part at once gave. The reference below is
 * that parse as it was on main at 70bd28f ({@code NameAddress.parse} with {@code build} true), run
 * over random values made mostly of the bytes the walk decides on. A result is the parts (display
 * name, URI, parameters, wildcard) or the exception's message and offset. A parsed SIP URI makes
 * its text and parts from the bytes when asked for; they must be what cutting its text gave.
 */
class LazyNameAddressTest {
  private static final long GTS = Swar.of('>');

  private static final String[] PIECES = {
    "\"",
    "\"ACME Carrier\" ",
    "\"a\\\"b\"",
    "\"\u00e9\"",
    "Bob ",
    "J. Doe",
    " ",
    "\t",
    "\r\n ",
    "<",
    ">",
    "*",
    "sip:a@b",
    "sip:+4989987654321@203.0.113.10;user=phone",
    "sips:%41@h.example:5061;transport=tls;lr",
    "sip:x@[2001:db8::1]:5060",
    "sip:h?subject=x&y",
    "sip:a,b@c",
    "sip:",
    "tel:+1-555",
    "tel:12;phone-context=x",
    "isbn:2983792873",
    "urn:bad char",
    ";tag=as6f1c2b3d",
    ";TAG=x",
    ";tag",
    ";tag=\"q\"",
    ";tag=[::1]",
    ";tag=a:b",
    ";expires=60",
    ";q=0.5",
    ";lr",
    " ; tag = y ",
    ";",
    "=",
    ",",
    "x",
    "\u0001",
    "\u00e9"
  };

  private static final String[] DISPLAYS = {
    "", "", "\"ACME Carrier\" ", "\"a\\\"b\"", "Bob ", "J. Doe ", "\"\u00e9\"", "\"\"", "x"
  };
  private static final String[] URIS = {
    "sip:a@b",
    "sip:+4989987654321@203.0.113.10;user=phone",
    "sips:%41@h.example:5061;transport=tls;lr",
    "sip:x@[2001:db8::1]:5060",
    "sip:h?subject=x&y",
    "sip:a,b@c",
    "tel:+1-555",
    "isbn:2983792873",
    "sip:"
  };
  private static final String[] PARAMS = {
    ";tag=as6f1c2b3d",
    ";TAG=x",
    ";tag",
    ";tag=\"q\"",
    ";tag=[::1]",
    ";tag=a:b",
    " ; tag = y ",
    ";expires=60",
    ";q=0.5",
    ";lr",
    ";",
    "\r\n ;x=1"
  };

  private static String pick(Random random, String[] pieces) {
    return pieces[random.nextInt(pieces.length)];
  }

  @Test
  void theLazyPartsAreWhatTheEagerParseBuilt() {
    Random random = new Random(83);
    int good = 0;
    int displayNames = 0;
    int tags = 0;
    int sipUris = 0;
    for (int round = 0; round < 200_000; round++) {
      StringBuilder v = new StringBuilder();
      if (random.nextBoolean()) {
        // mostly well formed: [display] <uri> or a bare uri, then parameters, each piece maybe
        // replaced by any other
        v.append(pick(random, DISPLAYS));
        boolean angle = random.nextInt(4) != 0;
        v.append(angle ? "<" : "").append(pick(random, URIS)).append(angle ? ">" : "");
        int n = random.nextInt(4);
        for (int i = 0; i < n; i++) {
          v.append(pick(random, PARAMS));
        }
      } else {
        int n = 1 + random.nextInt(6);
        for (int i = 0; i < n; i++) {
          v.append(pick(random, PIECES));
        }
      }
      boolean wildcard = random.nextInt(8) == 0;
      // the value sits inside a larger array, as a header value sits in a message
      byte[] value = v.toString().getBytes(StandardCharsets.UTF_8);
      byte[] b = new byte[value.length + 6];
      System.arraycopy(value, 0, b, 3, value.length);
      int s = 3;
      int e = 3 + value.length;
      String expected;
      NameAddress eager = null;
      try {
        eager = eagerParse(b, s, e, wildcard);
        expected = "ok " + describe(eager);
      } catch (SipParseException x) {
        expected = x.getMessage() + " @" + x.offset();
      }
      String actual;
      NameAddress lazy = null;
      try {
        lazy = NameAddress.parse(b, s, e, wildcard);
        actual = "ok " + describe(lazy);
      } catch (SipParseException x) {
        actual = x.getMessage() + " @" + x.offset();
      }
      String checked;
      try {
        NameAddress.check(b, s, e, wildcard);
        checked = "ok";
      } catch (SipParseException x) {
        checked = x.getMessage() + " @" + x.offset();
      }
      assertThat(actual).as(v.toString()).isEqualTo(expected);
      assertThat(checked).as(v.toString()).isEqualTo(expected.startsWith("ok ") ? "ok" : expected);
      if (eager == null) {
        continue;
      }
      good++;
      // the tag check without the list gives what the check on the made list gave, on a fresh
      // value (its list not made yet)
      String tag = eager.tag();
      boolean tagOk = tag == null || Chars.isToken(tag);
      assertThat(NameAddress.parse(b, s, e, wildcard).tagAbsentOrToken())
          .as(v.toString())
          .isEqualTo(tagOk);
      // a fresh lazy value against the eager one: equal both ways, the same hash and text
      NameAddress fresh = NameAddress.parse(b, s, e, wildcard);
      assertThat(fresh).isEqualTo(eager);
      assertThat(eager).isEqualTo(fresh);
      assertThat(fresh.hashCode()).isEqualTo(eager.hashCode());
      assertThat(NameAddress.parse(b, s, e, wildcard).toString()).isEqualTo(eager.toString());
      assertThat(lazy).isEqualTo(fresh);
      if (NameAddress.parse(b, s, e, wildcard).uri() instanceof SipUri u) {
        // a parsed SIP URI makes its parts from the bytes before its text is made: they are what
        // the text cut into parts gives (a URI built from those parts is equal to it)
        String user = u.user();
        String host = u.host();
        List<Param> params = u.params();
        SipUri built =
            new SipUri(
                u.secure(), user, u.password(), host, u.port(), params, u.headers(), u.text());
        assertThat(u.text()).isEqualTo(eager.uri().toString());
        String afterScheme = u.text().substring(u.text().indexOf(':') + 1);
        assertThat(afterScheme).startsWith(user == null ? host : user);
        assertThat(afterScheme).contains(host);
        assertThat(u).isEqualTo(built).hasSameHashCodeAs(built);
        assertThat(built).isEqualTo(u);
        sipUris++;
      }
      if (eager.displayName() != null) {
        displayNames++;
      }
      if (tag != null) {
        tags++;
      }
    }
    // both outcomes, display names and tags of every kind were reached often
    assertThat(good).isGreaterThan(10_000);
    assertThat(displayNames).isGreaterThan(2_000);
    assertThat(tags).isGreaterThan(2_000);
    assertThat(sipUris).isGreaterThan(5_000);
  }

  @Test
  void theUsualFromGivesItsPartsAndKeepsThem() {
    byte[] b =
        "\"ACME Carrier\" <sip:+4989987654321@203.0.113.10;user=phone>;tag=as6f1c2b3d"
            .getBytes(StandardCharsets.US_ASCII);
    NameAddress a = NameAddress.parse(b, 0, b.length, false);
    assertThat(a.tagAbsentOrToken()).isTrue();
    assertThat(a.displayName()).isEqualTo("ACME Carrier").isSameAs(a.displayName());
    assertThat(a.uri()).isInstanceOf(SipUri.class).isSameAs(a.uri());
    assertThat(a.uri().toString()).isEqualTo("sip:+4989987654321@203.0.113.10;user=phone");
    assertThat(a.params()).containsExactly(new Param("tag", "as6f1c2b3d")).isSameAs(a.params());
    assertThat(a.tag()).isEqualTo("as6f1c2b3d");
    assertThat(a.wildcard()).isFalse();
    assertThat(a)
        .hasToString(
            "NameAddress[displayName=ACME Carrier, uri=sip:+4989987654321@203.0.113.10;user=phone,"
                + " params=[tag=as6f1c2b3d], wildcard=false]");
  }

  /** Describes every part through the accessors, in a random-free fixed order. */
  private static String describe(NameAddress a) {
    List<String> parts = new ArrayList<>();
    parts.add(String.valueOf(a.displayName()));
    parts.add(a.uri() == null ? "null" : a.uri().getClass().getSimpleName() + " " + a.uri());
    parts.add(String.valueOf(a.params()));
    parts.add(String.valueOf(a.wildcard()));
    parts.add(String.valueOf(a.param("expires")));
    return String.join(" | ", parts);
  }

  /** {@code NameAddress.parse(b, s, e, allowWildcard, true)} as it was on main at 70bd28f. */
  static NameAddress eagerParse(byte[] b, int s, int e, boolean allowWildcard) {
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
        if (uri instanceof SipUri su
            && (!su.headers().isEmpty() || uri.toString().indexOf(',') >= 0)) {
          throw new SipParseException("URI with '?' or ',' outside angle brackets", us);
        }
      }
    }
    List<Param> params = NameAddress.params(c);
    if (!c.atEnd()) {
      throw c.fail("unexpected character after name-addr");
    }
    return new NameAddress(display, uri, params, false);
  }

  private static Uri bracketed(Cursor c) {
    c.expect('<', "before URI");
    int s = c.p;
    c.p = Swar.indexOfAny(c.b, c.p, c.e, GTS, GTS);
    if (c.p >= c.e) {
      throw c.fail("missing '>'");
    }
    Uri u = UriParser.parse(c.b, s, c.p);
    c.p++;
    return u;
  }
}
