package org.trunkline.stack;

/**
 * One socket the server receives SIP on.
 *
 * @param name the operator's name for it (config {@code listen[].name}); cross-connect trunks refer
 *     to a listen point by it, and every received message knows which one it came in on
 * @param transport UDP or TCP
 * @param address a literal IPv4/IPv6 address or host name to bind
 * @param port the port to bind, 0 for an ephemeral one (tests)
 */
public record ListenPoint(String name, Transport transport, String address, int port) {
  public ListenPoint {
    java.util.Objects.requireNonNull(name, "name");
    java.util.Objects.requireNonNull(transport, "transport");
    java.util.Objects.requireNonNull(address, "address");
  }

  /** A listen point named after its socket ({@link #defaultName}). */
  public ListenPoint(Transport transport, String address, int port) {
    this(defaultName(transport, address, port), transport, address, port);
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
