package org.trunkline.stack.auth;

import java.util.List;

/** What {@link AuthAttempt#answer} decided about a 401/407. Failure is a value. */
public sealed interface ChallengeAnswer {
  /**
   * Send the request again (new CSeq, same Call-ID and From tag, RFC 3261 §22.2) with these headers
   * added, replacing any Authorization/Proxy-Authorization of the previous attempt.
   */
  record Retry(List<AuthorizationLine> lines) implements ChallengeAnswer {
    public Retry {
      lines = List.copyOf(lines);
    }
  }

  /**
   * Do not retry: the 401/407 is final. The reason names realm, user and why, for logs and CDRs.
   */
  record GiveUp(String reason) implements ChallengeAnswer {}
}
