package org.trunkline.stack.auth;

/**
 * What {@link DigestChallenger#verify} decided about a request's credentials. Failure is a value;
 * every case but {@link Ok} means "answer 401/407 with {@link DigestChallenger#challenges}", with
 * {@code stale=true} for {@link Stale}. {@link #toString()} is a log line naming realm and user.
 */
public sealed interface AuthResult {
  /** The credentials are good and their nonce count was not seen before. */
  record Ok(String realm, String username, DigestAlgorithm algorithm) implements AuthResult {
    @Override
    public String toString() {
      return "realm " + realm + ": user " + username + " authenticated with " + algorithm;
    }
  }

  /**
   * The response is right but the nonce expired or is no longer ours: challenge with stale=true.
   */
  record Stale(String realm, String username, String why) implements AuthResult {
    @Override
    public String toString() {
      return "realm " + realm + ": user " + username + ": stale nonce (" + why + ")";
    }
  }

  /** Unknown user, or the response does not match the password: challenge again. */
  record BadCredentials(String realm, String username, String why) implements AuthResult {
    @Override
    public String toString() {
      return "realm " + realm + ": user " + username + ": bad credentials (" + why + ")";
    }
  }

  /** The response is right but this nonce count was used before: a replayed request. */
  record Replay(String realm, String username, String nc) implements AuthResult {
    @Override
    public String toString() {
      return "realm " + realm + ": user " + username + ": nonce count " + nc + " replayed";
    }
  }

  /**
   * The credentials header is unusable for this realm: unparsable, missing fields, wrong values.
   */
  record Malformed(String realm, String reason) implements AuthResult {
    @Override
    public String toString() {
      return "realm " + realm + ": malformed credentials: " + reason;
    }
  }

  /** The request carries no Digest credentials for this realm (RFC 4475 regaut01 included). */
  record Missing(String realm) implements AuthResult {
    @Override
    public String toString() {
      return "realm " + realm + ": no credentials";
    }
  }

  /** {@code true} only for {@link Ok}. */
  default boolean isOk() {
    return this instanceof Ok;
  }
}
