package org.trunkline.stack.dns;

import java.net.InetSocketAddress;

/**
 * One place to send a request to, as RFC 3263 found it.
 *
 * @param transport the transport to use
 * @param address a resolved IP address and port
 * @param hostName the host name the address came from (SRV target or URI host), or the literal
 *     address when the URI held one; TLS checks the peer's certificate against the URI's domain,
 *     not this name (RFC 5922)
 */
public record Target(SipTransport transport, InetSocketAddress address, String hostName) {

  @Override
  public String toString() {
    String ip = address.getAddress().getHostAddress();
    String host = ip.indexOf(':') >= 0 ? "[" + ip + "]" : ip;
    return transport.token() + " " + host + ":" + address.getPort();
  }
}
