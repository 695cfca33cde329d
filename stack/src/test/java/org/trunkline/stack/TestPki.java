package org.trunkline.stack;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A test CA that issues EC certificates, written as PEM files for the server's config and as JDK
 * key material for the test's own TLS clients and servers.
 */
final class TestPki {
  private static final AtomicLong SERIAL = new AtomicLong(System.nanoTime());

  /** A certificate, its key and the CA certificate, also as PEM files. */
  record Issued(X509Certificate cert, KeyPair keys, X509Certificate ca, Path certPem, Path keyPem) {
    /** An SSL context that presents this certificate and trusts {@code trusted}. */
    SSLContext sslContext(X509Certificate trusted) throws GeneralSecurityException, IOException {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setKeyEntry("me", keys.getPrivate(), new char[0], new X509Certificate[] {cert, ca});
      KeyManagerFactory kmf =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(ks, new char[0]);
      SSLContext c = SSLContext.getInstance("TLS");
      c.init(kmf.getKeyManagers(), trustManagers(trusted), null);
      return c;
    }
  }

  final X509Certificate caCert;
  final KeyPair caKeys;
  final Path caPem;
  private final Path dir;

  TestPki(Path dir, String caName) throws Exception {
    this.dir = dir;
    this.caKeys = ecKeys();
    X500Name name = new X500Name("CN=" + caName);
    X509v3CertificateBuilder b =
        new JcaX509v3CertificateBuilder(name, serial(), from(), to(), name, caKeys.getPublic());
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
    b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    this.caCert = sign(b, caKeys);
    this.caPem = write(caName + "-ca.pem", caCert);
  }

  /** A leaf certificate for {@code cn} with DNS and IP subject alternative names. */
  Issued issue(String cn, String[] dnsNames, String[] ips) throws Exception {
    KeyPair keys = ecKeys();
    X509v3CertificateBuilder b =
        new JcaX509v3CertificateBuilder(
            caCert, serial(), from(), to(), new X500Name("CN=" + cn), keys.getPublic());
    GeneralName[] names = new GeneralName[dnsNames.length + ips.length];
    for (int i = 0; i < dnsNames.length; i++) {
      names[i] = new GeneralName(GeneralName.dNSName, dnsNames[i]);
    }
    for (int i = 0; i < ips.length; i++) {
      names[dnsNames.length + i] = new GeneralName(GeneralName.iPAddress, ips[i]);
    }
    if (names.length > 0) {
      b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
    }
    X509Certificate cert = sign(b, caKeys);
    return new Issued(
        cert,
        keys,
        caCert,
        write(cn + ".crt.pem", cert),
        write(cn + ".key.pem", keys.getPrivate()));
  }

  /** A server certificate for localhost and 127.0.0.1. */
  Issued localhost() throws Exception {
    return issue("localhost", new String[] {"localhost"}, new String[] {"127.0.0.1"});
  }

  static javax.net.ssl.TrustManager[] trustManagers(X509Certificate trusted)
      throws GeneralSecurityException, IOException {
    KeyStore ts = KeyStore.getInstance("PKCS12");
    ts.load(null, null);
    ts.setCertificateEntry("ca", trusted);
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ts);
    return tmf.getTrustManagers();
  }

  /** A client context without a certificate of its own that trusts {@code trusted}. */
  static SSLContext trusting(X509Certificate trusted) throws GeneralSecurityException, IOException {
    SSLContext c = SSLContext.getInstance("TLS");
    c.init(null, trustManagers(trusted), null);
    return c;
  }

  /** Certificates as {@code CERTIFICATE}, keys as PKCS#8 {@code PRIVATE KEY}. */
  Path write(String file, Object o) throws Exception {
    String pem =
        o instanceof X509Certificate c
            ? pem("CERTIFICATE", c.getEncoded())
            : pem("PRIVATE KEY", ((java.security.PrivateKey) o).getEncoded());
    Path p = dir.resolve(file);
    Files.writeString(p, pem);
    return p;
  }

  /** The key in the traditional (SEC1) form {@code EC PRIVATE KEY}, as BouncyCastle writes it. */
  Path writeTraditional(String file, java.security.PrivateKey key) throws IOException {
    StringWriter s = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(s)) {
      w.writeObject(key);
    }
    Path p = dir.resolve(file);
    Files.writeString(p, s.toString());
    return p;
  }

  static String pem(String label, byte[] der) {
    return "-----BEGIN "
        + label
        + "-----\n"
        + java.util.Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END "
        + label
        + "-----\n";
  }

  private static KeyPair ecKeys() throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }

  private static X509Certificate sign(X509v3CertificateBuilder b, KeyPair signer)
      throws OperatorCreationException, GeneralSecurityException {
    return new JcaX509CertificateConverter()
        .getCertificate(
            b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate())));
  }

  private static BigInteger serial() {
    return BigInteger.valueOf(SERIAL.incrementAndGet());
  }

  private static Date from() {
    return Date.from(Instant.now().minus(Duration.ofDays(1)));
  }

  private static Date to() {
    return Date.from(Instant.now().plus(Duration.ofDays(30)));
  }
}
