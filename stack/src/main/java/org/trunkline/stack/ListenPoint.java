package org.trunkline.stack;

/**
 * One socket the server receives SIP on.
 *
 * @param name the operator's name for it (config {@code listen[].name}); cross-connect trunks refer
 *     to a listen point by it, and every received message knows which one it came in on
 * @param transport UDP, TCP or TLS
 * @param address a literal IPv4/IPv6 address or host name to bind
 * @param port the port to bind, 0 for an ephemeral one (tests)
 * @param tls the certificate and trust of a TLS listen point; null for UDP and TCP
 * @param maxConnectionsPerSource TCP/TLS: connections accepted at once from one source IP address;
 *     one more is closed at once and counted ({@link SipCounters#connectionsRefused})
 */
public record ListenPoint(
    String name,
    Transport transport,
    String address,
    int port,
    TlsConfig tls,
    int maxConnectionsPerSource) {
  /** Default of {@link #maxConnectionsPerSource}: a large PBX, not a connection flood. */
  public static final int DEFAULT_MAX_CONNECTIONS_PER_SOURCE = 64;

  public ListenPoint {
    java.util.Objects.requireNonNull(name, "name");
    java.util.Objects.requireNonNull(transport, "transport");
    java.util.Objects.requireNonNull(address, "address");
    if ((transport == Transport.TLS) != (tls != null)) {
      throw new IllegalArgumentException(
          "listen point "
              + name
              + ": "
              + (tls == null ? "TLS needs a certificate and key" : transport + " has no TLS"));
    }
    if (maxConnectionsPerSource < 1) {
      throw new IllegalArgumentException(
          "listen point " + name + ": maxConnectionsPerSource must be >= 1");
    }
  }

  /** A UDP or TCP listen point with the default connection limit. */
  public ListenPoint(String name, Transport transport, String address, int port) {
    this(name, transport, address, port, null, DEFAULT_MAX_CONNECTIONS_PER_SOURCE);
  }

  /** A UDP or TCP listen point named after its socket ({@link #defaultName}). */
  public ListenPoint(Transport transport, String address, int port) {
    this(defaultName(transport, address, port), transport, address, port);
  }

  /** A TLS listen point with the default connection limit. */
  public static ListenPoint tls(String name, String address, int port, TlsConfig tls) {
    return new ListenPoint(
        name, Transport.TLS, address, port, tls, DEFAULT_MAX_CONNECTIONS_PER_SOURCE);
  }

  /** This listen point with another connection limit. */
  public ListenPoint withMaxConnectionsPerSource(int max) {
    return new ListenPoint(name, transport, address, port, tls, max);
  }

  /** The name of an unnamed listen point: {@code udp:127.0.0.1:5060}. */
  public static String defaultName(Transport transport, String address, int port) {
    return transport.token() + ":" + address + ":" + port;
  }

  @Override
  public String toString() {
    String host = address.indexOf(':') >= 0 ? "[" + address + "]" : address;
    return "sip:" + host + ":" + port + ";transport=" + transport.token();
  }
}
