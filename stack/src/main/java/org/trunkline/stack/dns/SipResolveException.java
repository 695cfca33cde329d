package org.trunkline.stack.dns;

import java.net.UnknownHostException;

/**
 * RFC 3263 found no target. The message names the destination and every lookup that came back empty
 * or failed, e.g. {@code sip:carrier.test: no SRV for _sip._udp.carrier.test: NXDOMAIN}.
 */
public final class SipResolveException extends UnknownHostException {
  private static final long serialVersionUID = 1L;

  public SipResolveException(String message) {
    super(message);
  }
}
