package org.trunkline.stack;

import java.util.List;
import java.util.Objects;
import org.trunkline.stack.auth.ClientCredentials;
import org.trunkline.stack.transaction.Peer;

/**
 * A request for {@link SipClient} to send: everything but the Via, Max-Forwards, CSeq method and
 * Content-Length, which the client writes (a new branch and CSeq number per attempt).
 *
 * @param method e.g. {@code REGISTER}, {@code OPTIONS}
 * @param requestUri the Request-URI, as it is to be written
 * @param from the From header value, with its tag
 * @param to the To header value
 * @param callId the Call-ID
 * @param cseq the CSeq number of the first attempt; each digest retry adds one (§22.2)
 * @param headers further header lines, {@code "Name: value"} (Contact, Expires, Route, ...)
 * @param contentType the body's type, or null for no body
 * @param body the body, empty for none
 * @param destination where to send: a fixed peer, or null to resolve {@code target} (RFC 3263)
 * @param target the URI resolved when {@code destination} is null (usually the Request-URI, or the
 *     first Route)
 * @param credentials what answers 401/407, or null to take a challenge as the final answer
 * @param listenPoint the name of the listen point to send from, or null for any of the transport
 */
public record OutboundRequest(
    String method,
    String requestUri,
    String from,
    String to,
    String callId,
    long cseq,
    List<String> headers,
    String contentType,
    byte[] body,
    Peer destination,
    String target,
    ClientCredentials credentials,
    String listenPoint) {
  public OutboundRequest {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(requestUri, "requestUri");
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(callId, "callId");
    headers = List.copyOf(headers);
    body = body == null ? new byte[0] : body;
    if (destination == null && target == null) {
      throw new IllegalArgumentException(method + " " + requestUri + ": no destination or target");
    }
    for (String h : headers) {
      if (h.indexOf('\r') >= 0 || h.indexOf('\n') >= 0) {
        throw new IllegalArgumentException("header line with CR/LF: " + h);
      }
    }
  }

  /** A body-less request to a fixed peer. */
  public static OutboundRequest to(
      Peer destination,
      String method,
      String requestUri,
      String from,
      String to,
      String callId,
      long cseq,
      List<String> headers,
      ClientCredentials credentials) {
    return new OutboundRequest(
        method,
        requestUri,
        from,
        to,
        callId,
        cseq,
        headers,
        null,
        null,
        destination,
        null,
        credentials,
        null);
  }

  /** This request sent to {@code target} (resolved by DNS, RFC 3263) instead. */
  public OutboundRequest resolving(String target) {
    return new OutboundRequest(
        method,
        requestUri,
        from,
        to,
        callId,
        cseq,
        headers,
        contentType,
        body,
        null,
        target,
        credentials,
        listenPoint);
  }

  /** This request sent from the listen point named {@code name}. */
  public OutboundRequest from(String name) {
    return new OutboundRequest(
        method,
        requestUri,
        from,
        to,
        callId,
        cseq,
        headers,
        contentType,
        body,
        destination,
        target,
        credentials,
        name);
  }
}
