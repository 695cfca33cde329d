package org.trunkline.core.ingress;

import org.trunkline.sip.SipMessage;
import org.trunkline.stack.transaction.Peer;

/**
 * A request on its way through ingress: the message and where it came from (transport, address and
 * the listen point it arrived on).
 */
public record Inbound(SipMessage request, Peer source) {
  /** The name of the listen point the request arrived on, or null when unknown. */
  public String listenPoint() {
    return source.listenPoint();
  }

  /** The source IP as text, the key for per-source counts and bans. */
  public String sourceIp() {
    return source.address().getAddress().getHostAddress();
  }
}
