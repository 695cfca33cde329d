package org.trunkline.server.config;

import org.trunkline.stack.ListenPoint;
import org.trunkline.stack.TlsConfig;
import org.trunkline.stack.Transport;

/**
 * One {@code listen:} entry.
 *
 * @param name the entry's name, unique in the file ({@code udp:127.0.0.1:5060} when not given)
 * @param transport udp, tcp or tls
 * @param address an IPv4/IPv6 literal or a host name, as written
 * @param port 1..65535, or 0 for any free port
 * @param tls certificate, key and trust of a tls entry (paths resolved against the config file's
 *     directory); null for udp and tcp
 * @param maxConnectionsPerSource tcp/tls: connections at once from one source IP address
 */
public record ListenConfig(
    String name,
    Transport transport,
    String address,
    int port,
    TlsConfig tls,
    int maxConnectionsPerSource) {
  /** The port used when an entry has none (RFC 3261 §19.1.2); 5061 for TLS. */
  public static final int DEFAULT_PORT = 5060;

  /** A udp or tcp entry with the default connection limit. */
  public ListenConfig(String name, Transport transport, String address, int port) {
    this(name, transport, address, port, null, ListenPoint.DEFAULT_MAX_CONNECTIONS_PER_SOURCE);
  }

  /** An unnamed udp or tcp entry ({@link ListenPoint#defaultName}). */
  public ListenConfig(Transport transport, String address, int port) {
    this(ListenPoint.defaultName(transport, address, port), transport, address, port);
  }

  public ListenPoint listenPoint() {
    return new ListenPoint(name, transport, address, port, tls, maxConnectionsPerSource);
  }

  @Override
  public String toString() {
    String host = address.indexOf(':') >= 0 ? "[" + address + "]" : address;
    return "sip:" + host + ":" + port + ";transport=" + transport.token();
  }
}
