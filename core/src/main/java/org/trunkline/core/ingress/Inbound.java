package org.trunkline.core.ingress;

import org.trunkline.sip.SipMessage;
import org.trunkline.stack.transaction.Peer;

/**
 * A request on its way through ingress: the message and where it came from (transport, address and
 * the listen point it arrived on).
 *
 * @param withoutTransaction whether it is to be answered without a server transaction (RFC 3261
 *     §8.2.7, {@link Ingress#challengeWithoutState}): nothing absorbs its retransmissions then
 */
public record Inbound(SipMessage request, Peer source, boolean withoutTransaction) {
  /** A request in a server transaction. */
  public Inbound(SipMessage request, Peer source) {
    this(request, source, false);
  }

  /** The name of the listen point the request arrived on, or null when unknown. */
  public String listenPoint() {
    return source.listenPoint();
  }

  /** The source IP as text, the key for per-source counts and bans. */
  public String sourceIp() {
    return source.address().getAddress().getHostAddress();
  }
}
