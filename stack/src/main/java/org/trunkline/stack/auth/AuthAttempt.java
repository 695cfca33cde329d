package org.trunkline.stack.auth;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.trunkline.sip.SipMessage;

/**
 * The retry policy for one request: answers each challenge once and gives up instead of looping.
 *
 * <p>A protection space (kind + realm) that challenges again after we answered it has refused our
 * credentials, whether it sent the same nonce or a new one (servers differ), unless it says {@code
 * stale=true} (RFC 7616 §3.3: the password was right, only the nonce was old); stale retries are
 * bounded too, by {@link #MAX_STALE_RETRIES}. Not thread-safe: one request, one event loop.
 */
public final class AuthAttempt {
  /** A server that answers stale=true more often than this in a row is not to be believed. */
  public static final int MAX_STALE_RETRIES = 2;

  private final DigestAnswerer answerer;
  private final Map<String, String> answered = new HashMap<>(); // space -> nonce answered
  private int staleRetries;

  AuthAttempt(DigestAnswerer answerer) {
    this.answerer = answerer;
  }

  /**
   * Decides about a 401 or 407 to a request of {@code method} to {@code uri} (the Request-URI the
   * retry will carry, RFC 3261 §22.4 digest-uri).
   */
  public ChallengeAnswer answer(SipMessage response, String method, String uri) {
    int status = response.status();
    if (status != 401 && status != 407) {
      return new ChallengeAnswer.GiveUp("status " + status + " is not a challenge");
    }
    List<String> skipped = new ArrayList<>();
    Map<String, Challenge> best = new LinkedHashMap<>();
    for (ChallengeKind kind : ChallengeKind.values()) {
      for (String value : response.headers(kind.challengeHeader())) {
        Challenge c = Challenge.read(value, kind, skipped);
        if (c != null) {
          // RFC 8760 §2.4: per realm, the strongest algorithm we support
          best.merge(c.space(), c, (a, b) -> b.algorithm().strongerThan(a.algorithm()) ? b : a);
        }
      }
    }
    if (best.isEmpty()) {
      return new ChallengeAnswer.GiveUp(
          status + " without a usable challenge" + (skipped.isEmpty() ? "" : ": " + skipped));
    }
    List<AuthorizationLine> lines = new ArrayList<>(best.size());
    for (Challenge c : best.values()) {
      Optional<ClientCredential> credential = answerer.credentials().forRealm(c.realm());
      if (credential.isEmpty()) {
        return new ChallengeAnswer.GiveUp(status + ": no credentials for realm " + c.realm());
      }
      String user = credential.get().username();
      String before = answered.get(c.space());
      if (before != null) {
        if (!c.stale()) {
          return new ChallengeAnswer.GiveUp(
              status
                  + ": realm "
                  + c.realm()
                  + " refused the credentials of user "
                  + user
                  + " (challenged again with "
                  + (before.equals(c.nonce()) ? "the same" : "a new")
                  + " nonce, not stale)");
        }
        if (++staleRetries > MAX_STALE_RETRIES) {
          return new ChallengeAnswer.GiveUp(
              status + ": realm " + c.realm() + " said stale=true " + staleRetries + " times");
        }
      }
      answered.put(c.space(), c.nonce());
      lines.add(answerer.line(answerer.session(c, credential.get()), method, uri));
    }
    return new ChallengeAnswer.Retry(lines);
  }
}
