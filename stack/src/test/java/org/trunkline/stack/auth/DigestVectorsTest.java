package org.trunkline.stack.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The request-digest against auth/digest-vectors.tsv: RFC 7616 §3.9.1 (MD5, SHA-256) as printed in
 * the RFC, SHA-512-256 (RFC 8760) as computed by python3 hashlib and openssl.
 */
class DigestVectorsTest {
  record Vector(
      String source,
      DigestAlgorithm algorithm,
      String username,
      String realm,
      String password,
      String method,
      String uri,
      String nonce,
      String nc,
      String cnonce,
      String qop,
      String response) {
    @Override
    public String toString() {
      return source + " " + algorithm + " " + username;
    }
  }

  static Stream<Vector> vectors() throws IOException {
    List<Vector> out = new ArrayList<>();
    try (InputStream in = DigestVectorsTest.class.getResourceAsStream("/auth/digest-vectors.tsv")) {
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (line.isBlank() || line.startsWith("#") || line.startsWith("source\t")) {
          continue;
        }
        String[] f = line.split("\t", -1);
        out.add(
            new Vector(
                f[0],
                DigestAlgorithm.fromToken(f[1]),
                f[2],
                f[3],
                f[4],
                f[5],
                f[6],
                f[7],
                f[8],
                f[9],
                f[10],
                f[11]));
      }
    }
    assertThat(out).hasSize(9);
    return out.stream();
  }

  @ParameterizedTest
  @MethodSource("vectors")
  void requestDigestMatchesTheVector(Vector v) {
    String ha1 = DigestMath.ha1(v.algorithm(), v.username(), v.realm(), v.password());
    String qop = v.qop().isEmpty() ? null : v.qop();
    assertThat(
            DigestMath.response(
                v.algorithm(), ha1, v.method(), v.uri(), v.nonce(), v.nc(), v.cnonce(), qop))
        .isEqualTo(v.response());
  }

  /** The server's byte path: the same digest as hex ASCII, from HA1 as hex ASCII. */
  @ParameterizedTest
  @MethodSource("vectors")
  void theByteRequestDigestMatchesTheVector(Vector v) {
    byte[] ha1 = DigestMath.ha1Hex(v.algorithm(), v.username(), v.realm(), v.password());
    assertThat(new String(ha1, StandardCharsets.US_ASCII))
        .isEqualTo(DigestMath.ha1(v.algorithm(), v.username(), v.realm(), v.password()));
    String qop = v.qop().isEmpty() ? null : v.qop();
    byte[] response =
        DigestMath.responseHex(
            v.algorithm(), ha1, v.method(), v.uri(), v.nonce(), v.nc(), v.cnonce(), qop);
    assertThat(new String(response, StandardCharsets.US_ASCII)).isEqualTo(v.response());
    assertThat(DigestMath.hexEquals(response, v.response())).isTrue();
    assertThat(DigestMath.hexEquals(response, v.response().toUpperCase())).isTrue();
    String other = (v.response().charAt(0) == '0' ? "1" : "0") + v.response().substring(1);
    assertThat(DigestMath.hexEquals(response, other)).isFalse();
    // the allocation-free check the server uses: the same verdicts
    assertThat(
            DigestMath.responseMatches(
                v.algorithm(),
                ha1,
                v.method(),
                v.uri(),
                v.nonce(),
                v.nc(),
                v.cnonce(),
                qop,
                v.response().toUpperCase()))
        .isTrue();
    assertThat(
            DigestMath.responseMatches(
                v.algorithm(), ha1, v.method(), v.uri(), v.nonce(), v.nc(), v.cnonce(), qop, other))
        .isFalse();
    assertThat(
            DigestMath.responseMatches(
                v.algorithm(),
                ha1,
                v.method(),
                v.uri(),
                v.nonce(),
                v.nc(),
                v.cnonce(),
                qop,
                v.response().substring(1)))
        .isFalse();
    // non-ASCII (UTF-8) and long values take the copying path and hash the same bytes
    for (String uri : List.of("sip:jürgen@example.com", "sip:" + "a".repeat(300) + "@x")) {
      String expected =
          DigestMath.response(
              v.algorithm(),
              new String(ha1, StandardCharsets.US_ASCII),
              v.method(),
              uri,
              v.nonce(),
              v.nc(),
              v.cnonce(),
              qop);
      assertThat(
              new String(
                  DigestMath.responseHex(
                      v.algorithm(), ha1, v.method(), uri, v.nonce(), v.nc(), v.cnonce(), qop),
                  StandardCharsets.US_ASCII))
          .isEqualTo(expected);
    }
  }

  /** The whole client path: the RFC's challenge in a 401, answered as the RFC's example does. */
  @Test
  void theAnswererReproducesRfc7616Section391() {
    for (String alg : List.of("MD5", "SHA-256")) {
      String challenge =
          AuthHeaderParserTest.RFC7616_CHALLENGE.replace("algorithm=SHA-256", "algorithm=" + alg);
      DigestAnswerer answerer =
          new DigestAnswerer(
              ClientCredentials.of("Mufasa", "Circle of Life"),
              () -> "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ");
      ChallengeAnswer a =
          answerer
              .newAttempt()
              .answer(
                  Messages.challenge(ChallengeKind.UAS, List.of(challenge)),
                  "GET",
                  "/dir/index.html");
      assertThat(a).isInstanceOf(ChallengeAnswer.Retry.class);
      AuthorizationLine line = ((ChallengeAnswer.Retry) a).lines().get(0);
      AuthHeader h = AuthHeaderParserTest.parsed(line.value());
      assertThat(h.param("response"))
          .isEqualTo(
              alg.equals("MD5")
                  ? "8ca523f5e9506fed4657c9700eebdbec"
                  : "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1");
      assertThat(h.param("nc")).isEqualTo("00000001");
      assertThat(h.param("qop")).isEqualTo("auth");
      assertThat(h.param("algorithm")).isEqualTo(alg);
      assertThat(h.param("opaque")).isEqualTo("FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS");
      assertThat(h.param("uri")).isEqualTo("/dir/index.html");
    }
  }

  /**
   * The server checks the RFC's own answer: the response is right, but the nonce is not one this
   * server issued, so the verdict is stale (retry with our nonce), not bad credentials.
   */
  @Test
  void theChallengerAcceptsTheRfcResponseButNotItsNonce() {
    String authorization =
        "Digest username=\"Mufasa\", realm=\"http-auth@example.org\", uri=\"/dir/index.html\","
            + " algorithm=SHA-256, nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\","
            + " nc=00000001, cnonce=\"f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ\", qop=auth,"
            + " response=\"753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1\"";
    DigestChallenger right = challenger("Circle of Life");
    assertThat(right.verify("GET", authorization))
        .isEqualTo(
            new AuthResult.Stale("http-auth@example.org", "Mufasa", "nonce not issued by us"));
    assertThat(challenger("Circle Of Life").verify("GET", authorization))
        .isEqualTo(
            new AuthResult.BadCredentials("http-auth@example.org", "Mufasa", "wrong response"));
  }

  private static DigestChallenger challenger(String password) {
    return new DigestChallenger(
        DigestConfig.of("http-auth@example.org"),
        CredentialLookup.of(Map.of("Mufasa", UserSecret.password(password))),
        java.time.InstantSource.system());
  }
}
