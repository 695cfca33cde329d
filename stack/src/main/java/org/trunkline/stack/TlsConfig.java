package org.trunkline.stack;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * The TLS side of a listen point: its certificate, whom it trusts, whether it asks peers for a
 * certificate, and extra certificates chosen by SNI. The files are PEM; they are read when the
 * server starts ({@link TlsContexts#load}), and by {@code trunkline check}.
 *
 * <p>The listen point serves {@code certificate} to clients, and presents it as its client
 * certificate on the TLS connections it opens (mutual TLS with carriers). Servers it connects to
 * are verified against {@code ca}, or the JDK's trust store when there is none, including the host
 * name (RFC 5922 §7.2; SNI carries it when known).
 *
 * @param certificate PEM: the certificate, then its intermediates
 * @param privateKey PEM: the certificate's key, unencrypted PKCS#8 ({@code BEGIN PRIVATE KEY})
 * @param ca PEM bundle of the certificates that peers' certificates must chain to, or null for the
 *     JDK's trust store
 * @param verifyPeer whether clients must present a certificate
 * @param sni more certificates, each served to clients that ask for its host name
 */
public record TlsConfig(
    Path certificate, Path privateKey, Path ca, VerifyPeer verifyPeer, List<SniCertificate> sni) {
  public TlsConfig {
    Objects.requireNonNull(certificate, "certificate");
    Objects.requireNonNull(privateKey, "privateKey");
    Objects.requireNonNull(verifyPeer, "verifyPeer");
    sni = List.copyOf(sni);
  }

  /** A certificate and key, peers unverified, no SNI certificates. */
  public TlsConfig(Path certificate, Path privateKey) {
    this(certificate, privateKey, null, VerifyPeer.NONE, List.of());
  }

  /** Whether a TLS server asks its clients for a certificate (RFC 5630 §3.1). */
  public enum VerifyPeer {
    /** No client certificate asked for. */
    NONE,
    /** Asked for; a client without one is let in, one with an untrusted one is refused. */
    OPTIONAL,
    /** A client without a trusted certificate is refused during the handshake. */
    REQUIRE;

    public String token() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /**
   * A certificate served to clients whose SNI asks for {@code host}.
   *
   * @param host a host name, or a wildcard {@code *.example.com} for one level of subdomains
   */
  public record SniCertificate(String host, Path certificate, Path privateKey) {
    public SniCertificate {
      Objects.requireNonNull(host, "host");
      Objects.requireNonNull(certificate, "certificate");
      Objects.requireNonNull(privateKey, "privateKey");
    }
  }
}
