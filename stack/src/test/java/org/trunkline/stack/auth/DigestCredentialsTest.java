package org.trunkline.stack.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.trunkline.sip.HeaderName;
import org.trunkline.sip.SipMessage;

/**
 * {@link DigestCredentials#read} (the bytes) against {@link AuthHeaderParser} (the String) over
 * seeded credentials with random case, whitespace, quoting, escapes, other parameters, duplicates,
 * empty list elements, bytes that are not ASCII and cuts: wherever the reader takes a value, it
 * must give what the parser gives, and it must take the plain values every client sends.
 */
class DigestCredentialsTest {
  private static final String[] NAMES = {
    "username",
    "realm",
    "nonce",
    "uri",
    "response",
    "algorithm",
    "cnonce",
    "opaque",
    "qop",
    "nc",
    "userhash",
    "stale",
    "domain",
    "charset"
  };
  private static final String[] VALUES = {
    "alice",
    "trunk.example.net",
    "AbC-123_x",
    "sip:+4930123@trunk.example.net",
    "MD5",
    "SHA-256",
    "auth",
    "00000001",
    "",
    "a b",
    "a,b",
    "x=y",
    "tab\there",
    "esc\\\"aped",
    "\u00e9"
  };

  /** The parameters the challenger checks, as {@link DigestCredentials#of} takes them. */
  private static List<Object> fields(DigestCredentials c) {
    List<Object> out = new ArrayList<>();
    out.add(c.digest);
    out.add(DigestCredentials.text(c.scheme));
    for (CharSequence v :
        new CharSequence[] {
          c.realm,
          c.username,
          c.nonce,
          c.uri,
          c.response,
          c.userhash,
          c.algorithm,
          c.qop,
          c.nc,
          c.cnonce,
          c.opaque
        }) {
      out.add(v == null ? null : v.toString());
    }
    return out;
  }

  private static DigestCredentials read(String value) {
    byte[] b = ("  " + value + " ").getBytes(StandardCharsets.UTF_8);
    // the bounds the message gives: LWS around the value stepped over
    int s = 0;
    int e = b.length;
    while (s < e && (b[s] == ' ' || b[s] == '\t')) {
      s++;
    }
    while (e > s && (b[e - 1] == ' ' || b[e - 1] == '\t')) {
      e--;
    }
    return DigestCredentials.read(b, s, e);
  }

  private static String randomCase(Random r, String s) {
    StringBuilder b = new StringBuilder(s);
    for (int i = 0; i < b.length(); i++) {
      if (r.nextInt(4) == 0) {
        b.setCharAt(i, Character.toUpperCase(b.charAt(i)));
      }
    }
    return b.toString();
  }

  private static String space(Random r) {
    return switch (r.nextInt(6)) {
      case 0 -> " ";
      case 1 -> "\t";
      case 2 -> "  ";
      default -> "";
    };
  }

  static String credentials(Random r) {
    StringBuilder b = new StringBuilder(randomCase(r, r.nextInt(20) == 0 ? "Basic" : "Digest"));
    b.append(r.nextInt(30) == 0 ? "" : " ").append(space(r));
    int n = 1 + r.nextInt(11);
    for (int i = 0; i < n; i++) {
      if (i > 0) {
        b.append(space(r)).append(r.nextInt(40) == 0 ? ",," : ",").append(space(r));
      }
      String name =
          r.nextInt(25) == 0 ? "x-other" : randomCase(r, NAMES[r.nextInt(i < 9 ? 9 : 14)]);
      String value = VALUES[r.nextInt(VALUES.length)];
      b.append(name).append(space(r)).append(r.nextInt(50) == 0 ? ":" : "=").append(space(r));
      boolean token =
          !value.isEmpty() && value.chars().allMatch(c -> AuthHeaderParser.isTokenChar((char) c));
      if (token && r.nextBoolean()) {
        b.append(value);
      } else {
        b.append('"').append(value).append(r.nextInt(40) == 0 ? "" : "\"");
      }
    }
    String s = b.toString();
    return r.nextInt(15) == 0 ? s.substring(0, r.nextInt(s.length() + 1)) : s;
  }

  @Test
  void whereTheReaderTakesAValueItIsWhatTheParserMakesOfIt() {
    Random r = new Random(7616);
    int taken = 0;
    int parsedDigest = 0;
    for (int n = 0; n < 20_000; n++) {
      String value = credentials(r);
      DigestCredentials fast = read(value);
      AuthParse parse = AuthHeaderParser.parse(value);
      if (parse instanceof AuthParse.Parsed p && p.header().isDigest()) {
        parsedDigest++;
      }
      if (fast != null) {
        taken++;
        assertThat(parse).as(value).isInstanceOf(AuthParse.Parsed.class);
        assertThat(fields(fast))
            .as(value)
            .isEqualTo(fields(DigestCredentials.of(((AuthParse.Parsed) parse).header())));
      }
    }
    // the reader leaves the unusual to the parser, but takes most of what the parser takes
    assertThat(taken).isGreaterThan(parsedDigest / 4).isGreaterThan(2_000);
  }

  /**
   * A thread's reads fill its one instance: the second gives its own values, none of the first's
   * left over (the parameters it lacks are null again), and the first's were complete when read.
   */
  @Test
  void aThreadsNextReadReusesTheInstanceAndLeavesNothingOfTheLast() {
    String full =
        "Digest username=\"alice\", realm=\"r\", nonce=\"n1\", uri=\"sip:a@b\","
            + " response=\"0123\", algorithm=MD5, qop=auth, nc=00000001, cnonce=\"c\", opaque=\"o\"";
    String few =
        "Digest username=\"bob\", realm=\"r2\", nonce=\"n2\", uri=\"sip:c@d\", response=\"45\"";
    DigestCredentials first = read(full);
    List<Object> firstFields = fields(first);
    DigestCredentials second = read(few);

    assertThat(second).isSameAs(first);
    assertThat(firstFields)
        .isEqualTo(
            fields(
                DigestCredentials.of(((AuthParse.Parsed) AuthHeaderParser.parse(full)).header())));
    assertThat(fields(second))
        .isEqualTo(
            fields(DigestCredentials.of(((AuthParse.Parsed) AuthHeaderParser.parse(few)).header())))
        .containsSubsequence("bob", "n2");
    assertThat(second.opaque).isNull();
    assertThat(second.nc).isNull();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "Digest username=\"alice\", realm=\"r\", nonce=\"n\", uri=\"sip:a@b\","
            + " response=\"0123\", algorithm=MD5, qop=auth, nc=00000001, cnonce=\"c\", opaque=\"o\"",
        "digest USERNAME=\"alice\",realm=\"r\",nonce=\"n\",uri=\"sip:a@b\",response=\"0123\"",
        "Digest username=alice"
      })
  void theValuesClientsSendAreRead(String value) {
    assertThat(read(value)).isNotNull();
    assertThat(fields(read(value)))
        .isEqualTo(
            fields(
                DigestCredentials.of(((AuthParse.Parsed) AuthHeaderParser.parse(value)).header())));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "Digest",
        "Digest ",
        "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==",
        "Digest username=\"a\\\"b\"",
        "Digest username=\"a\", username=\"b\"",
        "Digest username=\"a\",, realm=\"r\"",
        "Digest username=\"a\", x=1",
        "Digest username=\"a",
        "Digest username=\"\u00e9\"",
        "Digest username=\"a\" realm=\"r\"",
        "Digest, username=\"a\"",
        "Digest username=\"a\","
      })
  void anythingElseIsLeftToTheParser(String value) {
    assertThat(read(value)).isNull();
  }

  @Test
  void aValueReadIsAViewOfItsBytesComparedAsTheStringWouldBe() {
    DigestCredentials c = read("Digest qop=AuTh, algorithm=sha-256, realm=\"r\"");
    assertThat(c.qop).isNotInstanceOf(String.class);
    assertThat(c.qop.toString()).isEqualTo("AuTh");
    assertThat(c.qop.length()).isEqualTo(4);
    assertThat(c.qop.subSequence(1, 3).toString()).isEqualTo("uT");
    assertThat(DigestCredentials.is(c.qop, "auth")).isTrue();
    assertThat(DigestCredentials.is(c.algorithm, "sha-256")).isTrue();
    assertThat(DigestCredentials.is(c.algorithm, "sha-25")).isFalse();
    assertThat(DigestCredentials.isIgnoreCase(c.algorithm, "SHA-256")).isTrue();
    assertThat(DigestCredentials.isIgnoreCase(c.algorithm, "SHA-512")).isFalse();
    assertThat(DigestCredentials.isIgnoreCase(c.algorithm, "SHA_256")).isFalse();
    assertThat(DigestCredentials.is(null, "auth")).isFalse();
    assertThat("r".contentEquals(c.realm)).isTrue();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> c.qop.charAt(4))
        .isInstanceOf(IndexOutOfBoundsException.class);
  }

  /** The challenger answers the same through the bytes as through the String. */
  @Test
  void verifyingAMessageGivesWhatVerifyingItsValueGives() {
    Random r = new Random(8760);
    long t = 1_800_000_000_000L;
    InstantSource clock = () -> Instant.ofEpochMilli(t);
    CredentialLookup users = CredentialLookup.of(Map.of("alice", UserSecret.password("s3cr3t")));
    DigestConfig config = DigestConfig.of(DigestChallengerTest.REALM);
    int ok = 0;
    int bad = 0;
    for (int n = 0; n < 300; n++) {
      // two servers with one secret: the nonce of one is good on the other, each counts its own
      DigestChallenger a = new DigestChallenger(config, users, clock);
      DigestChallenger b = new DigestChallenger(config, users, clock);
      String challenge = a.challenges(false).get(r.nextInt(3));
      String value =
          DigestChallengerTest.answer(
              challenge, "alice", r.nextBoolean() ? "s3cr3t" : "x", "INVITE", 1);
      if (r.nextBoolean()) {
        value = mutate(r, value);
      }
      SipMessage m = Messages.invite(HeaderName.AUTHORIZATION, List.of(value));
      AuthResult fromBytes = a.verify(m, ChallengeKind.UAS);
      AuthResult fromString =
          b.verify("INVITE", m.headerValue(m.indexOf(HeaderName.AUTHORIZATION)));
      if (fromString instanceof AuthResult.Malformed
          && !(fromBytes instanceof AuthResult.Malformed)) {
        // a value for another realm or scheme is skipped when read from the message
        assertThat(fromBytes).as(value).isInstanceOf(AuthResult.Missing.class);
      } else {
        assertThat(fromBytes).as(value).isEqualTo(fromString);
      }
      ok += fromBytes instanceof AuthResult.Ok ? 1 : 0;
      bad += fromBytes instanceof AuthResult.BadCredentials ? 1 : 0;
    }
    assertThat(ok).isGreaterThan(30);
    assertThat(bad).isGreaterThan(30);
  }

  private static String mutate(Random r, String value) {
    StringBuilder b = new StringBuilder(value);
    int at = r.nextInt(b.length());
    switch (r.nextInt(5)) {
      case 0 -> b.insert(at, " ");
      case 1 -> b.setCharAt(at, Character.toUpperCase(b.charAt(at)));
      case 3 -> b.setCharAt(at, Character.toLowerCase(b.charAt(at)));
      case 2 -> b.insert(at, ",");
      default -> b.deleteCharAt(at);
    }
    return b.toString();
  }
}
