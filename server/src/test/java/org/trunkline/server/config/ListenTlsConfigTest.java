package org.trunkline.server.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.trunkline.stack.ListenPoint;
import org.trunkline.stack.TlsConfig;
import org.trunkline.stack.Transport;

/**
 * The tls keys of a listen entry and {@code max-connections-per-source}. The PEM files are in
 * src/test/resources/tls (a.crt.pem with a.key.pem, valid until 2126; b.key.pem another key), and
 * the config "file" sits beside them, since paths are relative to the config file's directory.
 */
class ListenTlsConfigTest {
  static final Path DIR = Path.of("src/test/resources/tls");
  static final Path FILE = DIR.resolve("test.yaml");

  private static TrunklineConfig parse(String yaml) throws ConfigException {
    return ConfigLoader.parse(FILE, yaml);
  }

  private static List<String> problems(String yaml) {
    try {
      throw new AssertionError("accepted: " + parse(yaml));
    } catch (ConfigException e) {
      return e.problems().stream().map(ConfigProblem::toString).toList();
    }
  }

  @Test
  void readsATlsEntry() throws ConfigException {
    TrunklineConfig config =
        parse(
            """
            listen:
              - transport: tls
                address: 127.0.0.1
                certificate: a.crt.pem
                private-key: a.key.pem
                ca: a.crt.pem
                verify-peer: require
                max-connections-per-source: 10
                sni:
                  - {host: "*.example.test", certificate: a.crt.pem, private-key: a.key.pem}
              - {transport: tcp, address: 127.0.0.1}
            """);

    ListenConfig tls = config.listen().get(0);
    assertThat(tls.port()).isEqualTo(5061);
    assertThat(tls.name()).isEqualTo("tls:127.0.0.1:5061");
    assertThat(tls.maxConnectionsPerSource()).isEqualTo(10);
    assertThat(tls.tls())
        .isEqualTo(
            new TlsConfig(
                DIR.resolve("a.crt.pem"),
                DIR.resolve("a.key.pem"),
                DIR.resolve("a.crt.pem"),
                TlsConfig.VerifyPeer.REQUIRE,
                List.of(
                    new TlsConfig.SniCertificate(
                        "*.example.test", DIR.resolve("a.crt.pem"), DIR.resolve("a.key.pem")))));
    ListenPoint lp = tls.listenPoint();
    assertThat(lp.transport()).isEqualTo(Transport.TLS);
    assertThat(lp.tls()).isEqualTo(tls.tls());
    assertThat(lp.maxConnectionsPerSource()).isEqualTo(10);
    ListenConfig tcp = config.listen().get(1);
    assertThat(tcp.tls()).isNull();
    assertThat(tcp.maxConnectionsPerSource())
        .isEqualTo(ListenPoint.DEFAULT_MAX_CONNECTIONS_PER_SOURCE)
        .isEqualTo(64);
  }

  @Test
  void verifyPeerDefaultsToNone() throws ConfigException {
    TrunklineConfig config =
        parse(
            "listen: [{transport: TLS, address: 127.0.0.1, certificate: a.crt.pem,"
                + " private-key: a.key.pem}]\n");
    assertThat(config.listen().get(0).tls())
        .isEqualTo(new TlsConfig(DIR.resolve("a.crt.pem"), DIR.resolve("a.key.pem")));
  }

  @Test
  void aTlsEntryNeedsACertificateAndKey() {
    assertThat(problems("listen:\n  - {transport: tls, address: 127.0.0.1}\n"))
        .containsExactly(
            FILE + ":2: listen[0].certificate: missing (required for transport tls)",
            FILE + ":2: listen[0].private-key: missing (required for transport tls)");
  }

  @Test
  void filesThatCannotBeUsedAreNamedAtTheirLine() {
    assertThat(
            problems(
                """
                listen:
                  - transport: tls
                    address: 127.0.0.1
                    certificate: nope.pem
                    private-key: a.key.pem
                  - transport: tls
                    address: 127.0.0.2
                    certificate: a.crt.pem
                    private-key: b.key.pem
                  - transport: tls
                    address: 127.0.0.3
                    certificate: a.crt.pem
                    private-key: a.key.pem
                    ca: a.key.pem
                  - transport: tls
                    address: 127.0.0.4
                    certificate: a.key.pem
                    private-key: a.key.pem
                """))
        .containsExactly(
            FILE + ":4: listen[0].certificate: " + DIR.resolve("nope.pem") + ": no such file",
            FILE
                + ":9: listen[1].private-key: "
                + DIR.resolve("b.key.pem")
                + " is not the key of the certificate in "
                + DIR.resolve("a.crt.pem")
                + " (CN=sip.example.test)",
            FILE
                + ":14: listen[2].ca: "
                + DIR.resolve("a.key.pem")
                + ": no PEM certificate (BEGIN CERTIFICATE) in it",
            FILE
                + ":17: listen[3].certificate: "
                + DIR.resolve("a.key.pem")
                + ": no PEM certificate (BEGIN CERTIFICATE) in it");
  }

  @Test
  void tlsKeysOnUdpOrTcpAndBadValuesAreRejected() {
    assertThat(
            problems(
                """
                listen:
                  - transport: udp
                    address: 127.0.0.1
                    certificate: a.crt.pem
                    verify-peer: require
                    max-connections-per-source: 5
                  - transport: tcp
                    address: 127.0.0.1
                    sni: []
                    max-connections-per-source: 0
                  - transport: tls
                    address: 127.0.0.1
                    certificate: a.crt.pem
                    private-key: a.key.pem
                    verify-peer: maybe
                  - transport: tls
                    address: 127.0.0.2
                    certificate: a.crt.pem
                    private-key: a.key.pem
                    sni:
                      - {host: "bad host", certificate: a.crt.pem, private-key: a.key.pem}
                      - {host: b.example.test, certificate: a.crt.pem}
                      - b.example.test
                """))
        .containsExactly(
            FILE + ":4: listen[0].certificate: only for transport tls (this entry is udp)",
            FILE + ":5: listen[0].verify-peer: only for transport tls (this entry is udp)",
            FILE + ":6: listen[0].max-connections-per-source: only for tcp and tls",
            FILE + ":9: listen[1].sni: only for transport tls (this entry is tcp)",
            FILE + ":10: listen[1].max-connections-per-source: must be 1..1000000, got 0",
            FILE + ":15: listen[2].verify-peer: must be none, optional or require, got maybe",
            FILE + ":21: listen[3].sni[0].host: must be a host name or *.domain, got bad host",
            FILE + ":22: listen[3].sni[1].private-key: missing (required for transport tls)",
            FILE
                + ":23: listen[3].sni[2]: must be a mapping like {host: sip.example.com,"
                + " certificate: a.pem, private-key: a.key}, got b.example.test");
  }
}
