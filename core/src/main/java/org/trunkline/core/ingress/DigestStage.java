package org.trunkline.core.ingress;

import java.time.InstantSource;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.trunkline.core.trunk.Trunk;
import org.trunkline.core.trunk.TrunkAccess;
import org.trunkline.sip.NameAddress;
import org.trunkline.sip.SipMessage;
import org.trunkline.sip.SipMethod;
import org.trunkline.sip.SipUri;
import org.trunkline.stack.auth.AuthResult;
import org.trunkline.stack.auth.ChallengeKind;
import org.trunkline.stack.auth.CredentialLookup;
import org.trunkline.stack.auth.DigestAlgorithm;
import org.trunkline.stack.auth.DigestChallenger;
import org.trunkline.stack.auth.DigestConfig;
import org.trunkline.stack.auth.UserSecret;

/**
 * Digest credentials of {@code register-in} trunks (RFC 3261 §22, RFC 7616, RFC 8760): REGISTER is
 * challenged with 401, INVITE with 407; the username and realm of good credentials name the trunk.
 * Other methods pass on (a registered PBX's OPTIONS and in-dialog requests are recognised by their
 * source). Failed answers are reported to the {@link BanList}.
 */
public final class DigestStage implements IngressStage {
  /** A trunk and its secret, made once: the secret keeps the HA1 it computes (UserSecret). */
  private record Credentials(Trunk trunk, UserSecret secret) {}

  /** Per realm, per username: no key object made per look-up. */
  private final Map<String, Map<String, Credentials>> byRealm = new HashMap<>();

  /** The realm of the first trunk (file order) with each username: whose challenge to send. */
  private final Map<String, String> realmByUsername = new HashMap<>();

  private final Map<String, DigestChallenger> challengers = new LinkedHashMap<>();

  /** The challenger when there is one realm (the default), else null. */
  private final DigestChallenger single;

  private final BanList bans;

  /** With the default nonce tracking and RFC 3261's T1 (a 32 s challenge window). */
  public DigestStage(
      List<Trunk> trunks,
      List<DigestAlgorithm> algorithms,
      byte[] secret,
      InstantSource clock,
      BanList bans) {
    this(
        trunks,
        algorithms,
        secret,
        clock,
        bans,
        DigestConfig.DEFAULT_MAX_TRACKED_NONCES,
        DigestChallenger.RETRANSMISSION_WINDOW_MILLIS);
  }

  /**
   * @param secret the nonce secret (at least 16 bytes), shared by every realm
   * @param maxTrackedNonces per realm, how many nonces' counts are kept ({@link
   *     DigestConfig#maxTrackedNonces()})
   * @param challengeWindowMillis how long a copy of a REGISTER gets the same challenge (64*T1)
   */
  public DigestStage(
      List<Trunk> trunks,
      List<DigestAlgorithm> algorithms,
      byte[] secret,
      InstantSource clock,
      BanList bans,
      int maxTrackedNonces,
      long challengeWindowMillis) {
    this.bans = bans;
    // the secret without an Optional per check (CredentialLookup.secret)
    CredentialLookup lookup =
        new CredentialLookup() {
          @Override
          public Optional<UserSecret> find(String realm, String username) {
            return Optional.ofNullable(secret(realm, username));
          }

          @Override
          public UserSecret secret(String realm, String username) {
            Credentials c = credentials(realm, username);
            return c == null ? null : c.secret();
          }
        };
    for (Trunk t : trunks) {
      if (t.access() instanceof TrunkAccess.RegisterIn in) {
        byRealm
            .computeIfAbsent(in.realm(), r -> new HashMap<>())
            .put(in.username(), new Credentials(t, UserSecret.password(in.password())));
        realmByUsername.putIfAbsent(in.username(), in.realm());
        challengers.computeIfAbsent(
            in.realm(),
            realm ->
                new DigestChallenger(
                    DigestConfig.of(realm, secret)
                        .withAlgorithms(algorithms.toArray(DigestAlgorithm[]::new))
                        .withMaxTrackedNonces(maxTrackedNonces),
                    lookup,
                    clock,
                    challengeWindowMillis));
      }
    }
    single = challengers.size() == 1 ? challengers.values().iterator().next() : null;
  }

  @Override
  public String name() {
    return "digest";
  }

  @Override
  public Verdict apply(Inbound in) {
    SipMessage m = in.request();
    ChallengeKind kind;
    if (m.method().equals(SipMethod.REGISTER)) {
      kind = ChallengeKind.UAS;
    } else if (m.method().equals(SipMethod.INVITE)) {
      kind = ChallengeKind.PROXY;
    } else {
      return Verdict.CONTINUE;
    }
    if (challengers.isEmpty()) {
      return Verdict.CONTINUE;
    }
    AuthResult bad = null;
    for (DigestChallenger c : challengers.values()) {
      AuthResult r = c.verify(m, kind);
      switch (r) {
        case AuthResult.Ok ok -> {
          // made per request, not kept per trunk: kept, it cost ~130 bytes of heap per trunk
          // (100,000 trunks: 13 MB) to save one short concatenation
          Trunk t = credentials(ok.realm(), ok.username()).trunk();
          // only a debug log reads it: made when asked
          return Verdict.Identified.lazily(
              t, () -> "digest user " + ok.username() + " (" + ok.algorithm() + ")");
        }
        case AuthResult.Missing missing -> {}
        case AuthResult.Stale stale -> {
          return challenge(c.challengeLines(kind, true), kind, in, stale);
        }
        default -> bad = r;
      }
    }
    if (bad != null) {
      bans.failed(in.sourceIp(), bad.toString());
      String realm = realmOf(bad);
      DigestChallenger c = challengers.getOrDefault(realm, challengers.values().iterator().next());
      return challenge(c.challengeLines(kind, false), kind, in, bad);
    }
    DigestChallenger c = challengerFor(m);
    if (in.withoutTransaction() && !in.source().reliable()) {
      // no transaction absorbs a copy of it (UDP retransmission): the copy gets the same nonce,
      // so the same 401 (RFC 3261 §17.2.2)
      return challenge(c.challengeLinesForCopies(kind, m, in.source().address()), kind, in, null);
    }
    return challenge(c.challengeLines(kind, false), kind, in, null);
  }

  private Credentials credentials(String realm, String username) {
    Map<String, Credentials> users = byRealm.get(realm);
    return users == null ? null : users.get(username);
  }

  private static String realmOf(AuthResult r) {
    return switch (r) {
      case AuthResult.BadCredentials b -> b.realm();
      case AuthResult.Replay b -> b.realm();
      case AuthResult.Malformed b -> b.realm();
      default -> "";
    };
  }

  /** The realm of the trunk whose username is the To (REGISTER) or From user, else the first. */
  private DigestChallenger challengerFor(SipMessage m) {
    if (single != null) {
      return single; // one realm: no need to parse the To or From user and look it up
    }
    String user = userOf(m.method().equals(SipMethod.REGISTER) ? m.to() : m.from());
    String realm = user == null ? null : realmByUsername.get(user);
    return realm != null ? challengers.get(realm) : challengers.values().iterator().next();
  }

  private static String userOf(NameAddress a) {
    try {
      return a != null && a.uri() instanceof SipUri s ? s.user() : null;
    } catch (RuntimeException e) {
      return null;
    }
  }

  /**
   * The challenge made of {@code lines}, its log line made only when a log asks (it formats the
   * source address, and every REGISTER without credentials is challenged).
   *
   * @param cause what was wrong with the credentials, or null when there were none
   */
  private static Verdict.Reject challenge(
      List<String> lines, ChallengeKind kind, Inbound in, AuthResult cause) {
    return Verdict.Reject.lazily(
        kind.status(),
        kind.reason(),
        lines,
        () ->
            in.request().method()
                + " from "
                + in.source()
                + ": "
                + (cause == null ? "no credentials" : cause.toString()));
  }
}
