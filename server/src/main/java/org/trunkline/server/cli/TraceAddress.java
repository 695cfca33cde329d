package org.trunkline.server.cli;

import java.net.InetSocketAddress;

/** Addresses as the trace commands print them. */
final class TraceAddress {
  private TraceAddress() {}

  /** {@code 127.0.0.1:5060}, {@code [::1]:5060}, {@code ?} when unknown. */
  static String address(InetSocketAddress a) {
    if (a == null) {
      return "?";
    }
    String host = a.getAddress() != null ? a.getAddress().getHostAddress() : a.getHostString();
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
  }
}
