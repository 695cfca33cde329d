package org.trunkline.stack;

/** The SIP transports a listen point can serve. */
public enum Transport {
  UDP(5060),
  TCP(5060),
  /** TCP with TLS on top (RFC 3261 §26.3.1); Via transport {@code TLS}. */
  TLS(5061);

  private final int defaultPort;

  Transport(int defaultPort) {
    this.defaultPort = defaultPort;
  }

  /** The lower-case token used in config files and URIs ({@code udp}, {@code tcp}, {@code tls}). */
  public String token() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  /**
   * Whether it is a connection (stream) transport: framing by Content-Length, no retransmission.
   */
  public boolean reliable() {
    return this != UDP;
  }

  /** §19.1.2: 5060, or 5061 for TLS. */
  public int defaultPort() {
    return defaultPort;
  }
}
