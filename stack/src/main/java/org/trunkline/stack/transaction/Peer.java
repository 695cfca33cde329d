package org.trunkline.stack.transaction;

import java.net.InetSocketAddress;
import org.trunkline.stack.Transport;

/**
 * Where a message came from or goes to: the transport, the remote address and, when it matters, the
 * local listen point. Retransmission timers (A, E, G) run only when {@link #reliable()} is false;
 * the wait timers D, I, J, K are zero when it is true (§17.1.1.2, §17.1.2.2, §17.2.1, §17.2.2).
 *
 * <p>A received message's source names the listen point it came in on, so an answer to it leaves
 * from the same socket. A request sent to a peer that names a listen point leaves from that socket
 * (UDP) or on a connection bound to its local address (TCP/TLS): a cross-connect trunk's traffic
 * never mixes with another socket's. Without one ({@code null}), any local socket will do.
 *
 * <p>For TLS, an {@code address} made with a host name (e.g. {@code new InetSocketAddress(
 * InetAddress.getByAddress("carrier.example.com", ip), 5061)}) gives that name to SNI and to the
 * certificate check; a bare IP address is checked against the certificate's IP addresses.
 *
 * @param listenPoint the name of the local listen point ({@code ListenPoint.name()}), or null
 */
public record Peer(Transport transport, InetSocketAddress address, String listenPoint) {
  public Peer {
    java.util.Objects.requireNonNull(transport, "transport");
    java.util.Objects.requireNonNull(address, "address");
  }

  /** A peer reached from any local socket. */
  public Peer(Transport transport, InetSocketAddress address) {
    this(transport, address, null);
  }

  public boolean reliable() {
    return transport.reliable();
  }

  /** The same peer reached through the named listen point. */
  public Peer via(String listenPoint) {
    return new Peer(transport, address, listenPoint);
  }

  /** {@code udp:192.0.2.1:5060}; the listen point is not part of it (transaction keys use it). */
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
