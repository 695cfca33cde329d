package org.trunkline.stack;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.DomainWildcardMappingBuilder;
import io.netty.util.Mapping;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLException;

/**
 * The TLS contexts of one listen point, made from its {@link TlsConfig}: the server side (with SNI
 * certificates) for the connections it accepts, the client side for the ones it opens. Immutable,
 * thread-safe.
 *
 * @param server maps the SNI host name a client asks for to the context that serves it
 * @param client verifies servers (chain and host name) and presents the listen point's certificate
 */
public record TlsContexts(Mapping<String, SslContext> server, SslContext client) {

  /**
   * Reads and checks every file of {@code config} (also what {@code trunkline check} runs).
   *
   * @throws TlsConfigException naming the setting at fault
   */
  public static TlsContexts load(TlsConfig config) throws TlsConfigException {
    List<X509Certificate> trusted =
        config.ca() == null ? null : Pem.certificates(config.ca(), "ca");
    Identity main = identity(config.certificate(), config.privateKey(), "");
    SslContext mainServer = server(main, config, trusted, "certificate");
    DomainWildcardMappingBuilder<SslContext> sni = new DomainWildcardMappingBuilder<>(mainServer);
    for (int i = 0; i < config.sni().size(); i++) {
      TlsConfig.SniCertificate s = config.sni().get(i);
      String prefix = "sni[" + i + "].";
      sni.add(
          s.host(),
          server(
              identity(s.certificate(), s.privateKey(), prefix),
              config,
              trusted,
              prefix + "certificate"));
    }
    SslContext client;
    try {
      SslContextBuilder b =
          SslContextBuilder.forClient()
              .sslProvider(SslProvider.JDK)
              .keyManager(main.key(), main.chain())
              .endpointIdentificationAlgorithm("HTTPS");
      if (trusted != null) {
        b.trustManager(trusted);
      }
      client = b.build();
    } catch (SSLException | RuntimeException e) {
      throw new TlsConfigException("certificate", "cannot make a TLS client context: " + e);
    }
    return new TlsContexts(sni.build(), client);
  }

  /** Only checks; for {@code trunkline check}. */
  public static void check(TlsConfig config) throws TlsConfigException {
    load(config);
  }

  private record Identity(PrivateKey key, X509Certificate[] chain) {}

  private static Identity identity(Path certFile, Path keyFile, String prefix)
      throws TlsConfigException {
    List<X509Certificate> chain = Pem.certificates(certFile, prefix + "certificate");
    PrivateKey key = Pem.privateKey(keyFile, prefix + "private-key");
    X509Certificate leaf = chain.get(0);
    if (!Pem.matches(key, leaf)) {
      throw new TlsConfigException(
          prefix + "private-key",
          keyFile
              + " is not the key of the certificate in "
              + certFile
              + " ("
              + leaf.getSubjectX500Principal().getName()
              + ")");
    }
    try {
      leaf.checkValidity();
    } catch (CertificateExpiredException e) {
      throw new TlsConfigException(
          prefix + "certificate", certFile + ": expired on " + leaf.getNotAfter().toInstant());
    } catch (CertificateNotYetValidException e) {
      throw new TlsConfigException(
          prefix + "certificate",
          certFile + ": not valid before " + leaf.getNotBefore().toInstant());
    }
    return new Identity(key, chain.toArray(X509Certificate[]::new));
  }

  private static SslContext server(
      Identity id, TlsConfig config, List<X509Certificate> trusted, String field)
      throws TlsConfigException {
    try {
      SslContextBuilder b =
          SslContextBuilder.forServer(id.key(), id.chain())
              .sslProvider(SslProvider.JDK)
              .clientAuth(
                  switch (config.verifyPeer()) {
                    case NONE -> ClientAuth.NONE;
                    case OPTIONAL -> ClientAuth.OPTIONAL;
                    case REQUIRE -> ClientAuth.REQUIRE;
                  });
      if (trusted != null) {
        b.trustManager(trusted);
      }
      return b.build();
    } catch (SSLException | RuntimeException e) {
      throw new TlsConfigException(field, "cannot make a TLS server context: " + e);
    }
  }
}
