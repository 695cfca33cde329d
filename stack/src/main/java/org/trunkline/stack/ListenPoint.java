package org.trunkline.stack;

/**
 * One socket the server receives SIP on.
 *
 * @param transport UDP or TCP
 * @param address a literal IPv4/IPv6 address or host name to bind
 * @param port the port to bind, 0 for an ephemeral one (tests)
 */
public record ListenPoint(Transport transport, String address, int port) {
  @Override
  public String toString() {
    String host = address.indexOf(':') >= 0 ? "[" + address + "]" : address;
    return "sip:" + host + ":" + port + ";transport=" + transport.token();
  }
}
