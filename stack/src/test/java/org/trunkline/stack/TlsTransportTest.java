package org.trunkline.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trunkline.stack.TlsConfig.VerifyPeer;

/** TLS listen points over real TLS sockets: answers, client certificates, SNI certificates. */
class TlsTransportTest {
  @TempDir Path dir;
  SipServer server;
  SipPeer peer;

  @AfterEach
  void stop() throws IOException {
    if (peer != null) {
      peer.close();
    }
    if (server != null) {
      server.close();
    }
  }

  private InetSocketAddress start(TlsConfig tls) throws Exception {
    server = new SipServer(List.of(ListenPoint.tls("tls-in", "127.0.0.1", 0, tls)));
    InetSocketAddress bound = server.start().get(0);
    peer = new SipPeer(bound);
    return bound;
  }

  static byte[] options(String callId) {
    return SipPeer.options(callId, 5061)
        .replace("SIP/2.0/UDP", "SIP/2.0/TLS")
        .getBytes(StandardCharsets.US_ASCII);
  }

  @Test
  void optionsOverTlsGets200OnTheSameConnection() throws Exception {
    TestPki pki = new TestPki(dir, "test");
    TestPki.Issued cert = pki.localhost();
    InetSocketAddress tls = start(new TlsConfig(cert.certPem(), cert.keyPem()));

    SSLSocket s = peer.connectTls(tls, TestPki.trusting(pki.caCert));
    peer.sendTcp(options("tls-1"));
    String r = peer.receiveTcp();

    assertThat(r).startsWith("SIP/2.0 200 OK\r\n").contains("Via: SIP/2.0/TLS 127.0.0.1:5061");
    assertThat(s.getSession().getPeerCertificates()[0]).isEqualTo(cert.cert());
    // a second request on the same connection: framing as over TCP
    peer.sendTcp(options("tls-2"));
    assertThat(peer.receiveTcp()).startsWith("SIP/2.0 200 OK\r\n").contains("Call-ID: tls-2");
    // counted once the layer handled it, which may be just after the answer left
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(5))
        .untilAsserted(() -> assertThat(server.counters().requestsIn.sum()).isEqualTo(2));
  }

  @Test
  void requireRefusesAClientWithoutATrustedCertificate() throws Exception {
    TestPki pki = new TestPki(dir, "test");
    TestPki.Issued cert = pki.localhost();
    TestPki other = new TestPki(dir, "other");
    InetSocketAddress tls =
        start(
            new TlsConfig(cert.certPem(), cert.keyPem(), pki.caPem, VerifyPeer.REQUIRE, List.of()));

    // no certificate at all
    assertThatThrownBy(
            () -> {
              peer.connectTls(tls, TestPki.trusting(pki.caCert));
              peer.sendTcp(options("anon"));
              if (peer.receiveTcp() == null) {
                throw new IOException("no answer");
              }
            })
        .isInstanceOf(IOException.class);
    // a certificate from a CA the listen point does not trust
    TestPki.Issued stranger = other.issue("stranger", new String[] {"pbx.test"}, new String[0]);
    assertThatThrownBy(
            () -> {
              peer.connectTls(tls, stranger.sslContext(pki.caCert));
              peer.sendTcp(options("stranger"));
              if (peer.receiveTcp() == null) {
                throw new IOException("no answer");
              }
            })
        .isInstanceOf(IOException.class);
    assertThat(server.counters().requestsIn.sum()).isZero();

    // a certificate from the trusted CA
    TestPki.Issued pbx = pki.issue("pbx", new String[] {"pbx.test"}, new String[0]);
    SSLSocket s = peer.connectTls(tls, pbx.sslContext(pki.caCert));
    peer.sendTcp(options("trusted"));
    assertThat(peer.receiveTcp()).startsWith("SIP/2.0 200 OK\r\n");
    assertThat(s.getSession().getLocalCertificates()[0]).isEqualTo(pbx.cert());
  }

  @Test
  void optionalLetsInAClientWithoutCertificate() throws Exception {
    TestPki pki = new TestPki(dir, "test");
    TestPki.Issued cert = pki.localhost();
    InetSocketAddress tls =
        start(
            new TlsConfig(
                cert.certPem(), cert.keyPem(), pki.caPem, VerifyPeer.OPTIONAL, List.of()));

    peer.connectTls(tls, TestPki.trusting(pki.caCert));
    peer.sendTcp(options("anon"));
    assertThat(peer.receiveTcp()).startsWith("SIP/2.0 200 OK\r\n");
  }

  @Test
  void sniChoosesTheCertificateOfTheAskedHostName() throws Exception {
    TestPki pki = new TestPki(dir, "test");
    TestPki.Issued main = pki.localhost();
    TestPki.Issued acme = pki.issue("sip.acme.test", new String[] {"sip.acme.test"}, new String[0]);
    TestPki.Issued wild = pki.issue("wild", new String[] {"*.carrier.test"}, new String[0]);
    InetSocketAddress tls =
        start(
            new TlsConfig(
                main.certPem(),
                main.keyPem(),
                null,
                VerifyPeer.NONE,
                List.of(
                    new TlsConfig.SniCertificate("sip.acme.test", acme.certPem(), acme.keyPem()),
                    new TlsConfig.SniCertificate(
                        "*.carrier.test", wild.certPem(), wild.keyPem()))));

    assertThat(served(tls, pki, "sip.acme.test")).isEqualTo(acme.cert());
    assertThat(served(tls, pki, "edge1.carrier.test")).isEqualTo(wild.cert());
    assertThat(served(tls, pki, "unknown.test")).isEqualTo(main.cert());
  }

  private Object served(InetSocketAddress tls, TestPki pki, String sni) throws Exception {
    try (SSLSocket s = (SSLSocket) TestPki.trusting(pki.caCert).getSocketFactory().createSocket()) {
      SSLParameters p = s.getSSLParameters();
      p.setServerNames(List.of(new SNIHostName(sni)));
      s.setSSLParameters(p);
      s.connect(tls, SipPeer.TIMEOUT_MS);
      s.setSoTimeout(SipPeer.TIMEOUT_MS);
      s.startHandshake();
      return s.getSession().getPeerCertificates()[0];
    }
  }

  @Test
  void aBrokenCertificateFailsStartWithTheSettingNamed() throws Exception {
    TestPki pki = new TestPki(dir, "test");
    TestPki.Issued a = pki.localhost();
    TestPki.Issued b = pki.issue("b", new String[] {"b.test"}, new String[0]);
    SipServer s =
        new SipServer(
            List.of(
                ListenPoint.tls("tls-in", "127.0.0.1", 0, new TlsConfig(a.certPem(), b.keyPem()))));
    assertThatThrownBy(s::start)
        .isInstanceOf(IOException.class)
        .hasMessageContaining("private-key: ")
        .hasMessageContaining("is not the key of the certificate in " + a.certPem());
  }
}
