package org.trunkline.stack.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.trunkline.sip.HeaderName;
import org.trunkline.sip.SipMessage;
import org.trunkline.sip.SipParser;
import org.trunkline.sip.Vectors;

class AuthHeaderParserTest {
  // RFC 7616 §3.9.1, the challenge of the example
  static final String RFC7616_CHALLENGE =
      "Digest\r\n realm=\"http-auth@example.org\",\r\n qop=\"auth, auth-int\",\r\n"
          + " algorithm=SHA-256,\r\n nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\",\r\n"
          + " opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"";

  static AuthHeader parsed(String value) {
    AuthParse p = AuthHeaderParser.parse(value);
    assertThat(p).isInstanceOf(AuthParse.Parsed.class);
    return ((AuthParse.Parsed) p).header();
  }

  static AuthParse.Malformed malformed(String value) {
    AuthParse p = AuthHeaderParser.parse(value);
    assertThat(p).isInstanceOf(AuthParse.Malformed.class);
    return (AuthParse.Malformed) p;
  }

  @Test
  void theRfc7616ChallengeParsesWithItsFoldedLines() {
    AuthHeader h = parsed(RFC7616_CHALLENGE);
    assertThat(h.isDigest()).isTrue();
    assertThat(h.params())
        .extracting(AuthParam::name)
        .containsExactly("realm", "qop", "algorithm", "nonce", "opaque");
    assertThat(h.param("QOP")).isEqualTo("auth, auth-int");
    assertThat(h.find("algorithm").quoted()).isFalse();
    assertThat(h.find("realm").quoted()).isTrue();
    assertThat(h.param("nonce")).isEqualTo("7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v");
  }

  @Test
  void namesInAnyCaseAreLowerCasedKnownOrNot() {
    AuthHeader h = parsed("Digest UserName=\"u\", REALM=r, X-Custom=\"a b\", cNonce=\"\"");
    assertThat(h.params())
        .extracting(AuthParam::name)
        .containsExactly("username", "realm", "x-custom", "cnonce");
    assertThat(h.params()).extracting(AuthParam::value).containsExactly("u", "r", "a b", "");
    assertThat(h.find("X-CUSTOM").quoted()).isTrue();
    assertThat(h.find("realm").quoted()).isFalse();
  }

  @Test
  void quotedPairsAreUnescapedAndEmptyElementsSkipped() {
    AuthHeader h = parsed("digest ,username=\"a\\\"b\\\\c\" ,, realm = \"r\",");
    assertThat(h.isDigest()).isTrue();
    assertThat(h.param("username")).isEqualTo("a\"b\\c");
    assertThat(h.param("realm")).isEqualTo("r");
  }

  @Test
  void rfc4475Regaut01IsAnUnknownSchemeNotAnError() {
    SipMessage m = new SipParser().parseDatagram(Vectors.named("regaut01").bytes());
    AuthHeader h = parsed(m.header(HeaderName.AUTHORIZATION));
    assertThat(h.scheme()).isEqualTo("NoOneKnowsThisScheme");
    assertThat(h.isDigest()).isFalse();
    assertThat(h.param("opaque-data")).isEqualTo("here");
  }

  @Test
  void token68CredentialsOfOtherSchemesAreKept() {
    AuthHeader h = parsed("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
    assertThat(h.scheme()).isEqualTo("Basic");
    assertThat(h.token68()).isEqualTo("QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
    assertThat(h.params()).isEmpty();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "''|expected auth-scheme",
        "'  , realm=\"x\"'|expected auth-scheme",
        "'Digest realm='|expected token or quoted-string for realm",
        "'Digest realm=\"x'|unterminated or invalid quoted-string in realm",
        "'Digest realm=\"x\\'|unterminated or invalid quoted-string in realm",
        "'Digest realm=\"a\" nonce=\"b\"'|expected ',' between parameters",
        "'Digest realm=\"a\", realm=\"b\"'|duplicate parameter realm",
        "'Digest REALM=\"a\", Realm=\"b\"'|duplicate parameter realm",
        "'Digest =x'|expected parameter name",
        "'Digest realm \"x\"'|expected '=' after realm",
        "'Digest ReAlm \"x\"'|expected '=' after ReAlm",
        "'Digest NONCE='|expected token or quoted-string for NONCE",
        "'Digest X-Odd=\"x'|unterminated or invalid quoted-string in X-Odd",
        "'Digest nc=1, NC=2'|duplicate parameter nc",
        "'Digest\"realm=x'|expected whitespace after auth-scheme",
      })
  void malformedValuesSayWhy(String value, String reason) {
    assertThat(malformed(value).reason()).isEqualTo(reason);
  }

  @Test
  void controlCharactersInQuotedStringsAreRefused() {
    assertThat(malformed("Digest realm=\"a\u0000b\"").reason()).contains("quoted-string");
    assertThat(malformed("Digest realm=\"a\r\nb\"").reason()).contains("quoted-string");
    assertThat(malformed("Digest realm=\"a\\\nb\"").reason()).contains("quoted-string");
  }

  @Test
  void limitsAreEnforced() {
    assertThat(malformed("Digest realm=\"" + "x".repeat(5000) + "\"").reason())
        .isEqualTo("longer than 4096 characters");
    StringBuilder many = new StringBuilder("Digest p0=0");
    for (int i = 1; i <= AuthHeaderParser.MAX_PARAMS; i++) {
      many.append(", p").append(i).append("=").append(i);
    }
    AuthParse.Malformed m = malformed(many.toString());
    assertThat(m.reason()).isEqualTo("more than 32 parameters");
    assertThat(m.offset()).isEqualTo(many.lastIndexOf("p32"));
  }

  /** Mutated headers never make the parser, the verifier or the answerer throw. */
  @Test
  void seededMutationsNeverThrow() {
    List<String> seeds =
        List.of(
            RFC7616_CHALLENGE,
            "Digest username=\"alice\", realm=\"trunk.example.net\", nonce=\"abc\","
                + " uri=\"sip:x@y\", response=\"0123456789abcdef0123456789abcdef\","
                + " algorithm=SHA-512-256, qop=auth, nc=00000001, cnonce=\"c\\\"n\"",
            "NoOneKnowsThisScheme opaque-data=here",
            "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
    String alphabet = "\"\\,= \t\r\n\u0000\u007fa0-:/éÿ\uD83D";
    Random random = new Random(20261127L);
    DigestChallenger server =
        new DigestChallenger(
            DigestConfig.of("trunk.example.net"),
            CredentialLookup.of(Map.of("alice", UserSecret.password("pw"))),
            InstantSource.system());
    AuthAttempt client = new DigestAnswerer(ClientCredentials.of("alice", "pw")).newAttempt();
    Set<String> outcomes = new HashSet<>();
    int[] answered = {0};
    for (int i = 0; i < 20_000; i++) {
      StringBuilder b = new StringBuilder(seeds.get(random.nextInt(seeds.size())));
      int edits = 1 + random.nextInt(6);
      for (int e = 0; e < edits; e++) {
        int at = b.isEmpty() ? 0 : random.nextInt(b.length());
        char c = alphabet.charAt(random.nextInt(alphabet.length()));
        switch (random.nextInt(4)) {
          case 0 -> b.insert(at, c);
          case 1 -> {
            if (!b.isEmpty()) b.deleteCharAt(at);
          }
          case 2 -> {
            if (!b.isEmpty()) b.setCharAt(at, c);
          }
          default -> b.setLength(at);
        }
      }
      String value = b.toString();
      assertThatCode(
              () -> {
                AuthParse p = AuthHeaderParser.parse(value);
                outcomes.add(p.getClass().getSimpleName());
                if (p instanceof AuthParse.Parsed ok) {
                  Set<String> names = new HashSet<>();
                  for (AuthParam param : ok.header().params()) {
                    assertThat(names.add(param.name())).isTrue();
                  }
                }
                server.verify("INVITE", value);
                // the SIP parser may refuse the raw bytes; only what it accepts reaches us
                SipMessage msg =
                    new SipParser()
                        .parseDatagram(
                            ("SIP/2.0 401 Unauthorized\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\n"
                                    + "From: <sip:a@b>;tag=1\r\nTo: <sip:a@b>\r\nCall-ID: x\r\n"
                                    + "CSeq: 1 INVITE\r\nWWW-Authenticate: "
                                    + value
                                    + "\r\nContent-Length: 0\r\n\r\n")
                                .getBytes(StandardCharsets.UTF_8));
                if (msg.isOk()) {
                  client.answer(msg, "INVITE", "sip:x@y");
                  answered[0]++;
                }
              })
          .as("mutation %d: %s", i, value)
          .doesNotThrowAnyException();
    }
    // the loop reached both outcomes, so it tested something
    assertThat(outcomes).containsExactlyInAnyOrder("Parsed", "Malformed");
    assertThat(answered[0]).isGreaterThan(1000);
  }
}
