package org.trunkline.stack.dns;

import java.util.Locale;

/**
 * The transports RFC 3263 chooses between. {@link #TLS} is TLS over TCP, the only transport of a
 * {@code sips:} URI. Kept apart from the stack's listen-point enum until that one grows TLS.
 */
public enum SipTransport {
  UDP("SIP+D2U", "_sip._udp.", 5060),
  TCP("SIP+D2T", "_sip._tcp.", 5060),
  TLS("SIPS+D2T", "_sips._tcp.", 5061);

  private final String naptrService;
  private final String srvPrefix;
  private final int defaultPort;

  SipTransport(String naptrService, String srvPrefix, int defaultPort) {
    this.naptrService = naptrService;
    this.srvPrefix = srvPrefix;
    this.defaultPort = defaultPort;
  }

  /** The NAPTR service field naming this transport (RFC 3263 §4.1), e.g. {@code SIP+D2U}. */
  public String naptrService() {
    return naptrService;
  }

  /** The SRV owner name prefix (RFC 3263 §4.1), e.g. {@code _sip._udp.}. */
  public String srvPrefix() {
    return srvPrefix;
  }

  /** §4.2: 5060 for UDP and TCP, 5061 for TLS. */
  public int defaultPort() {
    return defaultPort;
  }

  /** The lower-case token of the {@code transport} URI parameter and of Via. */
  public String token() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The transport a NAPTR service field names, or null for one we do not speak (SCTP, WS). */
  static SipTransport ofNaptrService(String service) {
    for (SipTransport t : values()) {
      if (t.naptrService.equalsIgnoreCase(service)) {
        return t;
      }
    }
    return null;
  }
}
