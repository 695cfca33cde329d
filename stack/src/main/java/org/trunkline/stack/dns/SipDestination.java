package org.trunkline.stack.dns;

import java.util.Locale;
import org.trunkline.sip.SipUri;

/**
 * What RFC 3263 §4 starts from: the TARGET host of a SIP or SIPS URI, its port and its transport
 * parameter. Immutable.
 *
 * @param host a host name, an IPv4 address or an IPv6 address with or without brackets
 * @param port the port, or -1 when the URI has none
 * @param transport the transport the URI asks for, or null when it names none; for a SIPS URI
 *     {@code TCP} is taken as {@link SipTransport#TLS}
 * @param secure whether the URI is {@code sips:}
 */
public record SipDestination(String host, int port, SipTransport transport, boolean secure) {

  public SipDestination {
    if (host == null || host.isEmpty()) {
      throw new IllegalArgumentException("empty host");
    }
    if (port < -1 || port == 0 || port > 65535) {
      throw new IllegalArgumentException("port out of range: " + port);
    }
    if (secure && transport == SipTransport.TCP) {
      transport = SipTransport.TLS; // RFC 3261 §19.1.2: sips + transport=tcp means TLS over TCP
    }
    if (secure && transport == SipTransport.UDP) {
      throw new IllegalArgumentException("sips:" + host + ": transport=udp is not secure");
    }
  }

  /**
   * §4: the TARGET is the {@code maddr} parameter if present, else the host; the transport comes
   * from the {@code transport} parameter.
   *
   * @throws IllegalArgumentException for a transport we do not speak (sctp, ws) or sips over udp
   */
  public static SipDestination of(SipUri uri) {
    String maddr = uri.param("maddr");
    String host = maddr != null && !maddr.isEmpty() ? maddr : uri.host();
    String param = uri.param("transport");
    SipTransport transport = null;
    if (param != null) {
      transport =
          switch (param.toLowerCase(Locale.ROOT)) {
            case "udp" -> SipTransport.UDP;
            case "tcp" -> SipTransport.TCP;
            case "tls" -> SipTransport.TLS;
            default -> throw new IllegalArgumentException(uri + ": unsupported transport=" + param);
          };
    }
    return new SipDestination(host, uri.port(), transport, uri.secure());
  }

  /** The host without IPv6 brackets. */
  String bareHost() {
    return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
  }

  /** §4.1: without a transport parameter, UDP for SIP and TLS for SIPS. */
  SipTransport transportOrDefault() {
    return transport != null ? transport : secure ? SipTransport.TLS : SipTransport.UDP;
  }

  @Override
  public String toString() {
    return (secure ? "sips:" : "sip:")
        + host
        + (port > 0 ? ":" + port : "")
        + (transport != null ? ";transport=" + transport.token() : "");
  }
}
