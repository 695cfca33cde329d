package org.trunkline.stack.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.trunkline.sip.HeaderName;
import org.trunkline.sip.SipMessage;
import org.trunkline.sip.SipParser;
import org.trunkline.sip.Vectors;

class DigestChallengerTest {
  static final String REALM = "trunk.example.net";
  final AtomicLong now = new AtomicLong(1_800_000_000_000L);
  final InstantSource clock = () -> Instant.ofEpochMilli(now.get());
  final CredentialLookup users =
      CredentialLookup.of(
          Map.of(
              "alice", UserSecret.password("s3cr3t"),
              "carol",
                  UserSecret.ha1(
                      Map.of(
                          DigestAlgorithm.SHA_256,
                          DigestMath.ha1(DigestAlgorithm.SHA_256, "carol", REALM, "pw")))));

  DigestChallenger server(DigestConfig config) {
    return new DigestChallenger(config, users, clock);
  }

  /** Credentials for one challenge value, as a client would compute them (nc given). */
  static String answer(String challenge, String user, String password, String method, long nc) {
    AuthHeader c = AuthHeaderParserTest.parsed(challenge);
    DigestAlgorithm alg = DigestAlgorithm.fromToken(c.param("algorithm"));
    String ha1 = DigestMath.ha1(alg, user, c.param("realm"), password);
    String ncs = DigestMath.nc(nc);
    String response =
        DigestMath.response(
            alg, ha1, method, Messages.URI, c.param("nonce"), ncs, "cn0nce", "auth");
    return new AuthWriter("Digest")
        .quoted("username", user)
        .quoted("realm", c.param("realm"))
        .quoted("nonce", c.param("nonce"))
        .quoted("uri", Messages.URI)
        .quoted("response", response)
        .token("algorithm", alg.token())
        .token("qop", "auth")
        .token("nc", ncs)
        .quoted("cnonce", "cn0nce")
        .quoted("opaque", c.param("opaque"))
        .toString();
  }

  @Test
  void challengesOfferEveryAlgorithmStrongestFirstWithOneNonce() {
    List<String> values = server(DigestConfig.of(REALM)).challenges(false);
    List<AuthHeader> parsed = values.stream().map(AuthHeaderParserTest::parsed).toList();
    assertThat(parsed)
        .extracting(h -> h.param("algorithm"))
        .containsExactly("SHA-512-256", "SHA-256", "MD5");
    assertThat(parsed).extracting(h -> h.param("nonce")).containsOnly(parsed.get(0).param("nonce"));
    assertThat(parsed.get(0).param("qop")).isEqualTo("auth");
    assertThat(parsed.get(0).param("realm")).isEqualTo(REALM);
    assertThat(parsed.get(0).param("opaque")).isNotBlank();
    assertThat(parsed.get(0).param("stale")).isNull();
    assertThat(values.get(0)).startsWith("Digest realm=\"trunk.example.net\", nonce=\"");
    assertThat(AuthHeaderParserTest.parsed(server(DigestConfig.of(REALM)).challenges(true).get(2)))
        .satisfies(h -> assertThat(h.param("stale")).isEqualTo("true"));
  }

  /** The challenges are written whole, as AuthWriter writes them, around a fresh nonce. */
  @Test
  void challengesAreExactlyWhatTheWriterMakesOfTheirParameters() {
    DigestChallenger s = server(DigestConfig.of(REALM));
    for (boolean stale : List.of(false, true)) {
      List<String> values = s.challenges(stale);
      String nonce = AuthHeaderParserTest.parsed(values.get(0)).param("nonce");
      String opaque = AuthHeaderParserTest.parsed(values.get(0)).param("opaque");
      List<String> expected =
          DigestConfig.of(REALM).algorithms().stream()
              .map(alg -> {
                AuthWriter w =
                    new AuthWriter("Digest")
                        .quoted("realm", REALM)
                        .quoted("nonce", nonce)
                        .quoted("opaque", opaque)
                        .token("algorithm", alg.token())
                        .quoted("qop", "auth");
                return (stale ? w.token("stale", "true") : w).toString();
              })
              .toList();
      assertThat(values).isEqualTo(expected);
      assertThat(nonce)
          .hasSize(32)
          .isNotEqualTo(AuthHeaderParserTest.parsed(s.challenges(stale).get(0)).param("nonce"));
    }
  }

  /** A REGISTER as sent over UDP; {@code branch} and {@code callId} tell requests apart. */
  static SipMessage register(String branch, String callId) {
    return Messages.parse(
        "REGISTER sip:trunk.example.net SIP/2.0\r\n"
            + "Via: SIP/2.0/UDP 192.0.2.1:5060;branch="
            + branch
            + "\r\nMax-Forwards: 70\r\nFrom: <sip:alice@trunk.example.net>;tag=a1\r\n"
            + "To: <sip:alice@trunk.example.net>\r\nCall-ID: "
            + callId
            + "\r\nCSeq: 1 REGISTER\r\nContact: <sip:alice@192.0.2.1>\r\n"
            + "Content-Length: 0\r\n\r\n");
  }

  static String nonceOf(List<String> lines) {
    String l = lines.get(0);
    return AuthHeaderParserTest.parsed(l.substring(l.indexOf(": ") + 2)).param("nonce");
  }

  /**
   * RFC 3261 §17.2.2 for a challenge sent without a transaction: a copy of the request (the same
   * bytes from the same source) gets the same lines until 64*T1 after the first; the nonce is a
   * good one; a new branch, another Call-ID or another source is another request.
   */
  @Test
  void aCopyOfARequestGetsTheSameChallengeUntilTheWindowEnds() {
    DigestChallenger s = server(DigestConfig.of(REALM));
    InetSocketAddress source = new InetSocketAddress("192.0.2.1", 5060);
    List<String> first =
        s.challengeLinesForCopies(ChallengeKind.UAS, register("z9hG4bK1", "c1"), source);
    assertThat(first).hasSize(3).allMatch(l -> l.startsWith("WWW-Authenticate: Digest "));
    assertThat(s.rememberedChallenges()).isEqualTo(1);
    now.addAndGet(DigestChallenger.RETRANSMISSION_WINDOW_MILLIS - 1);
    assertThat(s.challengeLinesForCopies(ChallengeKind.UAS, register("z9hG4bK1", "c1"), source))
        .isEqualTo(first);
    assertThat(s.rememberedChallenges()).isEqualTo(1);
    String nonce = nonceOf(first);
    // the nonce verifies as any other (issued 32 s ago, within its lifetime)
    String value = first.get(2).substring("WWW-Authenticate: ".length());
    assertThat(s.verify("INVITE", answer(value, "alice", "s3cr3t", "INVITE", 1)).isOk()).isTrue();

    assertThat(
            List.of(
                nonceOf(
                    s.challengeLinesForCopies(
                        ChallengeKind.UAS, register("z9hG4bK2", "c1"), source)),
                nonceOf(
                    s.challengeLinesForCopies(
                        ChallengeKind.UAS, register("z9hG4bK1", "c2"), source)),
                nonceOf(
                    s.challengeLinesForCopies(
                        ChallengeKind.UAS,
                        register("z9hG4bK1", "c1"),
                        new InetSocketAddress("192.0.2.1", 5062))),
                nonceOf(
                    s.challengeLinesForCopies(
                        ChallengeKind.UAS,
                        register("z9hG4bK1", "c1"),
                        new InetSocketAddress("192.0.2.2", 5060))),
                nonceOf(s.challengeLines(ChallengeKind.UAS, false)),
                nonce))
        .doesNotHaveDuplicates();
    // once the window has passed, a copy is a request of its own
    now.addAndGet(1);
    assertThat(
            nonceOf(
                s.challengeLinesForCopies(ChallengeKind.UAS, register("z9hG4bK1", "c1"), source)))
        .isNotEqualTo(nonce);
    assertThat(s.rememberedChallenges()).isEqualTo(5); // the first was forgotten
  }

  /** With another T1 (tests, the warm-up) the window is 64 times that T1: 1.6 s with 25 ms. */
  @Test
  void theWindowFollowsTheTransactionTimersItIsGiven() {
    DigestChallenger s = new DigestChallenger(DigestConfig.of(REALM), users, clock, 64 * 25);
    InetSocketAddress source = new InetSocketAddress("192.0.2.1", 5060);
    List<String> first =
        s.challengeLinesForCopies(ChallengeKind.UAS, register("z9hG4bK1", "c1"), source);
    now.addAndGet(64 * 25 - 1);
    assertThat(s.challengeLinesForCopies(ChallengeKind.UAS, register("z9hG4bK1", "c1"), source))
        .isEqualTo(first);
    now.addAndGet(1);
    assertThat(
            nonceOf(
                s.challengeLinesForCopies(ChallengeKind.UAS, register("z9hG4bK1", "c1"), source)))
        .isNotEqualTo(nonceOf(first));
    assertThat(s.rememberedChallenges()).isEqualTo(1); // the first was forgotten
    assertThatThrownBy(() -> new DigestChallenger(DigestConfig.of(REALM), users, clock, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("retransmission window");
  }

  /**
   * With one algorithm (the server's default: MD5) a challenge line is made in one piece around its
   * nonce ({@link NonceCodec.Frame}): the writer's text for its parameters, for both kinds, stale
   * or not, with and without a transaction, for a realm of ASCII, of Latin-1 beyond ASCII and
   * beyond Latin-1 (made around the nonce's String then), and its nonce verifies.
   */
  @Test
  void aOneAlgorithmChallengeLineIsTheWritersTextAroundItsNonce() {
    InetSocketAddress source = new InetSocketAddress("192.0.2.1", 5060);
    for (String realm : List.of(REALM, "caf\u00e9.example", "\u4f8b.example")) {
      DigestChallenger s =
          new DigestChallenger(
              DigestConfig.of(realm).withAlgorithms(DigestAlgorithm.MD5), users, clock);
      for (ChallengeKind kind : ChallengeKind.values()) {
        for (boolean stale : List.of(false, true)) {
          List<String> copies =
              stale
                  ? null
                  : s.challengeLinesForCopies(kind, register("z9hG4bK-" + kind, "c1"), source);
          for (List<String> lines :
              stale
                  ? List.of(s.challengeLines(kind, true))
                  : List.of(s.challengeLines(kind, false), copies)) {
            assertThat(lines).hasSize(1);
            String value = lines.get(0).substring(kind.challengeHeader().name().length() + 2);
            AuthHeader h = AuthHeaderParserTest.parsed(value);
            AuthWriter w =
                new AuthWriter("Digest")
                    .quoted("realm", realm)
                    .quoted("nonce", h.param("nonce"))
                    .quoted("opaque", h.param("opaque"))
                    .token("algorithm", "MD5")
                    .quoted("qop", "auth");
            assertThat(lines.get(0))
                .as("%s %s stale=%s", realm, kind, stale)
                .isEqualTo(
                    kind.challengeHeader().name() + ": " + (stale ? w.token("stale", "true") : w));
            assertThat(s.verify("INVITE", answer(value, "alice", "s3cr3t", "INVITE", 1)))
                .isEqualTo(new AuthResult.Ok(realm, "alice", DigestAlgorithm.MD5));
          }
        }
        // a copy of the request gets the same line
        assertThat(s.challengeLinesForCopies(kind, register("z9hG4bK-" + kind, "c1"), source))
            .isEqualTo(s.challengeLinesForCopies(kind, register("z9hG4bK-" + kind, "c1"), source));
      }
    }
  }

  @Test
  void theSameSecretMakesNoncesValidOnEveryNode() {
    byte[] secret = "0123456789abcdef0123456789abcdef".getBytes();
    String challenge = server(DigestConfig.of(REALM, secret)).challenges(false).get(0);
    DigestChallenger otherNode = server(DigestConfig.of(REALM, secret));
    assertThat(otherNode.verify("INVITE", answer(challenge, "alice", "s3cr3t", "INVITE", 1)))
        .isEqualTo(new AuthResult.Ok(REALM, "alice", DigestAlgorithm.SHA_512_256));
    DigestChallenger otherSecret = server(DigestConfig.of(REALM));
    assertThat(otherSecret.verify("INVITE", answer(challenge, "alice", "s3cr3t", "INVITE", 1)))
        .isEqualTo(new AuthResult.Stale(REALM, "alice", "nonce not issued by us"));
  }

  @Test
  void anExpiredNonceWithTheRightPasswordIsStale() {
    DigestChallenger s = server(DigestConfig.of(REALM).withNonceLifetime(Duration.ofSeconds(300)));
    String challenge = s.challenges(false).get(1);
    now.addAndGet(300_000);
    assertThat(s.verify("INVITE", answer(challenge, "alice", "s3cr3t", "INVITE", 1)).isOk())
        .isTrue();
    now.addAndGet(1);
    assertThat(s.verify("INVITE", answer(challenge, "alice", "s3cr3t", "INVITE", 2)))
        .isEqualTo(new AuthResult.Stale(REALM, "alice", "nonce expired"));
    // stale=true is only for the right password (RFC 7616 §3.3)
    assertThat(s.verify("INVITE", answer(challenge, "alice", "wrong", "INVITE", 3)))
        .isEqualTo(new AuthResult.BadCredentials(REALM, "alice", "wrong response"));
  }

  @Test
  void aReplayedNonceCountIsRefusedAndReorderingWithinTheWindowIsNot() {
    DigestChallenger s = server(DigestConfig.of(REALM));
    String challenge = s.challenges(false).get(0);
    String first = answer(challenge, "alice", "s3cr3t", "INVITE", 1);
    assertThat(s.verify("INVITE", first).isOk()).isTrue();
    assertThat(s.verify("INVITE", first))
        .isEqualTo(new AuthResult.Replay(REALM, "alice", "00000001"));
    assertThat(s.verify("INVITE", answer(challenge, "alice", "s3cr3t", "INVITE", 3)).isOk())
        .isTrue();
    assertThat(s.verify("INVITE", answer(challenge, "alice", "s3cr3t", "INVITE", 2)).isOk())
        .isTrue();
    assertThat(s.verify("INVITE", answer(challenge, "alice", "s3cr3t", "INVITE", 2)))
        .isInstanceOf(AuthResult.Replay.class);
    assertThat(s.verify("INVITE", answer(challenge, "alice", "s3cr3t", "INVITE", 200)).isOk())
        .isTrue();
    // 4 is now more than 64 counts behind the highest: refused, the window does not reach it
    assertThat(s.verify("INVITE", answer(challenge, "alice", "s3cr3t", "INVITE", 4)))
        .isEqualTo(new AuthResult.Replay(REALM, "alice", "00000004"));
    assertThat(s.verify("INVITE", answer(challenge, "alice", "s3cr3t", "INVITE", 0)))
        .isInstanceOf(AuthResult.Replay.class);
  }

  @Test
  void aNonceEvictedFromTheReplayWindowIsStaleNotReplayable() {
    DigestChallenger s = server(DigestConfig.of(REALM).withMaxTrackedNonces(2));
    String a = s.challenges(false).get(0);
    now.addAndGet(1);
    String b = s.challenges(false).get(0);
    now.addAndGet(1);
    String c = s.challenges(false).get(0);
    String replayed = answer(a, "alice", "s3cr3t", "INVITE", 1);
    assertThat(s.verify("INVITE", replayed).isOk()).isTrue();
    assertThat(s.verify("INVITE", answer(b, "alice", "s3cr3t", "INVITE", 1)).isOk()).isTrue();
    assertThat(s.verify("INVITE", answer(c, "alice", "s3cr3t", "INVITE", 1)).isOk()).isTrue();
    // a's window was evicted to make room for c; a replay of a must still not pass
    assertThat(s.verify("INVITE", replayed))
        .isEqualTo(new AuthResult.Stale(REALM, "alice", "nonce evicted from the replay window"));
  }

  /**
   * One UserSecret keeps the HA1 it last computed: asked for other algorithms and another realm in
   * turn (each a different HA1), every right answer still passes and a wrong one still fails.
   */
  @Test
  void aUsersKeptHa1FollowsTheAlgorithmAndRealmAskedFor() {
    UserSecret alice = UserSecret.password("s3cr3t");
    CredentialLookup shared = CredentialLookup.of(Map.of("alice", alice));
    DigestChallenger here = new DigestChallenger(DigestConfig.of(REALM), shared, clock);
    DigestChallenger there = new DigestChallenger(DigestConfig.of("other.example"), shared, clock);
    long nc = 1;
    for (int round = 0; round < 2; round++) {
      for (DigestChallenger s : List.of(here, there)) {
        List<String> ch = s.challenges(false);
        for (int i = 0; i < ch.size(); i++) {
          DigestAlgorithm alg =
              DigestAlgorithm.fromToken(AuthHeaderParserTest.parsed(ch.get(i)).param("algorithm"));
          assertThat(s.verify("INVITE", answer(ch.get(i), "alice", "s3cr3t", "INVITE", nc++)))
              .isEqualTo(new AuthResult.Ok(s.realm(), "alice", alg));
          assertThat(s.verify("INVITE", answer(ch.get(i), "alice", "s3cr3T", "INVITE", nc++)))
              .isEqualTo(new AuthResult.BadCredentials(s.realm(), "alice", "wrong response"));
        }
      }
    }
  }

  /** RFC 7616 §3.4: the response is LHEX, but an upper-case one is the same digest. */
  @Test
  void anUpperCaseResponseIsAcceptedAndAShorterOneIsNot() {
    DigestChallenger s = server(DigestConfig.of(REALM));
    String challenge = s.challenges(false).get(2);
    String good = answer(challenge, "alice", "s3cr3t", "INVITE", 1);
    String response = AuthHeaderParserTest.parsed(good).param("response");
    assertThat(s.verify("INVITE", good.replace(response, response.toUpperCase())).isOk()).isTrue();
    String shorter = answer(challenge, "alice", "s3cr3t", "INVITE", 2);
    String r2 = AuthHeaderParserTest.parsed(shorter).param("response");
    assertThat(s.verify("INVITE", shorter.replace(r2, r2.substring(0, r2.length() - 1))))
        .isEqualTo(new AuthResult.BadCredentials(REALM, "alice", "wrong response"));
    assertThat(s.verify("INVITE", shorter.replace(r2, r2 + "0")))
        .isEqualTo(new AuthResult.BadCredentials(REALM, "alice", "wrong response"));
  }

  @Test
  void wrongPasswordUnknownUserAndMissingHa1AreBadCredentials() {
    DigestChallenger s = server(DigestConfig.of(REALM));
    List<String> ch = s.challenges(false);
    assertThat(s.verify("INVITE", answer(ch.get(0), "alice", "nope", "INVITE", 1)))
        .isEqualTo(new AuthResult.BadCredentials(REALM, "alice", "wrong response"));
    assertThat(s.verify("INVITE", answer(ch.get(0), "mallory", "x", "INVITE", 1)))
        .isEqualTo(new AuthResult.BadCredentials(REALM, "mallory", "unknown user"));
    assertThat(s.verify("INVITE", answer(ch.get(2), "carol", "pw", "INVITE", 1)))
        .isEqualTo(new AuthResult.BadCredentials(REALM, "carol", "no HA1 stored for MD5"));
    assertThat(s.verify("INVITE", answer(ch.get(1), "carol", "pw", "INVITE", 1)))
        .isEqualTo(new AuthResult.Ok(REALM, "carol", DigestAlgorithm.SHA_256));
    // the digest covers the method: an INVITE's credentials do not authorize a BYE
    assertThat(s.verify("BYE", answer(ch.get(0), "alice", "s3cr3t", "INVITE", 2)))
        .isInstanceOf(AuthResult.BadCredentials.class);
  }

  @Test
  void malformedCredentialsSayWhy() {
    DigestChallenger s = server(DigestConfig.of(REALM).withAlgorithms(DigestAlgorithm.SHA_256));
    String good = answer(s.challenges(false).get(0), "alice", "s3cr3t", "INVITE", 1);
    assertThat(s.verify("INVITE", good.replace("SHA-256", "MD5")))
        .isEqualTo(new AuthResult.Malformed(REALM, "algorithm MD5 not offered"));
    assertThat(s.verify("INVITE", good.replace("qop=auth", "qop=auth-int")))
        .isEqualTo(new AuthResult.Malformed(REALM, "qop auth-int not offered"));
    assertThat(s.verify("INVITE", good.replace("nc=00000001", "nc=\"0000000\u0661\"")))
        .isEqualTo(new AuthResult.Malformed(REALM, "qop=auth needs nc (8 hex digits) and cnonce"));
    assertThat(s.verify("INVITE", good.replace("nc=00000001", "nc=1")))
        .isEqualTo(new AuthResult.Malformed(REALM, "qop=auth needs nc (8 hex digits) and cnonce"));
    assertThat(s.verify("INVITE", good.replaceAll("opaque=\"[^\"]*\"", "opaque=\"x\"")))
        .isEqualTo(new AuthResult.Malformed(REALM, "opaque does not match"));
    assertThat(s.verify("INVITE", good.replace(REALM, "other.example")))
        .isEqualTo(new AuthResult.Malformed(REALM, "credentials are for realm other.example"));
    assertThat(s.verify("INVITE", "Digest realm=\"" + REALM + "\""))
        .isEqualTo(
            new AuthResult.Malformed(REALM, "username, nonce, uri and response are required"));
    assertThat(s.verify("INVITE", "Digest realm=\"x"))
        .isEqualTo(
            new AuthResult.Malformed(
                REALM, "unterminated or invalid quoted-string in realm at offset 13"));
    assertThat(s.verify("INVITE", "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==").toString())
        .isEqualTo("realm trunk.example.net: malformed credentials: unsupported auth-scheme Basic");
  }

  @Test
  void rfc2069AnswersAreRefusedUnlessAllowed() {
    String ha1 = DigestMath.ha1(DigestAlgorithm.MD5, "alice", REALM, "s3cr3t");
    for (boolean require : List.of(true, false)) {
      DigestChallenger s = server(DigestConfig.of(REALM).withRequireQop(require));
      String nonce = AuthHeaderParserTest.parsed(s.challenges(false).get(0)).param("nonce");
      String response =
          DigestMath.response(
              DigestAlgorithm.MD5, ha1, "INVITE", Messages.URI, nonce, null, null, null);
      String credentials =
          "Digest username=\"alice\", realm=\""
              + REALM
              + "\", nonce=\""
              + nonce
              + "\", uri=\""
              + Messages.URI
              + "\", response=\""
              + response
              + "\"";
      assertThat(s.verify("INVITE", credentials))
          .isEqualTo(
              require
                  ? new AuthResult.Malformed(REALM, "qop missing (RFC 2069 answers are refused)")
                  : new AuthResult.Ok(REALM, "alice", DigestAlgorithm.MD5));
    }
  }

  @Test
  void verifyPicksOurRealmAmongSeveralHeadersAndIgnoresOtherSchemes() {
    DigestChallenger s = server(DigestConfig.of(REALM));
    String ours = answer(s.challenges(false).get(0), "alice", "s3cr3t", "INVITE", 1);
    SipMessage request =
        Messages.invite(
            HeaderName.PROXY_AUTHORIZATION,
            List.of(
                "Digest username=\"x\", realm=\"upstream.example\", nonce=\"n\", uri=\"u\","
                    + " response=\"r\"",
                "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==",
                ours));
    assertThat(s.verify(request, ChallengeKind.PROXY))
        .isEqualTo(new AuthResult.Ok(REALM, "alice", DigestAlgorithm.SHA_512_256));
    assertThat(s.verify(request, ChallengeKind.UAS)).isEqualTo(new AuthResult.Missing(REALM));
  }

  @Test
  void rfc4475Regaut01IsMissingCredentialsSoItGetsAChallenge() {
    SipMessage m = new SipParser().parseDatagram(Vectors.named("regaut01").bytes());
    DigestChallenger s = server(DigestConfig.of("example.com"));
    assertThat(s.verify(m, ChallengeKind.UAS)).isEqualTo(new AuthResult.Missing("example.com"));
  }

  @Test
  void badConfigIsRefusedNamingTheField() {
    assertThatThrownBy(() -> DigestConfig.of(REALM).withNonceLifetime(Duration.ZERO))
        .hasMessage("realm trunk.example.net: nonce-lifetime: must be > 0, got PT0S");
    assertThatThrownBy(() -> DigestConfig.of(REALM, new byte[8]))
        .hasMessage("realm trunk.example.net: secret: must be at least 16 bytes, got 8");
    assertThatThrownBy(() -> DigestConfig.of("a\"b"))
        .hasMessageStartingWith("realm: must be non-empty");
    assertThat(DigestConfig.of(REALM).toString()).doesNotContain("secret");
    assertThat(UserSecret.password("s3cr3t").toString()).doesNotContain("s3cr3t");
  }
}
