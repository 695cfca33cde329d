package org.trunkline.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@link TlsContexts#load} says about files it cannot use. */
class TlsContextsTest {
  @TempDir Path dir;

  private TlsConfigException problem(TlsConfig c) {
    try {
      TlsContexts.load(c);
      throw new AssertionError("accepted " + c);
    } catch (TlsConfigException e) {
      return e;
    }
  }

  @Test
  void loadsAMatchingCertificateAndKey() throws Exception {
    TestPki pki = new TestPki(dir, "ca");
    TestPki.Issued c = pki.localhost();
    TlsContexts t =
        TlsContexts.load(
            new TlsConfig(
                c.certPem(), c.keyPem(), pki.caPem, TlsConfig.VerifyPeer.REQUIRE, List.of()));
    assertThat(t.client().isClient()).isTrue();
    assertThat(t.server().map("anything").isServer()).isTrue();
  }

  @Test
  void namesTheFileAndTheProblem() throws Exception {
    TestPki pki = new TestPki(dir, "ca");
    TestPki.Issued c = pki.localhost();
    TestPki.Issued other = pki.issue("other", new String[] {"other.test"}, new String[0]);
    Path missing = dir.resolve("missing.pem");
    Path garbage = Files.writeString(dir.resolve("garbage.pem"), "hello\n");
    Path traditional = pki.writeTraditional("trad.pem", c.keys().getPrivate());

    TlsConfigException e = problem(new TlsConfig(missing, c.keyPem()));
    assertThat(e.field()).isEqualTo("certificate");
    assertThat(e.getMessage()).isEqualTo(missing + ": no such file");

    e = problem(new TlsConfig(garbage, c.keyPem()));
    assertThat(e.toString())
        .isEqualTo("certificate: " + garbage + ": not a PEM file (no -----BEGIN ...----- block)");

    e = problem(new TlsConfig(c.keyPem(), c.keyPem()));
    assertThat(e.toString())
        .isEqualTo("certificate: " + c.keyPem() + ": no PEM certificate (BEGIN CERTIFICATE) in it");

    e = problem(new TlsConfig(c.certPem(), c.certPem()));
    assertThat(e.toString())
        .isEqualTo(
            "private-key: " + c.certPem() + ": no PEM private key (BEGIN PRIVATE KEY) in it");

    e = problem(new TlsConfig(c.certPem(), traditional));
    assertThat(e.field()).isEqualTo("private-key");
    assertThat(e.getMessage()).contains("EC PRIVATE KEY is not PKCS#8", "openssl pkcs8 -topk8");

    e = problem(new TlsConfig(c.certPem(), other.keyPem()));
    assertThat(e.toString())
        .isEqualTo(
            "private-key: "
                + other.keyPem()
                + " is not the key of the certificate in "
                + c.certPem()
                + " (CN=localhost)");

    e =
        problem(
            new TlsConfig(c.certPem(), c.keyPem(), missing, TlsConfig.VerifyPeer.NONE, List.of()));
    assertThat(e.toString()).isEqualTo("ca: " + missing + ": no such file");

    e =
        problem(
            new TlsConfig(
                c.certPem(),
                c.keyPem(),
                null,
                TlsConfig.VerifyPeer.NONE,
                List.of(new TlsConfig.SniCertificate("x.test", c.certPem(), other.keyPem()))));
    assertThat(e.field()).isEqualTo("sni[0].private-key");
  }
}
