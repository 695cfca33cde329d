package org.trunkline.stack.transaction;

import java.util.List;

/**
 * A final answer the {@link TransactionUser} gives a new request without opening a server
 * transaction (RFC 3261 §8.2.7, a stateless UAS; e.g. a digest challenge). The layer builds it with
 * {@link Responses#build} (the To tag is the same for every copy of the request) and sends it once;
 * nothing retransmits it and nothing absorbs a retransmission of the request, which is answered
 * afresh.
 *
 * @param headers further header lines, each "Name: value" without CRLF
 */
public record StatelessAnswer(int status, String reason, List<String> headers) {
  public StatelessAnswer {
    // §8.2.7: a stateless UAS MUST NOT send provisional (1xx) responses
    if (status < 200 || status > 699) {
      throw new IllegalArgumentException("stateless answer: status must be 200-699, got " + status);
    }
    headers = List.copyOf(headers);
  }
}
