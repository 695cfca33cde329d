package org.trunkline.core.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;
import org.trunkline.core.trunk.AddressRange;
import org.trunkline.core.trunk.BanPolicy;
import org.trunkline.core.trunk.IngressPolicy;
import org.trunkline.core.trunk.Trunk;
import org.trunkline.core.trunk.TrunkAccess;
import org.trunkline.sip.SipMessage;
import org.trunkline.sip.SipParser;
import org.trunkline.stack.Transport;
import org.trunkline.stack.auth.AuthorizationLine;
import org.trunkline.stack.auth.ChallengeAnswer;
import org.trunkline.stack.auth.ClientCredentials;
import org.trunkline.stack.auth.DigestAlgorithm;
import org.trunkline.stack.auth.DigestAnswerer;
import org.trunkline.stack.transaction.Peer;

/** The ingress pipeline's order and each stage's rule, without sockets. */
class IngressTest {
  private long now = 5_000_000;
  private final InstantSource clock = () -> Instant.ofEpochMilli(now);

  private static Trunk trunk(String name, TrunkAccess access) {
    return new Trunk(
        name, access.mode(), access, Optional.empty(), Optional.empty(), 0, 0, List.of());
  }

  private static TrunkAccess.Ip ip(String... peers) {
    return new TrunkAccess.Ip(List.of(peers).stream().map(AddressRange::parse).toList());
  }

  private final Trunk wide = trunk("wide", ip("198.51.100.0/24"));
  private final Trunk narrow = trunk("narrow", ip("198.51.100.16/28"));
  private final Trunk host = trunk("host", ip("198.51.100.20:5062"));
  private final Trunk gamma =
      trunk(
          "gamma", new TrunkAccess.CrossConnect("xc", List.of(AddressRange.parse("203.0.113.9"))));
  private final Trunk acme =
      trunk("acme", new TrunkAccess.RegisterIn("acme", "s3cret", "trunkline", 1, 60, 3600));

  private Ingress ingress(IngressPolicy policy, BanList bans) {
    List<Trunk> trunks = List.of(wide, narrow, host, gamma, acme);
    return new Ingress(
        List.of(
            new CrossConnectStage(trunks),
            new IpPeerStage(trunks),
            new DigestStage(trunks, policy.digestAlgorithms(), new byte[32], clock, bans)),
        policy,
        bans,
        Ingress.newSourceCounts(),
        new LongAdder());
  }

  private final BanList bans =
      new BanList(new BanPolicy(3, Duration.ofSeconds(60), Duration.ofMinutes(10)), clock);
  private final Ingress ingress =
      ingress(
          new IngressPolicy(
              false,
              bans(3),
              List.of(DigestAlgorithm.MD5, DigestAlgorithm.SHA_256, DigestAlgorithm.SHA_512_256),
              IngressPolicy.DEFAULT_MONITORS),
          bans);

  private static BanPolicy bans(int failures) {
    return new BanPolicy(failures, Duration.ofSeconds(60), Duration.ofMinutes(10));
  }

  private static SipMessage request(String method, String... headers) {
    StringBuilder sb =
        new StringBuilder(
            method
                + " sip:192.0.2.1 SIP/2.0\r\nVia: SIP/2.0/UDP 198.51.100.20;branch=z9hG4bK-1\r\n"
                + "Max-Forwards: 70\r\nFrom: <sip:acme@192.0.2.1>;tag=a\r\nTo: <sip:acme@192.0.2.1>\r\n"
                + "Call-ID: c1\r\nCSeq: 1 "
                + method
                + "\r\n");
    for (String h : headers) {
      sb.append(h).append("\r\n");
    }
    sb.append("Content-Length: 0\r\n\r\n");
    return new SipParser().parseDatagram(sb.toString().getBytes(StandardCharsets.UTF_8));
  }

  private static Inbound from(SipMessage m, String ip, int port, String listenPoint) {
    return new Inbound(m, new Peer(Transport.UDP, new InetSocketAddress(ip, port), listenPoint));
  }

  private String trunkOf(Verdict v) {
    return v instanceof Verdict.Identified id ? id.trunk().name() : v.getClass().getSimpleName();
  }

  @Test
  void theMostSpecificIpPeerWins() {
    SipMessage options = request("OPTIONS");
    assertThat(trunkOf(ingress.classify(from(options, "198.51.100.20", 5062, "public"))))
        .isEqualTo("host");
    assertThat(trunkOf(ingress.classify(from(options, "198.51.100.20", 5060, "public"))))
        .isEqualTo("narrow");
    assertThat(trunkOf(ingress.classify(from(options, "198.51.100.200", 5060, "public"))))
        .isEqualTo("wide");
  }

  @Test
  void aCrossConnectSocketNeverFallsThroughToAnotherTrunk() {
    SipMessage options = request("OPTIONS");
    assertThat(trunkOf(ingress.classify(from(options, "203.0.113.9", 5060, "xc"))))
        .isEqualTo("gamma");
    // an ip trunk's peer on gamma's socket is refused, not given to the ip trunk
    Verdict v = ingress.classify(from(options, "198.51.100.20", 5062, "xc"));
    assertThat(v).isInstanceOf(Verdict.Reject.class);
    assertThat(((Verdict.Reject) v).why()).contains("trunk gamma").contains("not among its peers");
    // gamma's peer elsewhere is not gamma
    assertThat(ingress.classify(from(options, "203.0.113.9", 5060, "public")))
        .isInstanceOf(Verdict.Reject.class);
  }

  @Test
  void anUnknownSourceIs403OrDroppedAndCounted() {
    var counts = Ingress.newSourceCounts();
    Ingress reject =
        new Ingress(
            List.of(new IpPeerStage(List.of(wide))),
            new IngressPolicy(false, bans(0)),
            bans,
            counts,
            new LongAdder());
    Verdict v = reject.classify(from(request("OPTIONS"), "192.0.2.99", 5060, "public"));
    assertThat(v).isInstanceOf(Verdict.Reject.class);
    assertThat(((Verdict.Reject) v).status()).isEqualTo(403);
    assertThat(counts.get("192.0.2.99").sum()).isEqualTo(1);

    Ingress drop =
        new Ingress(
            List.of(),
            new IngressPolicy(true, bans(0), IngressPolicy.DEFAULT_DIGEST_ALGORITHMS, List.of()),
            bans,
            counts,
            new LongAdder());
    assertThat(drop.classify(from(request("INVITE"), "192.0.2.99", 5060, "public")))
        .isInstanceOf(Verdict.Drop.class);
    assertThat(counts.get("192.0.2.99").sum()).isEqualTo(2);
  }

  @Test
  void monitoringSourcesGetTheirOptionsAnsweredButNothingElse() {
    Ingress i =
        new Ingress(
            List.of(),
            new IngressPolicy(
                false,
                bans(0),
                IngressPolicy.DEFAULT_DIGEST_ALGORITHMS,
                List.of(AddressRange.parse("10.9.0.0/16"))),
            bans,
            Ingress.newSourceCounts(),
            new LongAdder());
    assertThat(i.classify(from(request("OPTIONS"), "10.9.1.1", 5060, "public")))
        .isInstanceOf(Verdict.Local.class);
    assertThat(i.classify(from(request("INVITE"), "10.9.1.1", 5060, "public")))
        .isInstanceOf(Verdict.Reject.class);
    assertThat(i.classify(from(request("OPTIONS"), "10.8.1.1", 5060, "public")))
        .isInstanceOf(Verdict.Reject.class);
  }

  @Test
  void registerIsChallenged401AndInvite407WithEveryConfiguredAlgorithmInOrder() {
    Verdict reg = ingress.classify(from(request("REGISTER"), "192.0.2.50", 5060, "public"));
    assertThat(reg).isInstanceOf(Verdict.Reject.class);
    Verdict.Reject r = (Verdict.Reject) reg;
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.headers()).hasSize(3);
    assertThat(r.headers().get(0))
        .startsWith("WWW-Authenticate: Digest ")
        .contains("algorithm=MD5");
    assertThat(r.headers().get(1)).contains("algorithm=SHA-256");
    assertThat(r.headers().get(2)).contains("algorithm=SHA-512-256");

    Verdict.Reject inv =
        (Verdict.Reject) ingress.classify(from(request("INVITE"), "192.0.2.50", 5060, "public"));
    assertThat(inv.status()).isEqualTo(407);
    assertThat(inv.headers().get(0)).startsWith("Proxy-Authenticate: Digest ");
  }

  @Test
  void aRegisterWithoutCredentialsIsChallengedWithoutStateAndNeverCountsAsAFailure() {
    for (int i = 0; i < 10; i++) {
      Verdict.Reject r =
          ingress.challengeWithoutState(from(request("REGISTER"), "192.0.2.50", 5060, "public"));
      assertThat(r).isNotNull();
      assertThat(r.status()).isEqualTo(401);
      assertThat(r.headers()).hasSize(3).allMatch(h -> h.startsWith("WWW-Authenticate: Digest "));
    }
    // a challenge is not a failed authentication: no failure, no ban, no unknown source
    assertThat(bans.authFailures()).isZero();
    assertThat(bans.bans()).isZero();
    assertThat(bans.isBanned("192.0.2.50")).isFalse();
    // and its answer is verified as usual
    Verdict.Reject challenge =
        ingress.challengeWithoutState(from(request("REGISTER"), "192.0.2.50", 5060, "public"));
    assertThat(
            trunkOf(
                ingress.classify(
                    from(answered(challenge, "s3cret"), "192.0.2.50", 5060, "public"))))
        .isEqualTo("acme");
  }

  /**
   * RFC 3261 §17.2.2: a copy of a REGISTER challenged without a transaction gets the same challenge
   * over UDP (nothing else absorbs it); a new request, another source, a REGISTER over TCP or one
   * in a transaction gets a new nonce.
   */
  @Test
  void aCopyOfARegisterOverUdpGetsTheSameChallengeAndAnythingElseANewNonce() {
    Verdict.Reject first =
        ingress.challengeWithoutState(from(request("REGISTER"), "192.0.2.50", 5060, "public"));
    Verdict.Reject copy =
        ingress.challengeWithoutState(from(request("REGISTER"), "192.0.2.50", 5060, "public"));
    assertThat(copy.headers()).isEqualTo(first.headers());
    now += 31_999;
    assertThat(
            ingress
                .challengeWithoutState(from(request("REGISTER"), "192.0.2.50", 5060, "public"))
                .headers())
        .isEqualTo(first.headers());

    String nonce = nonceOf(first);
    SipMessage newBranch =
        new SipParser()
            .parseDatagram(
                new String(request("REGISTER").toBytes(), StandardCharsets.UTF_8)
                    .replace("z9hG4bK-1", "z9hG4bK-9")
                    .getBytes(StandardCharsets.UTF_8));
    assertThat(nonceOf(ingress.challengeWithoutState(from(newBranch, "192.0.2.50", 5060, "p"))))
        .isNotEqualTo(nonce);
    assertThat(
            nonceOf(
                ingress.challengeWithoutState(
                    from(request("REGISTER"), "192.0.2.50", 5070, "public"))))
        .isNotEqualTo(nonce);
    Inbound overTcp =
        new Inbound(
            request("REGISTER"),
            new Peer(Transport.TCP, new InetSocketAddress("192.0.2.50", 5060)));
    String tcp1 = nonceOf(ingress.challengeWithoutState(overTcp));
    String tcp2 = nonceOf(ingress.challengeWithoutState(overTcp));
    assertThat(List.of(tcp1, tcp2)).doesNotContain(nonce).doesNotHaveDuplicates();
    // in a transaction (classify), which absorbs copies itself: a new nonce each time
    Verdict.Reject inTransaction =
        (Verdict.Reject) ingress.classify(from(request("REGISTER"), "192.0.2.50", 5060, "public"));
    assertThat(nonceOf(inTransaction)).isNotEqualTo(nonce);
    // once the window has passed, a copy is challenged afresh
    now += 1;
    assertThat(
            nonceOf(
                ingress.challengeWithoutState(
                    from(request("REGISTER"), "192.0.2.50", 5060, "public"))))
        .isNotEqualTo(nonce);
  }

  private static String nonceOf(Verdict.Reject r) {
    String h = r.headers().get(0);
    int from = h.indexOf("nonce=\"") + "nonce=\"".length();
    return h.substring(from, h.indexOf('"', from));
  }

  @Test
  void everythingElseIsLeftToClassifyAndCountedOnlyThere() {
    // credentials present (good or bad: a bad answer must be counted in classify)
    Verdict.Reject challenge =
        (Verdict.Reject) ingress.classify(from(request("REGISTER"), "192.0.2.50", 5060, "public"));
    assertThat(
            ingress.challengeWithoutState(
                from(answered(challenge, "wrong"), "192.0.2.66", 5060, "public")))
        .isNull();
    assertThat(bans.authFailures()).isZero();
    // other methods, an INVITE's 407, a REGISTER from an ip peer or on a cross-connect socket
    assertThat(ingress.challengeWithoutState(from(request("OPTIONS"), "192.0.2.50", 5060, "p")))
        .isNull();
    assertThat(ingress.challengeWithoutState(from(request("INVITE"), "192.0.2.50", 5060, "p")))
        .isNull();
    assertThat(ingress.challengeWithoutState(from(request("REGISTER"), "198.51.100.20", 5062, "p")))
        .isNull();
    assertThat(ingress.challengeWithoutState(from(request("REGISTER"), "203.0.113.9", 5060, "xc")))
        .isNull();
    // a banned source: left to classify, which drops and counts it once
    for (int i = 0; i < 3; i++) {
      ingress.classify(from(answered(challenge, "wrong"), "192.0.2.66", 5060, "public"));
    }
    assertThat(bans.isBanned("192.0.2.66")).isTrue();
    assertThat(ingress.challengeWithoutState(from(request("REGISTER"), "192.0.2.66", 5060, "p")))
        .isNull();
    assertThat(bans.dropped()).isZero();
  }

  @Test
  void withoutRegisterInTrunksAnUnknownRegisterIsLeftToClassify() {
    java.util.Map<String, LongAdder> unknown = Ingress.newSourceCounts();
    Ingress noDigest =
        new Ingress(
            List.of(
                new IpPeerStage(List.of(wide)),
                new DigestStage(
                    List.of(wide), List.of(DigestAlgorithm.MD5), new byte[32], clock, bans)),
            new IngressPolicy(
                false, bans(3), List.of(DigestAlgorithm.MD5), IngressPolicy.DEFAULT_MONITORS),
            bans,
            unknown,
            new LongAdder());
    assertThat(noDigest.challengeWithoutState(from(request("REGISTER"), "192.0.2.50", 5060, "p")))
        .isNull();
    assertThat(unknown).isEmpty();
  }

  /** The REGISTER answered with credentials for the challenge in {@code challenge}. */
  private SipMessage answered(Verdict.Reject challenge, String password) {
    StringBuilder resp =
        new StringBuilder(
            "SIP/2.0 401 Unauthorized\r\nVia: SIP/2.0/UDP 198.51.100.20;branch=z9hG4bK-1\r\n"
                + "From: <sip:acme@192.0.2.1>;tag=a\r\nTo: <sip:acme@192.0.2.1>;tag=b\r\nCall-ID: c1\r\nCSeq: 1 REGISTER\r\n");
    for (String h : challenge.headers()) {
      resp.append(h).append("\r\n");
    }
    resp.append("Content-Length: 0\r\n\r\n");
    SipMessage r = new SipParser().parseDatagram(resp.toString().getBytes(StandardCharsets.UTF_8));
    ChallengeAnswer a =
        new DigestAnswerer(ClientCredentials.of("acme", password))
            .newAttempt()
            .answer(r, "REGISTER", "sip:192.0.2.1");
    AuthorizationLine line = ((ChallengeAnswer.Retry) a).lines().get(0);
    return request("REGISTER", line.name().name() + ": " + line.value());
  }

  @Test
  void goodCredentialsNameTheTrunkAndBadOnesBanTheSourceAfterThreeFailures() {
    Verdict.Reject challenge =
        (Verdict.Reject) ingress.classify(from(request("REGISTER"), "192.0.2.50", 5060, "public"));

    Verdict ok =
        ingress.classify(from(answered(challenge, "s3cret"), "192.0.2.50", 5060, "public"));
    assertThat(trunkOf(ok)).isEqualTo("acme");
    assertThat(((Verdict.Identified) ok).how()).startsWith("digest user acme");

    for (int i = 0; i < 3; i++) {
      Verdict bad =
          ingress.classify(from(answered(challenge, "wrong"), "192.0.2.66", 5060, "public"));
      assertThat(bad).isInstanceOf(Verdict.Reject.class);
      assertThat(((Verdict.Reject) bad).status()).isEqualTo(401);
    }
    assertThat(bans.bans()).isEqualTo(1);
    assertThat(bans.authFailures()).isEqualTo(3);
    assertThat(ingress.classify(from(answered(challenge, "s3cret"), "192.0.2.66", 5060, "public")))
        .isInstanceOf(Verdict.Drop.class);
    assertThat(bans.dropped()).isEqualTo(1);
    // others are not affected, and the ban ends
    // the same credentials again (same nonce and nonce count) are a replay
    Verdict replay =
        ingress.classify(from(answered(challenge, "s3cret"), "192.0.2.50", 5060, "public"));
    assertThat(replay).isInstanceOf(Verdict.Reject.class);
    assertThat(((Verdict.Reject) replay).why()).contains("replayed");
    // a fresh challenge answered from another source still works
    Verdict.Reject fresh =
        (Verdict.Reject) ingress.classify(from(request("REGISTER"), "192.0.2.51", 5060, "public"));
    assertThat(
            trunkOf(
                ingress.classify(from(answered(fresh, "s3cret"), "192.0.2.51", 5060, "public"))))
        .isEqualTo("acme");
    now += Duration.ofMinutes(10).toMillis();
    assertThat(bans.banned("192.0.2.66")).isFalse();
  }

  /** A REGISTER without credentials whose From and To name {@code user}. */
  private static SipMessage registerOf(String user) {
    String m =
        "REGISTER sip:192.0.2.1 SIP/2.0\r\nVia: SIP/2.0/UDP 198.51.100.20;branch=z9hG4bK-2\r\n"
            + "Max-Forwards: 70\r\nFrom: <sip:"
            + user
            + "@192.0.2.1>;tag=a\r\nTo: <sip:"
            + user
            + "@192.0.2.1>\r\nCall-ID: c2\r\nCSeq: 1 REGISTER\r\nContent-Length: 0\r\n\r\n";
    return new SipParser().parseDatagram(m.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void theChallengeCarriesTheRealmOfTheToUsersTrunk() {
    Trunk other =
        trunk("other", new TrunkAccess.RegisterIn("acme2", "pw", "carrier-b", 1, 60, 3600));
    Trunk acmeB =
        trunk("acme-b", new TrunkAccess.RegisterIn("acme", "pw", "carrier-b", 1, 60, 3600));
    List<Trunk> trunks = List.of(other, acme, acmeB);
    Ingress two =
        new Ingress(
            List.of(
                new DigestStage(
                    trunks, IngressPolicy.DEFAULT.digestAlgorithms(), new byte[32], clock, bans)),
            new IngressPolicy(false, bans(3)),
            bans,
            Ingress.newSourceCounts(),
            new LongAdder());

    // "acme" exists in both realms: the first trunk in file order with that username decides
    Verdict.Reject toAcme =
        (Verdict.Reject) two.classify(from(registerOf("acme"), "192.0.2.50", 5060, "public"));
    assertThat(toAcme.headers()).allMatch(h -> h.contains("realm=\"trunkline\""));
    // an unknown To user gets the first realm (of trunk "other")
    Verdict.Reject toNobody =
        (Verdict.Reject) two.classify(from(registerOf("nobody"), "192.0.2.50", 5060, "public"));
    assertThat(toNobody.headers()).allMatch(h -> h.contains("realm=\"carrier-b\""));
  }

  @Test
  void failuresOutsideTheWindowDoNotBan() {
    BanList b = new BanList(bans(3), clock);
    b.failed("192.0.2.1", "x");
    b.failed("192.0.2.1", "x");
    now += 61_000;
    b.failed("192.0.2.1", "x");
    assertThat(b.bans()).isZero();
    assertThat(b.banned("192.0.2.1")).isFalse();
  }
}
