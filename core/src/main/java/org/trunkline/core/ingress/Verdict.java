package org.trunkline.core.ingress;

import java.util.List;
import org.trunkline.core.trunk.Trunk;

/** What an ingress stage decided. Failure is a value (STYLE 10). */
public sealed interface Verdict {
  /** Not decided here: the next stage looks. */
  record Continue() implements Verdict {}

  /**
   * The request is {@code trunk}'s.
   *
   * @param how which stage and why, for logs and traces: {@code ip peer 203.0.113.0/24}
   */
  record Identified(Trunk trunk, String how) implements Verdict {}

  /**
   * Answer at once with {@code status}.
   *
   * @param headers extra header lines (WWW-Authenticate, ...)
   * @param why a log line naming source and cause
   */
  record Reject(int status, String reason, List<String> headers, String why) implements Verdict {
    public Reject {
      headers = List.copyOf(headers);
    }
  }

  /**
   * Not a trunk's, but the server answers it itself (an OPTIONS from a monitoring source).
   *
   * @param how why, for logs
   */
  record Local(String how) implements Verdict {}

  /** Send nothing (a banned source, or an unknown one when policy says drop). */
  record Drop(String why) implements Verdict {}

  Verdict CONTINUE = new Continue();
}
