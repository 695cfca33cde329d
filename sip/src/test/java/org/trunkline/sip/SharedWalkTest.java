package org.trunkline.sip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.trunkline.sip.Vectors.Vector;

/**
 * Work the parser now does once instead of twice gives what the two walks gave: the typed values
 * {@link SipValidator#validate} keeps for the accessors, and the scan's single walk over the top
 * Via (branch and value count).
 */
class SharedWalkTest {
  private static final String REST =
      "To: <sip:a@example.com>\r\n"
          + "From: \"B\" <sip:b@example.com>;tag=1\r\n"
          + "Call-ID: x@example.com\r\n";

  private static SipMessage parse(byte[] b) {
    return new SipParser().parseDatagram(b);
  }

  private static SipMessage parse(String s) {
    return parse(s.getBytes(StandardCharsets.UTF_8));
  }

  static List<Vector> vectors() {
    return Vectors.all();
  }

  /** What every typed accessor returns, or the exception it throws, as comparable text. */
  private static List<String> typed(SipMessage m) {
    List<Function<SipMessage, Object>> accessors =
        List.of(
            SipMessage::requestUri,
            SipMessage::vias,
            SipMessage::topVia,
            SipMessage::from,
            SipMessage::to,
            SipMessage::contacts,
            SipMessage::routes,
            x -> x.nameAddresses(HeaderName.RECORD_ROUTE),
            x -> x.nameAddresses(HeaderName.P_ASSERTED_IDENTITY));
    List<String> out = new ArrayList<>();
    for (Function<SipMessage, Object> a : accessors) {
      try {
        out.add("= " + a.apply(m));
      } catch (SipParseException x) {
        out.add("! " + x.getMessage() + " @" + x.offset());
      }
    }
    return out;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  void accessorsAfterValidateReturnWhatAFreshParseReturns(Vector v) {
    SipMessage validated = parse(v.bytes());
    ParseError error = SipValidator.validate(validated);
    List<String> after = typed(validated);
    List<String> fresh = typed(parse(v.bytes()));
    assertThat(after).isEqualTo(fresh);
    // and a second round of calls on the validated message gives the same again
    assertThat(typed(validated)).isEqualTo(fresh);
    assertThat(SipValidator.validate(validated)).isEqualTo(error);
  }

  @Test
  void theValidatorKeepsWhatTheAccessorsReturn() {
    SipMessage m =
        parse(
            "INVITE sip:+49301@198.51.100.20;user=phone SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 203.0.113.10;branch=z9hG4bK-1, SIP/2.0/TCP h.example;rport\r\n"
                + REST
                + "CSeq: 1 INVITE\r\n"
                + "Contact: <sip:c@203.0.113.10>;expires=60, sip:d@example.com\r\n"
                + "Route: <sip:p1.example;lr>\r\n\r\n");
    assertThat(SipValidator.validate(m)).isNull();
    // kept: the same objects come back, not equal copies
    assertThat(m.requestUri()).isSameAs(m.requestUri());
    assertThat(m.from()).isSameAs(m.from());
    assertThat(m.vias().get(1)).isSameAs(m.vias().get(1));
    assertThat(m.contacts().get(1)).isSameAs(m.contacts().get(1));
    assertThat(m.routes().get(0)).isSameAs(m.routes().get(0));
    assertThat(m.topVia()).isSameAs(m.vias().get(0));
    assertThat(m.vias()).extracting(Via::transport).containsExactly("UDP", "TCP");
    assertThat(m.contacts().get(0).param("expires")).isEqualTo("60");
    // the lists are fresh each call, and what is shared cannot be changed
    assertThat(m.vias()).isNotSameAs(m.vias());
    assertThatThrownBy(() -> m.from().params().clear())
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> ((SipUri) m.requestUri()).params().clear())
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> m.topVia().params().add(new Param("x", null)))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void aWildcardContactIsKeptOnlyUnderItsOwnRule() {
    String register =
        "REGISTER sip:example.com SIP/2.0\r\n"
            + "Via: SIP/2.0/UDP 203.0.113.10;branch=z9hG4bK-2\r\n"
            + REST
            + "CSeq: 1 REGISTER\r\nContact: *\r\nExpires: 0\r\n\r\n";
    SipMessage ok = parse(register);
    assertThat(SipValidator.validate(ok)).isNull();
    assertThat(ok.contacts()).singleElement().extracting(NameAddress::wildcard).isEqualTo(true);

    // outside a REGISTER the validator refuses '*'; contacts() still reads it as the wildcard
    SipMessage invite = parse(register.replace("REGISTER", "INVITE"));
    assertThat(SipValidator.validate(invite)).isNotNull();
    assertThat(invite.contacts()).singleElement().extracting(NameAddress::wildcard).isEqualTo(true);
  }

  @Test
  void paramsListsAreUnmodifiableAtEverySize() {
    for (String params : List.of("", ";a", ";a;b=1", ";a;b=1;c;d=2")) {
      NameAddress a = NameAddress.parse("<sip:x@example.com" + params + ">" + params);
      int n = params.isEmpty() ? 0 : params.split(";").length - 1;
      assertThat(a.params()).hasSize(n);
      assertThat(((SipUri) a.uri()).params()).hasSize(n);
      assertThatThrownBy(() -> a.params().add(new Param("y", null)))
          .isInstanceOf(UnsupportedOperationException.class);
      assertThatThrownBy(() -> ((SipUri) a.uri()).params().add(new Param("y", null)))
          .isInstanceOf(UnsupportedOperationException.class);
    }
  }

  /**
   * The scan reads the top Via once; the branch and the count must be what {@link Params#find}
   * (first value only) and {@link RoutingIndex#countValues} give separately, for any bytes.
   */
  @Test
  void theTopViaWalkAgreesWithTheSeparateWalks() {
    String alphabet = "branch=;,\"\\ xSIP/2.0UDP";
    Random random = new Random(3);
    int withBranch = 0;
    for (int round = 0; round < 20_000; round++) {
      StringBuilder value = new StringBuilder("SIP/2.0/UDP h");
      int len = random.nextInt(40);
      for (int i = 0; i < len; i++) {
        if (random.nextInt(8) == 0) {
          value.append(random.nextBoolean() ? ";branch=" : ";BRANCH");
        } else {
          value.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
      }
      String v = value.toString().strip();
      SipMessage m = parse("OPTIONS sip:a@example.com SIP/2.0\r\nVia: " + v + "\r\n\r\n");
      byte[] b = v.getBytes(StandardCharsets.US_ASCII);
      long span = Params.find(b, 0, b.length, "branch", true);
      String expected =
          span == Params.ABSENT
              ? null
              : new String(
                  b,
                  Params.start(span),
                  Params.end(span) - Params.start(span),
                  StandardCharsets.US_ASCII);
      assertThat(m.topViaBranch()).as(v).isEqualTo(expected);
      assertThat(m.viaCount()).as(v).isEqualTo(RoutingIndex.countValues(b, 0, b.length));
      if (expected != null) {
        withBranch++;
      }
    }
    // the generator does reach the interesting cases
    assertThat(withBranch).isGreaterThan(1000);
  }

  @Test
  void topViaBranchCases() {
    String head = "OPTIONS sip:a@example.com SIP/2.0\r\nVia: ";
    // a branch in a quoted value, then one in the second value: neither is the top Via's
    SipMessage quoted =
        parse(head + "SIP/2.0/UDP a;x=\"b;branch=q\", SIP/2.0/UDP c;branch=z\r\n\r\n");
    assertThat(quoted.topViaBranch()).isNull();
    assertThat(quoted.viaCount()).isEqualTo(2);
    // an unclosed quoted branch ends the search: no branch, even with a later one
    SipMessage open = parse(head + "SIP/2.0/UDP a;branch=\"z9;branch=y\r\n\r\n");
    assertThat(open.topViaBranch()).isNull();
    // "branchx" is not "branch"; the next one is
    SipMessage later =
        parse(head + "SIP/2.0/UDP a;branchx=1;branch=z9hG4bK7, SIP/2.0/UDP b\r\n\r\n");
    assertThat(later.topViaBranch()).isEqualTo("z9hG4bK7");
    assertThat(later.viaCount()).isEqualTo(2);
  }

  /** The host rule before the dotted-quad fast path: the run of host bytes, IPv4 or hostname. */
  private static int hostEndByTheRule(byte[] b, int s, int e) {
    int p = s;
    while (p < e
        && (Chars.is(b[p], Chars.ALPHA | Chars.DIGIT)
            || b[p] == '-'
            || b[p] == '.'
            || b[p] == '_')) {
      p++;
    }
    if (!Hosts.isIpv4(b, s, p) && !Hosts.isHostname(b, s, p)) {
      return -1;
    }
    return p;
  }

  @Test
  void aDottedQuadHostEndsWhereTheGeneralRuleEndsIt() {
    String alphabet = "0123456789....25a-_:;>x";
    Random random = new Random(5);
    int quads = 0;
    for (int round = 0; round < 50_000; round++) {
      StringBuilder host = new StringBuilder();
      if (random.nextBoolean()) {
        host.append(random.nextInt(300))
            .append('.')
            .append(random.nextInt(300))
            .append('.')
            .append(random.nextInt(300))
            .append('.')
            .append(random.nextInt(300));
      }
      int len = random.nextInt(6);
      for (int i = 0; i < len; i++) {
        host.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      byte[] b = host.toString().getBytes(StandardCharsets.US_ASCII);
      int expected = hostEndByTheRule(b, 0, b.length);
      int actual;
      try {
        actual = Hosts.hostEnd(b, 0, b.length);
      } catch (SipParseException x) {
        assertThat(x.offset()).isZero();
        actual = -1;
      }
      assertThat(actual).as(host.toString()).isEqualTo(expected);
      if (expected > 0 && Hosts.isIpv4(b, 0, expected)) {
        quads++;
      }
    }
    assertThat(quads).isGreaterThan(3000);
  }

  /** The dotted-quad read as it was, digit by digit: the reference for the branch-free one. */
  private static int dottedQuadEndDigitByDigit(byte[] b, int p, int e) {
    for (int part = 0; part < 4; part++) {
      if (part > 0) {
        if (p >= e || b[p] != '.') {
          return -1;
        }
        p++;
      }
      int v = 0;
      int n = 0;
      while (p < e && n < 3 && Chars.isDigit(b[p])) {
        v = v * 10 + (b[p++] - '0');
        n++;
      }
      if (n == 0 || v > 255) {
        return -1;
      }
    }
    return p;
  }

  /**
   * The dotted quad read three bytes a part finds the end the digit-by-digit read found, or -1
   * where it did: quads with parts of 0 to 4 digits, values up to 999, any byte in any place, and
   * the quad at any distance from the end (the last 14 bytes take the digit-by-digit path).
   */
  @Test
  void theBranchFreeDottedQuadReadAgreesWithTheDigitByDigitRead() {
    String alphabet = "0123456789.......:;x/ \u00ff";
    Random random = new Random(17);
    int quads = 0;
    for (int round = 0; round < 200_000; round++) {
      StringBuilder text = new StringBuilder();
      for (int part = 0; part < 4; part++) {
        if (part > 0 && random.nextInt(20) != 0) {
          text.append('.');
        }
        int digits = random.nextInt(10) == 0 ? random.nextInt(5) : 1 + random.nextInt(3);
        for (int d = 0; d < digits; d++) {
          text.append(
              (char) ('0' + (d == 0 && digits == 3 ? random.nextInt(3) : random.nextInt(10))));
        }
      }
      int tail = random.nextInt(20);
      for (int i = 0; i < tail; i++) {
        text.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      byte[] b = text.toString().getBytes(StandardCharsets.ISO_8859_1);
      if (random.nextInt(4) == 0) {
        b[random.nextInt(b.length)] = (byte) random.nextInt(256);
      }
      int off = random.nextInt(3) == 0 ? 0 : Math.min(b.length, random.nextInt(3));
      int e = b.length - (random.nextBoolean() ? 0 : random.nextInt(b.length - off + 1));
      int expected = dottedQuadEndDigitByDigit(b, off, e);
      assertThat(Hosts.dottedQuadEnd(b, off, e))
          .as(new String(b, off, e - off, StandardCharsets.ISO_8859_1))
          .isEqualTo(expected);
      if (expected >= 0 && e - off >= 15) {
        quads++;
      }
    }
    assertThat(quads).isGreaterThan(20_000);
  }

  /**
   * The check mode of a name-addr (the validator's, which skips the quoted display name without
   * making its String) throws what the building parse throws, at the same offset, and accepts what
   * it accepts: quoted display names with quoted-pairs, control bytes, UTF-8, missing quotes.
   */
  @Test
  void checkingANameAddrThrowsWhatParsingItThrows() {
    String[] pieces = {
      "\"",
      "\"",
      "ACME",
      " ",
      "\\",
      "\\\"",
      "\t",
      "\r\n ",
      "\u0001",
      "\u007f",
      "\u00e9",
      "<",
      ">",
      "sip:a@b",
      "sip:+49@203.0.113.1;user=phone",
      ";tag=x",
      ";",
      "=",
      "x",
      ",",
      "tel:+1"
    };
    Random random = new Random(19);
    int good = 0;
    for (int round = 0; round < 100_000; round++) {
      StringBuilder v = new StringBuilder();
      if (random.nextInt(4) != 0) {
        v.append('"');
      }
      int n = random.nextInt(6);
      for (int i = 0; i < n; i++) {
        v.append(pieces[random.nextInt(pieces.length)]);
      }
      if (random.nextInt(4) != 0) {
        v.append("\" <sip:+49@203.0.113.1;user=phone>");
      }
      if (random.nextBoolean()) {
        v.append(";tag=").append(random.nextInt(1000));
      }
      byte[] b = v.toString().getBytes(StandardCharsets.UTF_8);
      String built;
      try {
        NameAddress.parse(b, 0, b.length, false);
        built = "ok";
        good++;
      } catch (SipParseException x) {
        built = x.getMessage() + " @" + x.offset();
      }
      String checked;
      try {
        NameAddress.check(b, 0, b.length, false);
        checked = "ok";
      } catch (SipParseException x) {
        checked = x.getMessage() + " @" + x.offset();
      }
      assertThat(checked).as(v.toString()).isEqualTo(built);
    }
    assertThat(good).isGreaterThan(10_000);
  }
}
