package org.trunkline.server.config;

import org.trunkline.stack.ListenPoint;
import org.trunkline.stack.Transport;

/**
 * One {@code listen:} entry.
 *
 * @param transport udp or tcp
 * @param address an IPv4/IPv6 literal or a host name, as written
 * @param port 1..65535, or 0 for any free port
 */
public record ListenConfig(Transport transport, String address, int port) {
  /** The port used when an entry has none (RFC 3261 §19.1.2). */
  public static final int DEFAULT_PORT = 5060;

  public ListenPoint listenPoint() {
    return new ListenPoint(transport, address, port);
  }

  @Override
  public String toString() {
    return listenPoint().toString();
  }
}
