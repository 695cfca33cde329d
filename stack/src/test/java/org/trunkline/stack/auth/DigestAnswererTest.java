package org.trunkline.stack.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.trunkline.sip.HeaderName;
import org.trunkline.sip.SipMessage;

/** The client against the server, through real SIP messages, and the retry policy. */
class DigestAnswererTest {
  static final String REALM = "trunk.example.net";
  final AtomicLong now = new AtomicLong(1_800_000_000_000L);
  final InstantSource clock = () -> Instant.ofEpochMilli(now.get());
  final CredentialLookup users =
      CredentialLookup.of(Map.of("alice", UserSecret.password("s3cr3t")));

  DigestChallenger server(DigestConfig config) {
    return new DigestChallenger(config, users, clock);
  }

  static ChallengeAnswer.Retry retry(ChallengeAnswer a) {
    assertThat(a).isInstanceOf(ChallengeAnswer.Retry.class);
    return (ChallengeAnswer.Retry) a;
  }

  static String giveUp(ChallengeAnswer a) {
    assertThat(a).isInstanceOf(ChallengeAnswer.GiveUp.class);
    return ((ChallengeAnswer.GiveUp) a).reason();
  }

  /**
   * Plays a request against the server until it is accepted or the client gives up; returns the
   * server's verdicts in order, then the client's give-up reason if any.
   */
  List<String> play(
      DigestChallenger s, ChallengeKind kind, AuthAttempt attempt, List<AuthorizationLine> first) {
    List<String> log = new ArrayList<>();
    List<AuthorizationLine> lines = first;
    for (int round = 0; round < 10; round++) {
      AuthResult r = s.verify(Messages.invite(lines), kind);
      log.add(r.getClass().getSimpleName());
      if (r.isOk()) {
        return log;
      }
      SipMessage challenge = Messages.challenge(kind, s.challenges(r instanceof AuthResult.Stale));
      ChallengeAnswer a = attempt.answer(challenge, "INVITE", Messages.URI);
      if (a instanceof ChallengeAnswer.GiveUp g) {
        log.add(g.reason());
        return log;
      }
      lines = ((ChallengeAnswer.Retry) a).lines();
    }
    throw new AssertionError("looped: " + log);
  }

  @ParameterizedTest
  @EnumSource(DigestAlgorithm.class)
  void roundTripForEachAlgorithm(DigestAlgorithm alg) {
    DigestChallenger s = server(DigestConfig.of(REALM).withAlgorithms(alg));
    DigestAnswerer client = new DigestAnswerer(ClientCredentials.of("alice", "s3cr3t"));
    assertThat(play(s, ChallengeKind.UAS, client.newAttempt(), List.of()))
        .containsExactly("Missing", "Ok");
    // the next request reuses the nonce with nc 2 and needs no challenge
    List<AuthorizationLine> again = client.authorize("INVITE", Messages.URI);
    assertThat(AuthHeaderParserTest.parsed(again.get(0).value()).param("nc")).isEqualTo("00000002");
    assertThat(s.verify(Messages.invite(again), ChallengeKind.UAS))
        .isEqualTo(new AuthResult.Ok(REALM, "alice", alg));
  }

  @Test
  void aProxyChallengeIsAnsweredWithProxyAuthorization() {
    DigestChallenger s = server(DigestConfig.of(REALM));
    AuthAttempt attempt = new DigestAnswerer(ClientCredentials.of("alice", "s3cr3t")).newAttempt();
    ChallengeAnswer.Retry r =
        retry(
            attempt.answer(
                Messages.challenge(ChallengeKind.PROXY, s.challenges(false)),
                "INVITE",
                Messages.URI));
    assertThat(r.lines())
        .extracting(AuthorizationLine::name)
        .containsExactly(HeaderName.PROXY_AUTHORIZATION);
    assertThat(s.verify(Messages.invite(r.lines()), ChallengeKind.PROXY).isOk()).isTrue();
  }

  @Test
  void aStaleNonceIsRetriedOnceWithoutGivingUp() {
    DigestChallenger s = server(DigestConfig.of(REALM).withNonceLifetime(Duration.ofSeconds(300)));
    DigestAnswerer client = new DigestAnswerer(ClientCredentials.of("alice", "s3cr3t"));
    assertThat(play(s, ChallengeKind.UAS, client.newAttempt(), List.of()))
        .containsExactly("Missing", "Ok");
    now.addAndGet(Duration.ofMinutes(10).toMillis());
    // a later request with the cached, now expired, nonce: stale, answered, accepted
    assertThat(
            play(
                s,
                ChallengeKind.UAS,
                client.newAttempt(),
                client.authorize("INVITE", Messages.URI)))
        .containsExactly("Stale", "Ok");
  }

  @Test
  void aWrongPasswordGivesUpAfterOneRetry() {
    DigestChallenger s = server(DigestConfig.of(REALM));
    AuthAttempt attempt = new DigestAnswerer(ClientCredentials.of("alice", "wrong")).newAttempt();
    assertThat(play(s, ChallengeKind.UAS, attempt, List.of()))
        .containsExactly(
            "Missing",
            "BadCredentials",
            "401: realm trunk.example.net refused the credentials of user alice"
                + " (challenged again with a new nonce, not stale)");
  }

  @Test
  void theSameNonceChallengedAgainWithoutStaleGivesUp() {
    List<String> challenge = server(DigestConfig.of(REALM)).challenges(false);
    AuthAttempt attempt = new DigestAnswerer(ClientCredentials.of("alice", "s3cr3t")).newAttempt();
    SipMessage response = Messages.challenge(ChallengeKind.UAS, challenge);
    retry(attempt.answer(response, "INVITE", Messages.URI));
    assertThat(giveUp(attempt.answer(response, "INVITE", Messages.URI)))
        .isEqualTo(
            "401: realm trunk.example.net refused the credentials of user alice"
                + " (challenged again with the same nonce, not stale)");
  }

  @Test
  void aServerThatIsAlwaysStaleIsNotBelievedForever() {
    DigestChallenger s = server(DigestConfig.of(REALM));
    AuthAttempt attempt = new DigestAnswerer(ClientCredentials.of("alice", "s3cr3t")).newAttempt();
    List<String> reasons = new ArrayList<>();
    for (int i = 0; i < 5 && reasons.isEmpty(); i++) {
      ChallengeAnswer a =
          attempt.answer(
              Messages.challenge(ChallengeKind.UAS, s.challenges(i > 0)), "INVITE", Messages.URI);
      if (a instanceof ChallengeAnswer.GiveUp g) {
        reasons.add(i + ": " + g.reason());
      }
    }
    assertThat(reasons).containsExactly("3: 401: realm trunk.example.net said stale=true 3 times");
  }

  @Test
  void severalChallengesPickTheStrongestSupportedAlgorithm() {
    String nonce = "bm9uY2U";
    List<String> offered =
        List.of(
            "Digest realm=\"" + REALM + "\", nonce=\"" + nonce + "\", algorithm=MD5, qop=\"auth\"",
            "Digest realm=\""
                + REALM
                + "\", nonce=\""
                + nonce
                + "\", algorithm=SHA-256, qop=\"auth\"",
            "Digest realm=\""
                + REALM
                + "\", nonce=\""
                + nonce
                + "\", algorithm=SHA3-512, qop=\"auth\"",
            "Digest realm=\""
                + REALM
                + "\", nonce=\""
                + nonce
                + "\", algorithm=MD5-sess, qop=\"auth\"");
    AuthAttempt attempt = new DigestAnswerer(ClientCredentials.of("alice", "s3cr3t")).newAttempt();
    ChallengeAnswer.Retry r =
        retry(
            attempt.answer(Messages.challenge(ChallengeKind.UAS, offered), "INVITE", Messages.URI));
    assertThat(r.lines()).hasSize(1);
    assertThat(AuthHeaderParserTest.parsed(r.lines().get(0).value()).param("algorithm"))
        .isEqualTo("SHA-256");
  }

  @Test
  void eachRealmIsAnsweredWithItsOwnCredential() {
    SipMessage response =
        Messages.response(
            407,
            "Proxy Authentication Required",
            List.of(
                "WWW-Authenticate: Digest realm=\"uas.example\", nonce=\"n1\", qop=\"auth\"",
                "Proxy-Authenticate: Digest realm=\"proxy.example\", nonce=\"n2\", algorithm=SHA-256"));
    DigestAnswerer client =
        new DigestAnswerer(
            ClientCredentials.perRealm(
                Map.of(
                    "uas.example", new ClientCredential("u1", "p1"),
                    "proxy.example", new ClientCredential("u2", "p2"))),
            () -> "c");
    ChallengeAnswer.Retry r = retry(client.newAttempt().answer(response, "INVITE", Messages.URI));
    assertThat(r.lines())
        .extracting(AuthorizationLine::name)
        .containsExactly(HeaderName.AUTHORIZATION, HeaderName.PROXY_AUTHORIZATION);
    AuthHeader uas = AuthHeaderParserTest.parsed(r.lines().get(0).value());
    AuthHeader proxy = AuthHeaderParserTest.parsed(r.lines().get(1).value());
    assertThat(uas.param("username")).isEqualTo("u1");
    assertThat(uas.param("algorithm")).as("not in the challenge, so not in the answer").isNull();
    assertThat(proxy.param("username")).isEqualTo("u2");
    // no qop in the proxy's challenge: RFC 2069 style, no nc, cnonce or qop
    assertThat(proxy.param("qop")).isNull();
    assertThat(proxy.param("nc")).isNull();
    assertThat(proxy.param("cnonce")).isNull();
    String ha1 = DigestMath.ha1(DigestAlgorithm.SHA_256, "u2", "proxy.example", "p2");
    assertThat(proxy.param("response"))
        .isEqualTo(
            DigestMath.response(
                DigestAlgorithm.SHA_256, ha1, "INVITE", Messages.URI, "n2", null, null, null));
  }

  @Test
  void anRfc2069AnswerVerifiesWhenTheServerAllowsIt() {
    DigestChallenger s = server(DigestConfig.of(REALM).withRequireQop(false));
    String nonce = AuthHeaderParserTest.parsed(s.challenges(false).get(0)).param("nonce");
    SipMessage legacy =
        Messages.challenge(
            ChallengeKind.UAS, List.of("Digest realm=\"" + REALM + "\", nonce=\"" + nonce + "\""));
    ChallengeAnswer.Retry r =
        retry(
            new DigestAnswerer(ClientCredentials.of("alice", "s3cr3t"))
                .newAttempt()
                .answer(legacy, "INVITE", Messages.URI));
    assertThat(s.verify(Messages.invite(r.lines()), ChallengeKind.UAS))
        .isEqualTo(new AuthResult.Ok(REALM, "alice", DigestAlgorithm.MD5));
  }

  @Test
  void aUsernameThatWouldBreakTheHeaderLineIsRefused() {
    assertThatThrownBy(() -> new ClientCredential("alice\r\nVia: x", "pw"))
        .hasMessageStartingWith("username: must be non-empty without control characters");
    assertThat(new ClientCredential("alice", "s3cr3t").toString()).doesNotContain("s3cr3t");
  }

  @Test
  void unanswerableChallengesGiveUpWithAReason() {
    AuthAttempt attempt = new DigestAnswerer(ClientCredentials.perRealm(Map.of())).newAttempt();
    assertThat(
            giveUp(
                attempt.answer(
                    Messages.challenge(
                        ChallengeKind.UAS, List.of("Digest realm=\"x\", nonce=\"n\"")),
                    "INVITE",
                    Messages.URI)))
        .isEqualTo("401: no credentials for realm x");
    assertThat(
            giveUp(
                attempt.answer(
                    Messages.challenge(
                        ChallengeKind.UAS,
                        List.of(
                            "Basic realm=\"x\"",
                            "Digest realm=\"x\", nonce=\"n\", qop=\"auth-int\"")),
                    "INVITE",
                    Messages.URI)))
        .isEqualTo(
            "401 without a usable challenge: [WWW-Authenticate 'Basic realm=\"x\"': unsupported scheme"
                + " Basic, WWW-Authenticate 'Digest realm=\"x\", nonce=\"n\", qop=\"auth-int\"': qop"
                + " auth-int not supported]");
    assertThat(
            giveUp(
                attempt.answer(
                    Messages.response(403, "Forbidden", List.of()), "INVITE", Messages.URI)))
        .isEqualTo("status 403 is not a challenge");
  }
}
