package org.trunkline.stack.transaction;

import java.net.InetSocketAddress;
import org.trunkline.stack.Transport;

/**
 * Where a message came from or goes to: the transport and the remote address. Retransmission timers
 * (A, E, G) run only when {@link #reliable()} is false; the wait timers D, I, J, K are zero when it
 * is true (§17.1.1.2, §17.1.2.2, §17.2.1, §17.2.2).
 */
public record Peer(Transport transport, InetSocketAddress address) {
  public boolean reliable() {
    return transport != Transport.UDP;
  }

  @Override
  public String toString() {
    String ip =
        address.getAddress() == null
            ? address.getHostString()
            : address.getAddress().getHostAddress();
    return transport.token()
        + ":"
        + (ip.indexOf(':') >= 0 ? "[" + ip + "]" : ip)
        + ":"
        + address.getPort();
  }
}
