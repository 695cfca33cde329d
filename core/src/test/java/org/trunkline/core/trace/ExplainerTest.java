package org.trunkline.core.trace;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.trunkline.core.trace.Explainer.Context;
import org.trunkline.core.trace.Explainer.Explanation;
import org.trunkline.core.trace.Explainer.Kind;
import org.trunkline.core.trace.Explainer.TrunkFacts;
import org.trunkline.core.trunk.AddressRange;
import org.trunkline.core.trunk.TrunkAccess;
import org.trunkline.stack.TraceTap;

/**
 * The explainer on traces recorded through the server (see the head of each file under
 * src/test/resources/trace): the right reason for each kind of failure, in the server's words.
 */
class ExplainerTest {
  private static final Context CALLS =
      new Context(
          List.of(
              new TrunkFacts("carrier1", List.of("127.0.0.20"), "", "up"),
              new TrunkFacts("pbx", List.of("127.0.0.1:25080"), "", "up")),
          "trunkline");
  private static final Context ACME =
      new Context(List.of(new TrunkFacts("acme", List.of(), "acme", "")), "trunkline");

  private static Explanation explain(String fixture, Context context) {
    return Explainer.explain(TraceFixtures.load(fixture), context);
  }

  @Test
  void anAnsweredCallSaysWhoAnsweredWhoHungUpAndHowLongItLasted() {
    Explanation e = explain("call", CALLS);
    assertThat(e.kind()).isEqualTo(Kind.ANSWERED);
    assertThat(e.text())
        .isEqualTo(
            "The call from trunk carrier1 (127.0.0.20:25070) to +74951234567 was answered by"
                + " trunk pbx (127.0.0.1:25080) 0.282 s after the INVITE (200 at #7). The caller"
                + " hung up (BYE at #9) after 0.254 s of conversation.");
  }

  @Test
  void aNumberNoRouteCoversIsNoRoute() {
    Explanation e = explain("no-route", CALLS);
    assertThat(e.kind()).isEqualTo(Kind.NO_ROUTE);
    assertThat(e.text())
        .startsWith(
            "The call from trunk carrier1 (127.0.0.20:25070) to +4930123456 was refused: we"
                + " answered it 404 No route to +4930123456 (Q.850 cause 3, \"no route to"
                + " +4930123456\") at #3.")
        .contains("No route covers +4930123456");
  }

  @Test
  void aSourceNoTrunkCoversShowsTheSourceAndTheConfiguredPeers() {
    Explanation e = explain("unknown-source", CALLS);
    assertThat(e.kind()).isEqualTo(Kind.SOURCE_NOT_ALLOWED);
    assertThat(e.text())
        .startsWith(
            "The call from 127.0.0.30:25070 to +74951234567 was refused: we answered it 403")
        .contains("The source address 127.0.0.30 is not among the peers of any trunk")
        .contains("the configured peers are carrier1: 127.0.0.20; pbx: 127.0.0.1:25080.");
  }

  @Test
  void aRefusalWithCause34IsALimitAndNamesIt() {
    Explanation e = explain("limit", CALLS);
    assertThat(e.kind()).isEqualTo(Kind.LIMIT_REACHED);
    assertThat(e.text())
        .contains("503 Trunk carrier1 at its limit (Q.850 cause 34")
        .contains("A limit was reached: trunk carrier1 is at its max-cps 1.");
  }

  @Test
  void aLimitIsReadFromCause34WhateverStatusCallsLimitStatusGivesIt() {
    // the recorded refusal, as a server with calls.limit-status: 486 writes it
    List<TracedMessage> trace = new ArrayList<>();
    for (TracedMessage m : TraceFixtures.load("limit")) {
      String text =
          new String(m.bytes(), StandardCharsets.UTF_8)
              .replace("SIP/2.0 503 Trunk carrier1", "SIP/2.0 486 Trunk carrier1");
      trace.add(
          TraceFixtures.with(
              m, m.transport(), m.local(), m.remote(), text.getBytes(StandardCharsets.UTF_8)));
    }
    Explanation e = Explainer.explain(trace, CALLS);
    assertThat(e.kind()).isEqualTo(Kind.LIMIT_REACHED);
    assertThat(e.text()).contains("we answered it 486 Trunk carrier1 at its limit (Q.850 cause 34");
  }

  @Test
  void aCalleesOwnCause34ThatWePassOnIsTheCalleesRefusalNotOurLimit() {
    // the recorded 488 of the callee, as a 503 with Reason cause 34 that we relay (RFC 3326)
    List<TracedMessage> trace = new ArrayList<>();
    for (TracedMessage m : TraceFixtures.load("codec")) {
      String text =
          new String(m.bytes(), StandardCharsets.UTF_8)
              .replace("SIP/2.0 488 Not Acceptable Here", "SIP/2.0 503 Service Unavailable")
              .replace("Reason: Q.850;cause=127;", "Reason: Q.850;cause=34;")
              .replace(
                  "CSeq: 1 INVITE\r\nWarning",
                  "CSeq: 1 INVITE\r\nReason: Q.850;cause=34\r\nWarning");
      trace.add(
          TraceFixtures.with(
              m, m.transport(), m.local(), m.remote(), text.getBytes(StandardCharsets.UTF_8)));
    }
    Explanation e = Explainer.explain(trace, CALLS);
    assertThat(e.kind()).isEqualTo(Kind.REJECTED);
    assertThat(e.text())
        .contains(
            "was refused by trunk pbx (127.0.0.1:25080): it answered 503 Service Unavailable (Q.850"
                + " cause 34) at #4, which we passed to the caller (#6).");
  }

  @Test
  void a488ShowsTheCodecsOfferedAndTheCodecsAccepted() {
    Explanation e = explain("codec", CALLS);
    assertThat(e.kind()).isEqualTo(Kind.CODEC_MISMATCH);
    assertThat(e.text())
        .contains(
            "was refused by trunk pbx (127.0.0.1:25080): it answered 488 Not Acceptable Here at #4,"
                + " which we passed to the caller (#6).")
        .contains(
            "the caller offered PCMU, PCMA; trunk pbx (127.0.0.1:25080) accepts G729 (Warning: 305"
                + " pbx \"Incompatible media format\").");
  }

  @Test
  void aPeerThatNeverAnswersIsNamedWithTheRetransmissionsAndTheTimeout() {
    Explanation e = explain("no-answer", CALLS);
    assertThat(e.kind()).isEqualTo(Kind.NO_ANSWER);
    assertThat(e.text())
        .isEqualTo(
            "The call from trunk carrier1 (127.0.0.20:25070) to +74951234567 got no answer from"
                + " trunk pbx (127.0.0.1:25080): our INVITE (#4) was sent 7 times over 31.560 s"
                + " and nothing came back, so we gave up and answered the caller 408 Request"
                + " Timeout (Q.850 cause 102, \"no answer from trunk pbx\") at #12.");
  }

  @Test
  void theSameSilenceFromATrunkMarkedDownIsTrunkDown() {
    Context down =
        new Context(
            List.of(
                new TrunkFacts("carrier1", List.of("127.0.0.20"), "", "up"),
                new TrunkFacts(
                    "pbx", List.of("127.0.0.1:25080"), "", "down: no answer to OPTIONS")),
            "trunkline");
    Explanation e = explain("no-answer", down);
    assertThat(e.kind()).isEqualTo(Kind.TRUNK_DOWN);
    assertThat(e.text()).endsWith("Trunk pbx is marked down: no answer to OPTIONS.");
  }

  @Test
  void aTrunkThatAnswersNoOptionsProbeIsDown() {
    Context down =
        new Context(
            List.of(
                new TrunkFacts(
                    "pbx",
                    List.of("127.0.0.1:25080"),
                    "",
                    "down: OPTIONS to sip:127.0.0.1:25080: 408 Request Timeout (timeout from"
                        + " udp:127.0.0.1:25080)")),
            "trunkline");
    Explanation e = explain("trunk-down", down);
    assertThat(e.kind()).isEqualTo(Kind.TRUNK_DOWN);
    assertThat(e.text())
        .isEqualTo(
            "trunk pbx (127.0.0.1:25080) answered none of our 1 OPTIONS probe(s): the last (#1) was"
                + " sent 11 times over 31.837 s without an answer, so the peer is down or"
                + " unreachable. Trunk pbx is marked down: OPTIONS to sip:127.0.0.1:25080: 408"
                + " Request Timeout (timeout from udp:127.0.0.1:25080).");
    assertThat(explain("trunk-down", Context.NONE).kind()).isEqualTo(Kind.NO_ANSWER);
  }

  @Test
  void credentialsWeDoNotAcceptForAKnownUsernameAreAWrongPassword() {
    Explanation e = explain("wrong-password", ACME);
    assertThat(e.kind()).isEqualTo(Kind.WRONG_CREDENTIALS);
    assertThat(e.text())
        .isEqualTo(
            "The PBX at 127.0.0.20:25070 could not register: it answered our challenge with"
                + " credentials for user \"acme\" in realm \"trunkline\" (#4), and we did not"
                + " accept them (401 Unauthorized at #7). The username is trunk acme's, so the"
                + " password is wrong.");
  }

  @Test
  void credentialsInARealmThatIsNotOursAreAWrongRealm() {
    // the recorded exchange, with the PBX answering in its own realm instead of ours
    List<TracedMessage> trace = new ArrayList<>();
    for (TracedMessage m : TraceFixtures.load("wrong-password")) {
      String text = new String(m.bytes(), StandardCharsets.UTF_8);
      if (m.direction() == TraceTap.Direction.IN) {
        text = text.replace("realm=\"trunkline\"", "realm=\"pbx.example\"");
      }
      trace.add(
          TraceFixtures.with(
              m, m.transport(), m.local(), m.remote(), text.getBytes(StandardCharsets.UTF_8)));
    }
    Explanation e = Explainer.explain(trace, ACME);
    assertThat(e.kind()).isEqualTo(Kind.WRONG_REALM);
    assertThat(e.text())
        .contains("credentials for user \"acme\" in realm \"pbx.example\"")
        .endsWith(
            "The realm \"pbx.example\" is not ours: we challenge in realm \"trunkline\". Set the"
                + " PBX's realm (or authentication domain) to \"trunkline\".");
  }

  @Test
  void anUnknownUsernameIsNamedAsSuch() {
    Context other =
        new Context(List.of(new TrunkFacts("zeta", List.of(), "zeta", "")), "trunkline");
    assertThat(explain("wrong-password", other).text())
        .endsWith("No trunk has the username \"acme\": the username is wrong.");
  }

  @Test
  void aPbxThatResendsRegisterWithoutCredentialsIgnoresOurChallenge() {
    Explanation e = explain("ignores-401", ACME);
    assertThat(e.kind()).isEqualTo(Kind.IGNORES_CHALLENGE);
    assertThat(e.text())
        .startsWith(
            "The PBX at 127.0.0.20:25070 ignores our challenge: it sent REGISTER 3 times (CSeq 1"
                + " to 3) without credentials, and each time we answered 401 asking for them in"
                + " realm \"trunkline\".");
  }

  @Test
  void aCustomersRegistrarRefusingOurCredentialsIsRegistrationRefused() {
    Context beta =
        new Context(
            List.of(new TrunkFacts("beta", List.of("127.0.0.1:25080"), "trunk77", "")),
            "trunkline");
    Explanation e = explain("regout-refused", beta);
    assertThat(e.kind()).isEqualTo(Kind.REGISTRATION_REFUSED);
    assertThat(e.text())
        .isEqualTo(
            "The registrar at trunk beta (127.0.0.1:25080) refused our registration as trunk77:"
                + " it challenged us in realm \"sipp.test\", we answered with the trunk's"
                + " credentials (user \"trunk77\", #3), and it answered 403 Forbidden (#4). The"
                + " username or password configured for the trunk is not the one the registrar"
                + " expects.");
  }

  @Test
  void withoutContextAddressesStandForTrunksAndTheKindIsTheSame() {
    Explanation e = explain("unknown-source", Context.NONE);
    assertThat(e.kind()).isEqualTo(Kind.SOURCE_NOT_ALLOWED);
    assertThat(e.text()).doesNotContain("configured peers");
    assertThat(explain("call", Context.NONE).text())
        .startsWith(
            "The call from 127.0.0.20:25070 to +74951234567 was answered by 127.0.0.1:25080");
  }

  @Test
  void aCalleeThatHangsUpIsNamedAsTheOneWhoHungUp() {
    Explanation e = explain("callee-hangs-up", CALLS);
    assertThat(e.kind()).isEqualTo(Kind.ANSWERED);
    assertThat(e.text()).endsWith("The callee hung up (BYE at #9) after 0.204 s of conversation.");
  }

  @Test
  void aFailoverListsEveryTrunkTriedAndWhatItAnswered() {
    Context two =
        new Context(
            List.of(
                new TrunkFacts("carrier1", List.of("127.0.0.20"), "", "up"),
                new TrunkFacts("first", List.of("127.0.0.1:25080"), "", "up"),
                new TrunkFacts("second", List.of("127.0.0.1:25081"), "", "up")),
            "trunkline");
    Explanation e = explain("failover", two);
    assertThat(e.kind()).isEqualTo(Kind.ANSWERED);
    assertThat(e.text())
        .contains("was answered by trunk second (127.0.0.1:25081)")
        .endsWith(
            "Tried in order: trunk first (127.0.0.1:25080): 503 Service Unavailable; trunk second"
                + " (127.0.0.1:25081): 200 OK.");
  }

  @Test
  void anInviteWithAWrongPasswordIsWrongCredentials() {
    Explanation e = explain("invite-auth", ACME);
    assertThat(e.kind()).isEqualTo(Kind.WRONG_CREDENTIALS);
    assertThat(e.text())
        .isEqualTo(
            "The call from 127.0.0.10:25070 to +74951234567 was refused: it answered our challenge"
                + " with credentials for user \"acme\" in realm \"trunkline\" (#4), and we did not"
                + " accept them (407 Proxy Authentication Required at #5). The username is trunk"
                + " acme's, so the password is wrong.");
  }

  @Test
  void aChallengedInviteFromASourceNoTrunkListsSaysSoWithThePeers() {
    // the INVITE and our 407 only: the caller never answered the challenge
    List<TracedMessage> firstTwo = TraceFixtures.load("invite-auth").subList(0, 2);
    Context mixed =
        new Context(
            List.of(
                new TrunkFacts("carrier1", List.of("127.0.0.20"), "", "up"),
                new TrunkFacts("acme", List.of(), "acme", "")),
            "trunkline");

    Explanation e = Explainer.explain(firstTwo, mixed);

    assertThat(e.text())
        .endsWith(
            "and the caller did not send credentials. Its source 127.0.0.10:25070 is not among"
                + " any trunk's peers (carrier1: 127.0.0.20), so only a register-in trunk's"
                + " username and password could let it call: add the address to an ip trunk's"
                + " peers if it should call without one.");
    // a source an ip trunk lists was challenged for another reason: no such advice
    Context listed =
        new Context(
            List.of(
                new TrunkFacts("carrier1", List.of("127.0.0.10"), "", "up"),
                new TrunkFacts("acme", List.of(), "acme", "")),
            "trunkline");
    assertThat(Explainer.explain(firstTwo, listed).text()).doesNotContain("not among");
  }

  @Test
  void theContextOfARunningConfigHasEveryTrunksPeersTargetUsernameAndState() {
    java.time.Duration s5 = java.time.Duration.ofSeconds(5);
    org.trunkline.core.trunk.TrunksConfig config =
        new org.trunkline.core.trunk.TrunksConfig(
            List.of(
                trunk(
                    "carrier1",
                    new TrunkAccess.Ip(List.of(AddressRange.parse("127.0.0.20"))),
                    null),
                trunk(
                    "pbx",
                    new TrunkAccess.Ip(List.of(AddressRange.parse("127.0.0.1:25080"))),
                    "sip:127.0.0.1:25080"),
                trunk(
                    "acme",
                    new TrunkAccess.RegisterIn("acme", "change-me", "trunkline", 1, 60, 3600),
                    null),
                trunk(
                    "beta",
                    new TrunkAccess.RegisterOut(
                        "sip:127.0.0.9:5070", "trunk77", "pw", "auth77", 600, s5, s5),
                    null)),
            org.trunkline.core.trunk.IngressPolicy.DEFAULT);

    Context c = Context.of(config, name -> name.equals("pbx") ? "down: no answer" : "up");

    assertThat(c.trunks())
        .containsExactly(
            new TrunkFacts("carrier1", List.of("127.0.0.20"), "", "up"),
            new TrunkFacts("pbx", List.of("127.0.0.1:25080"), "", "down: no answer"),
            new TrunkFacts("acme", List.of(), "acme", "up"),
            new TrunkFacts("beta", List.of("127.0.0.9:5070"), "auth77", "up"));
    assertThat(c.realm()).isEqualTo("trunkline");
    assertThat(Explainer.explain(TraceFixtures.load("no-answer"), c).kind())
        .isEqualTo(Kind.TRUNK_DOWN);
  }

  private static org.trunkline.core.trunk.Trunk trunk(
      String name, TrunkAccess access, String target) {
    return new org.trunkline.core.trunk.Trunk(
        name,
        access.mode(),
        access,
        java.util.Optional.ofNullable(target),
        java.util.Optional.empty(),
        0,
        0,
        List.of());
  }

  @Test
  void aTraceCutBeforeTheFinalAnswerSaysSo() {
    List<TracedMessage> firstFive = Ladder.ordered(TraceFixtures.load("call")).subList(0, 5);
    Explanation e = Explainer.explain(firstFive, CALLS);
    assertThat(e.kind()).isEqualTo(Kind.INCOMPLETE);
    assertThat(e.text()).contains("has no final answer in the trace (it was ringing at #5)");
    assertThat(Explainer.explain(List.of(), CALLS).kind()).isEqualTo(Kind.EMPTY);
  }
}
