package org.trunkline.server.config;

import org.trunkline.stack.ListenPoint;
import org.trunkline.stack.Transport;

/**
 * One {@code listen:} entry.
 *
 * @param name the entry's name, unique in the file ({@code udp:127.0.0.1:5060} when not given)
 * @param transport udp or tcp
 * @param address an IPv4/IPv6 literal or a host name, as written
 * @param port 1..65535, or 0 for any free port
 */
public record ListenConfig(String name, Transport transport, String address, int port) {
  /** The port used when an entry has none (RFC 3261 §19.1.2). */
  public static final int DEFAULT_PORT = 5060;

  /** An unnamed entry ({@link ListenPoint#defaultName}). */
  public ListenConfig(Transport transport, String address, int port) {
    this(ListenPoint.defaultName(transport, address, port), transport, address, port);
  }

  public ListenPoint listenPoint() {
    return new ListenPoint(name, transport, address, port);
  }

  @Override
  public String toString() {
    return listenPoint().toString();
  }
}
