package org.trunkline.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.trunkline.core.trunk.AddressRange;
import org.trunkline.core.trunk.BanPolicy;
import org.trunkline.core.trunk.HealthCheck;
import org.trunkline.core.trunk.IngressPolicy;
import org.trunkline.core.trunk.Trunk;
import org.trunkline.core.trunk.TrunkAccess;
import org.trunkline.core.trunk.TrunkMode;
import org.trunkline.core.trunk.TrunksConfig;

class TrunksSectionTest {
  private static final Path FILE = Path.of("conf/test.yaml");

  /** Lines 1..3; the next section starts on line 4, a first trunk entry is on line 5. */
  private static final String LISTEN =
      """
      listen:
        - {name: public, transport: udp, address: 127.0.0.1, port: 5060}
        - {name: xc-gamma, transport: udp, address: 127.0.0.2, port: 5060}
      """;

  private static TrunksConfig parse(String yaml) throws ConfigException {
    return ConfigLoader.parse(FILE, LISTEN + yaml).trunks();
  }

  /** The problem lines for {@code yaml} after the listen section, which must be rejected. */
  private static List<String> problems(String yaml) {
    try {
      TrunklineConfig config = ConfigLoader.parse(FILE, LISTEN + yaml);
      throw new AssertionError("accepted: " + config);
    } catch (ConfigException e) {
      return e.problems().stream().map(ConfigProblem::toString).toList();
    }
  }

  private static List<String> trunk(String entry) {
    return problems("trunks:\n  - " + entry + "\n");
  }

  @Test
  void readsTheFourModesOfTheIssue() throws ConfigException {
    TrunksConfig config =
        parse(
            """
            trunks:
              - {name: acme, mode: register-in, username: acme, password: s3cret, max-contacts: 2}
              - {name: beta, mode: register-out, registrar: "sip:pbx.beta.example;transport=tcp",
                 username: trunk77, password: pw, expires: 600}
              - {name: carrier1, mode: ip, peers: ["203.0.113.10:5060", "198.51.100.0/28"],
                 target: "sip:203.0.113.10:5060"}
              - {name: gamma, mode: cross-connect, listen: xc-gamma, target: "sip:127.0.0.3:5060"}
            ingress: {unknown-source: reject, ban: {failures: 5, window: 60s, duration: 10m}}
            """);

    assertThat(config.trunks())
        .containsExactly(
            new Trunk(
                "acme",
                TrunkMode.REGISTER_IN,
                new TrunkAccess.RegisterIn("acme", "s3cret", "trunkline", 2, 60, 3600),
                Optional.empty(),
                Optional.empty(),
                0,
                0,
                List.of()),
            new Trunk(
                "beta",
                TrunkMode.REGISTER_OUT,
                new TrunkAccess.RegisterOut(
                    "sip:pbx.beta.example;transport=tcp",
                    "trunk77",
                    "pw",
                    "trunk77",
                    600,
                    Duration.ofSeconds(5),
                    Duration.ofMinutes(5)),
                Optional.empty(),
                Optional.empty(),
                0,
                0,
                List.of()),
            new Trunk(
                "carrier1",
                TrunkMode.IP,
                new TrunkAccess.Ip(
                    List.of(
                        AddressRange.parse("203.0.113.10:5060"),
                        AddressRange.parse("198.51.100.0/28"))),
                Optional.of("sip:203.0.113.10:5060"),
                Optional.of(HealthCheck.DEFAULT),
                0,
                0,
                List.of()),
            new Trunk(
                "gamma",
                TrunkMode.CROSS_CONNECT,
                new TrunkAccess.CrossConnect("xc-gamma", List.of()),
                Optional.of("sip:127.0.0.3:5060"),
                Optional.of(HealthCheck.DEFAULT),
                0,
                0,
                List.of()));
    assertThat(config.ingress())
        .isEqualTo(
            new IngressPolicy(
                false, new BanPolicy(5, Duration.ofSeconds(60), Duration.ofMinutes(10))));
    assertThat(config.byName("carrier1")).map(Trunk::mode).contains(TrunkMode.IP);
    assertThat(config.byName("nobody")).isEmpty();
  }

  @Test
  void readsEveryOptionalKey() throws ConfigException {
    TrunksConfig config =
        parse(
            """
            trunks:
              - name: acme
                mode: register-in
                username: acme
                password: 1234
                realm: sip.example.net
                max-contacts: 3
                min-expires: 120
                max-expires: 7200
                max-channels: 30
                max-cps: 5
                numbers: [+4930123456, +4930999*]
              - name: beta
                mode: register-out
                registrar: "sips:pbx.beta.example"
                username: trunk77
                auth-username: auth77
                password: pw
                retry-min: 500ms
                retry-max: 1h
                target: "sip:pbx.beta.example"
                health: {interval: 10, up-after: 1, down-after: 5, dead-codes: [503, 500]}
              - name: gamma
                mode: cross-connect
                listen: xc-gamma
                peers: ["127.0.0.3"]
                target: "sip:127.0.0.3:5060"
                health: off
            ingress: {unknown-source: drop, ban: {failures: 0}, max-tracked-nonces: 100000}
            """);

    Trunk acme = config.byName("acme").orElseThrow();
    assertThat(acme.access())
        .isEqualTo(new TrunkAccess.RegisterIn("acme", "1234", "sip.example.net", 3, 120, 7200));
    assertThat(acme.maxChannels()).isEqualTo(30);
    assertThat(acme.maxCps()).isEqualTo(5);
    assertThat(acme.numbers()).containsExactly("+4930123456", "+4930999*");

    Trunk beta = config.byName("beta").orElseThrow();
    assertThat(beta.access())
        .isEqualTo(
            new TrunkAccess.RegisterOut(
                "sips:pbx.beta.example",
                "trunk77",
                "pw",
                "auth77",
                3600,
                Duration.ofMillis(500),
                Duration.ofHours(1)));
    assertThat(beta.health())
        .contains(new HealthCheck(Duration.ofSeconds(10), 1, 5, Set.of(500, 503)));

    Trunk gamma = config.byName("gamma").orElseThrow();
    assertThat(gamma.access())
        .isEqualTo(
            new TrunkAccess.CrossConnect("xc-gamma", List.of(AddressRange.parse("127.0.0.3"))));
    assertThat(gamma.health()).as("health: off").isEmpty();

    assertThat(config.ingress())
        .isEqualTo(
            new IngressPolicy(
                true,
                new BanPolicy(0, Duration.ofSeconds(60), Duration.ofMinutes(10)),
                IngressPolicy.DEFAULT_DIGEST_ALGORITHMS,
                IngressPolicy.DEFAULT_MONITORS,
                100_000));
    assertThat(config.ingress().ban().enabled()).isFalse();
  }

  @Test
  void theCommentedExamplesOfTheDemoConfigAreValid() throws Exception {
    String demo = Files.readString(Path.of("../conf/trunkline.yaml"));
    assertThat(ConfigLoader.parse(FILE, demo).trunks()).isEqualTo(TrunksConfig.EMPTY);

    // Example lines are commented out as '#key' or '#  ...'; prose comments are '# text'.
    String uncommented = demo.replaceAll("(?m)^#(?=\\S|  )", "");
    TrunklineConfig config = ConfigLoader.parse(FILE, uncommented);

    assertThat(config.listen()).extracting(ListenConfig::name).contains("xc-gamma");
    assertThat(config.trunks().trunks())
        .extracting(Trunk::name, Trunk::mode)
        .containsExactly(
            tuple("acme", TrunkMode.REGISTER_IN),
            tuple("beta", TrunkMode.REGISTER_OUT),
            tuple("carrier1", TrunkMode.IP),
            tuple("gamma", TrunkMode.CROSS_CONNECT));
    assertThat(config.trunks().ingress()).isEqualTo(IngressPolicy.DEFAULT);
    assertThat(config.trunks().routes())
        .extracting(org.trunkline.core.trunk.Route::prefix)
        .containsExactly("+49", "");
  }

  @Test
  void aFileWithoutTrunksHasNoneAndTheDefaultIngress() throws ConfigException {
    assertThat(parse("")).isEqualTo(TrunksConfig.EMPTY);
    assertThat(parse("trunks: []\n").trunks()).isEmpty();
    assertThat(TrunksConfig.EMPTY.ingress()).isEqualTo(IngressPolicy.DEFAULT);
    assertThat(IngressPolicy.DEFAULT.dropUnknown()).isFalse();
    assertThat(IngressPolicy.DEFAULT.ban())
        .isEqualTo(new BanPolicy(5, Duration.ofSeconds(60), Duration.ofMinutes(10)));
    assertThat(IngressPolicy.DEFAULT.maxTrackedNonces()).isEqualTo(16_384);
  }

  @Test
  void rejectsSectionsOfTheWrongShape() {
    assertThat(problems("trunks: {name: acme, mode: ip}\n"))
        .containsExactly("conf/test.yaml:4: trunks: must be a list of trunks, got a mapping");
    assertThat(problems("trunks: [acme]\n"))
        .containsExactly(
            "conf/test.yaml:4: trunks[0]: must be a mapping like"
                + " {name: carrier1, mode: ip, peers: [203.0.113.10]}, got acme");
    assertThat(problems("trunks:\n"))
        .containsExactly("conf/test.yaml:4: trunks: must be a list of trunks, got nothing");
  }

  @Test
  void rejectsAnUnknownModeWithASuggestion() {
    assertThat(trunk("{name: c1, mode: ipp, peers: [203.0.113.10]}"))
        .containsExactly(
            "conf/test.yaml:5: trunks[0].mode: must be register-in, register-out, ip or"
                + " cross-connect, got ipp (did you mean 'ip'?)");
    assertThat(trunk("{name: c1, mode: registered, peers: [203.0.113.10]}"))
        .containsExactly(
            "conf/test.yaml:5: trunks[0].mode: must be register-in, register-out, ip or"
                + " cross-connect, got registered");
    assertThat(trunk("{name: c1, peers: [203.0.113.10]}"))
        .containsExactly("conf/test.yaml:5: trunks[0].mode: missing (required)");
  }

  @Test
  void rejectsBadAndMissingNames() {
    assertThat(trunk("{name: \"a b\", mode: ip, peers: [203.0.113.10]}"))
        .containsExactly(
            "conf/test.yaml:5: trunks[0].name: must be 1..64 letters, digits or . _ -, got a b");
    assertThat(trunk("{mode: ip, peers: [203.0.113.10]}"))
        .containsExactly("conf/test.yaml:5: trunks[0].name: missing (required)");
  }

  @Test
  void rejectsDuplicateNamesIgnoringCase() {
    assertThat(
            problems(
                """
                trunks:
                  - {name: acme, mode: ip, peers: [203.0.113.10]}
                  - {name: acme, mode: ip, peers: [203.0.113.11]}
                  - {name: ACME, mode: ip, peers: [203.0.113.12]}
                """))
        .containsExactly(
            "conf/test.yaml:6: trunks[1].name: 'acme' is already the name of trunks[0]",
            "conf/test.yaml:7: trunks[2].name: 'ACME' is already the name of trunks[0]");
  }

  @Test
  void rejectsKeysThatDoNotBelongToTheMode() {
    assertThat(
            problems(
                """
                trunks:
                  - {name: c1, mode: ip, peers: [203.0.113.10], registrar: "sip:pbx.example",
                     listen: public, password: x}
                  - {name: r1, mode: register-in, username: u, password: p, target: "sip:a.example"}
                """))
        .containsExactly(
            "conf/test.yaml:5: trunks[0].registrar: not a key of ip trunks"
                + " (it belongs to register-out)",
            "conf/test.yaml:6: trunks[0].listen: not a key of ip trunks"
                + " (it belongs to cross-connect)",
            "conf/test.yaml:6: trunks[0].password: not a key of ip trunks"
                + " (it belongs to register-in and register-out)",
            "conf/test.yaml:7: trunks[1].target: not a key of register-in trunks (calls go to the"
                + " registered contacts; it belongs to register-out, ip and cross-connect)");
  }

  @Test
  void rejectsMissingKeysPerMode() {
    assertThat(
            problems(
                """
                trunks:
                  - {name: a, mode: register-in}
                  - {name: b, mode: register-out}
                  - {name: c, mode: ip}
                  - {name: d, mode: cross-connect}
                """))
        .containsExactly(
            "conf/test.yaml:5: trunks[0].username: missing (required for register-in trunks)",
            "conf/test.yaml:5: trunks[0].password: missing (required for register-in trunks)",
            "conf/test.yaml:6: trunks[1].registrar: missing (required for register-out trunks)",
            "conf/test.yaml:6: trunks[1].username: missing (required for register-out trunks)",
            "conf/test.yaml:6: trunks[1].password: missing (required for register-out trunks)",
            "conf/test.yaml:7: trunks[2].peers: missing (required for ip trunks)",
            "conf/test.yaml:8: trunks[3].listen: missing (required for cross-connect trunks)");
  }

  @Test
  void rejectsUnknownKeysWithASuggestion() {
    assertThat(trunk("{name: c1, mode: ip, peers: [203.0.113.10], max-cpss: 5}"))
        .containsExactly(
            "conf/test.yaml:5: trunks[0]: unknown key 'max-cpss' (did you mean 'max-cps'?)");
    assertThat(trunk("{name: c1, mode: ip, peer: [203.0.113.10]}"))
        .containsExactly(
            "conf/test.yaml:5: trunks[0]: unknown key 'peer' (did you mean 'peers'?)",
            "conf/test.yaml:5: trunks[0].peers: missing (required for ip trunks)");
  }

  @Test
  void rejectsEmptyPasswordsAndUsernames() {
    assertThat(
            problems(
                """
                trunks:
                  - {name: a, mode: register-in, username: "", password: ""}
                  - {name: b, mode: register-out, registrar: "sip:pbx.example", username: u,
                     password: }
                """))
        .containsExactly(
            "conf/test.yaml:5: trunks[0].username: must not be empty",
            "conf/test.yaml:5: trunks[0].password: must not be empty",
            "conf/test.yaml:7: trunks[1].password: has no value");
  }

  @Test
  void rejectsTargetsAndRegistrarsThatAreNotSipUris() {
    assertThat(
            problems(
                """
                trunks:
                  - {name: a, mode: ip, peers: [203.0.113.10], target: "tel:+4930123"}
                  - {name: b, mode: ip, peers: [203.0.113.11], target: "203.0.113.11:5060"}
                  - {name: c, mode: ip, peers: [203.0.113.12], target: "sip:a.example?Subject=x"}
                  - {name: d, mode: register-out, registrar: "http://pbx.example", username: u,
                     password: p}
                  - {name: e, mode: register-out, registrar: "sip:trunk@pbx.example", username: u,
                     password: p}
                """))
        .containsExactly(
            "conf/test.yaml:5: trunks[0].target: must be a sip: or sips: URI, got tel:+4930123",
            "conf/test.yaml:6: trunks[1].target: must be a sip: or sips: URI,"
                + " got 203.0.113.11:5060 (no URI scheme)",
            "conf/test.yaml:7: trunks[2].target: must not have ?headers,"
                + " got sip:a.example?Subject=x",
            "conf/test.yaml:8: trunks[3].registrar: must be a sip: or sips: URI,"
                + " got http://pbx.example",
            "conf/test.yaml:10: trunks[4].registrar: must not have a user part (RFC 3261 §10.2:"
                + " a REGISTER is sent to the domain), got sip:trunk@pbx.example");
  }

  @Test
  void rejectsBadPeers() {
    assertThat(
            problems(
                """
                trunks:
                  - name: c1
                    mode: ip
                    peers:
                      - 198.51.100.0/33
                      - 198.51.100.1/28
                      - pbx.example.com
                      - [2001:db8::1]
                      - 203.0.113.10
                      - 203.0.113.10
                  - {name: c2, mode: ip, peers: []}
                  - {name: c3, mode: ip, peers: 203.0.113.10}
                """))
        .containsExactly(
            "conf/test.yaml:8: trunks[0].peers[0]: not an address or CIDR: 198.51.100.0/33",
            "conf/test.yaml:9: trunks[0].peers[1]: 198.51.100.1/28 has host bits set;"
                + " did you mean 198.51.100.0/28?",
            "conf/test.yaml:10: trunks[0].peers[2]: not an address or CIDR: pbx.example.com"
                + " (host names are not allowed here)",
            "conf/test.yaml:11: trunks[0].peers[3]: must be an address or CIDR, got a list"
                + " (quote an IPv6 address with a port: \"[2001:db8::1]:5060\")",
            "conf/test.yaml:13: trunks[0].peers[5]: 203.0.113.10 is listed twice"
                + " (also trunks[0].peers[4])",
            "conf/test.yaml:14: trunks[1].peers: must have at least one address or CIDR",
            "conf/test.yaml:15: trunks[2].peers: must be a list of addresses or CIDRs,"
                + " got 203.0.113.10");
  }

  @Test
  void rejectsAPeerOnTwoIpTrunks() {
    assertThat(
            problems(
                """
                trunks:
                  - {name: c1, mode: ip, peers: ["203.0.113.10:5060", 198.51.100.0/28]}
                  - {name: c2, mode: ip, peers: ["203.0.113.10:5060", 198.51.100.0/24]}
                  - {name: c3, mode: ip, peers: [198.51.100.0/28]}
                """))
        .containsExactly(
            "conf/test.yaml:6: trunks[1].peers[0]: 203.0.113.10:5060 is already a peer of ip"
                + " trunk c1 (trunks[0])",
            "conf/test.yaml:7: trunks[2].peers[0]: 198.51.100.0/28 is already a peer of ip"
                + " trunk c1 (trunks[0])");
  }

  @Test
  void rejectsACrossConnectListenThatNamesNoListenEntry() {
    assertThat(trunk("{name: g, mode: cross-connect, listen: xc-gama}"))
        .containsExactly(
            "conf/test.yaml:5: trunks[0].listen: no listen entry is named xc-gama"
                + " (did you mean 'xc-gamma'?)");
    assertThat(trunk("{name: g, mode: cross-connect, listen: other}"))
        .containsExactly(
            "conf/test.yaml:5: trunks[0].listen: no listen entry is named other"
                + " (listen names: public, xc-gamma)");
  }

  @Test
  void rejectsAListenPointUsedByTwoCrossConnects() {
    assertThat(
            problems(
                """
                trunks:
                  - {name: gamma, mode: cross-connect, listen: xc-gamma}
                  - {name: delta, mode: cross-connect, listen: xc-gamma}
                """))
        .containsExactly(
            "conf/test.yaml:6: trunks[1].listen: xc-gamma is already the listen point of"
                + " cross-connect trunk gamma (trunks[0])");
  }

  @Test
  void crossConnectsReferToListenEntriesByTheirDefaultName() throws ConfigException {
    TrunksConfig config =
        ConfigLoader.parse(
                FILE,
                """
                listen: [{transport: udp, address: 127.0.0.2, port: 5070}]
                trunks: [{name: g, mode: cross-connect, listen: "udp:127.0.0.2:5070"}]
                """)
            .trunks();

    assertThat(config.trunks().get(0).access())
        .isEqualTo(new TrunkAccess.CrossConnect("udp:127.0.0.2:5070", List.of()));
  }

  @Test
  void rejectsTheSameRegisterInUsernameTwiceInOneRealm() throws ConfigException {
    assertThat(
            problems(
                """
                trunks:
                  - {name: a, mode: register-in, username: pbx, password: p1}
                  - {name: b, mode: register-in, username: pbx, password: p2}
                """))
        .containsExactly(
            "conf/test.yaml:6: trunks[1].username: pbx is already the username of register-in"
                + " trunk a (trunks[0]) in realm trunkline");
    assertThat(
            parse(
                    """
                    trunks:
                      - {name: a, mode: register-in, username: pbx, password: p1}
                      - {name: b, mode: register-in, username: pbx, password: p2, realm: other}
                    """)
                .trunks())
        .hasSize(2);
  }

  @Test
  void rejectsBadNumbersAndNumbersOnTwoTrunks() {
    assertThat(
            problems(
                """
                trunks:
                  - {name: a, mode: ip, peers: [203.0.113.10],
                     numbers: [4930123, "+49 30 123", "+", "+4930*1", +1234567890123456, +4930123]}
                  - {name: b, mode: ip, peers: [203.0.113.11], numbers: [+4930123, "+49*", "+49*"]}
                """))
        .containsExactly(
            "conf/test.yaml:6: trunks[0].numbers[0]: must be + and 1..15 digits (E.164),"
                + " optionally ending in *, got 4930123",
            "conf/test.yaml:6: trunks[0].numbers[1]: must be + and 1..15 digits (E.164),"
                + " optionally ending in *, got \"+49 30 123\"",
            "conf/test.yaml:6: trunks[0].numbers[2]: must be + and 1..15 digits (E.164),"
                + " optionally ending in *, got \"+\"",
            "conf/test.yaml:6: trunks[0].numbers[3]: must be + and 1..15 digits (E.164),"
                + " optionally ending in *, got \"+4930*1\"",
            "conf/test.yaml:6: trunks[0].numbers[4]: must be + and 1..15 digits (E.164),"
                + " optionally ending in *, got +1234567890123456",
            "conf/test.yaml:7: trunks[1].numbers[0]: +4930123 is already a number of trunk a"
                + " (trunks[0])",
            "conf/test.yaml:7: trunks[1].numbers[2]: +49* is listed twice"
                + " (also trunks[1].numbers[1])");
  }

  @Test
  void rejectsLimitsOutOfRange() {
    assertThat(trunk("{name: a, mode: ip, peers: [203.0.113.10], max-channels: -1, max-cps: x}"))
        .containsExactly(
            "conf/test.yaml:5: trunks[0].max-channels: must be 0 (unlimited) or more, got -1",
            "conf/test.yaml:5: trunks[0].max-cps: must be an integer, got x");
  }

  @Test
  void rejectsBadRegistrationTimes() {
    assertThat(
            problems(
                """
                trunks:
                  - {name: a, mode: register-in, username: u, password: p, min-expires: 600,
                     max-expires: 300, max-contacts: 0}
                  - {name: b, mode: register-out, registrar: "sip:pbx.example", username: u,
                     password: p, expires: 0, retry-min: 1m, retry-max: 30s}
                  - {name: c, mode: register-out, registrar: "sip:pbx.example", username: u,
                     password: p, retry-min: 10ms, retry-max: soon}
                """))
        .containsExactly(
            "conf/test.yaml:6: trunks[0].max-contacts: must be 1..1000, got 0",
            "conf/test.yaml:6: trunks[0].max-expires: must not be less than min-expires (600),"
                + " got 300",
            "conf/test.yaml:8: trunks[1].expires: must be 1..86400 (seconds), got 0",
            "conf/test.yaml:8: trunks[1].retry-max: must not be less than retry-min (1m), got 30s",
            "conf/test.yaml:10: trunks[2].retry-min: must be at least 100ms, got 10ms",
            "conf/test.yaml:10: trunks[2].retry-max: must be a duration like 500ms, 30s, 10m or 1h"
                + " (or whole seconds), got soon");
  }

  @Test
  void rejectsBadHealthChecks() {
    assertThat(
            problems(
                """
                trunks:
                  - name: a
                    mode: ip
                    peers: [203.0.113.10]
                    target: "sip:203.0.113.10"
                    health: {interval: 500ms, up-after: 0, dead-codes: [503, 99, "408", 503]}
                  - {name: b, mode: ip, peers: [203.0.113.11], health: {interval: 5s}}
                  - {name: c, mode: ip, peers: [203.0.113.12], target: "sip:c.example",
                     health: sometimes}
                """))
        .containsExactly(
            "conf/test.yaml:9: trunks[0].health.interval: must be at least 1s, got 500ms",
            "conf/test.yaml:9: trunks[0].health.up-after: must be 1..100, got 0",
            "conf/test.yaml:9: trunks[0].health.dead-codes[1]: must be a SIP status code"
                + " 100..699, got 99",
            "conf/test.yaml:9: trunks[0].health.dead-codes[2]: must be a SIP status code"
                + " 100..699, got \"408\"",
            "conf/test.yaml:9: trunks[0].health.dead-codes[3]: 503 is listed twice",
            "conf/test.yaml:10: trunks[1].health: needs a target to probe",
            "conf/test.yaml:12: trunks[2].health: must be a mapping like"
                + " {interval: 30s, up-after: 2, down-after: 2} or off, got sometimes");
  }

  @Test
  void aTrunkWithoutATargetIsNotProbed() throws ConfigException {
    assertThat(parse("trunks: [{name: a, mode: ip, peers: [203.0.113.10]}]\n").trunks())
        .singleElement()
        .extracting(Trunk::health)
        .isEqualTo(Optional.empty());
  }

  @Test
  void rejectsBadIngressValues() {
    assertThat(
            problems(
                """
                ingress:
                  unknown-source: ignore
                  ban: {failures: -1, window: 0s, duration: forever, after: 3}
                """))
        .containsExactly(
            "conf/test.yaml:5: ingress.unknown-source: must be reject or drop, got ignore",
            "conf/test.yaml:6: ingress.ban: unknown key 'after' (known keys: failures, window,"
                + " duration)",
            "conf/test.yaml:6: ingress.ban.failures: must be 0 (never ban) or more, got -1",
            "conf/test.yaml:6: ingress.ban.window: must be at least 1s, got 0s",
            "conf/test.yaml:6: ingress.ban.duration: must be a duration like 500ms, 30s, 10m or 1h"
                + " (or whole seconds), got forever");
    assertThat(problems("ingress: {max-tracked-nonces: 0}\n"))
        .containsExactly(
            "conf/test.yaml:4: ingress.max-tracked-nonces: must be 1 to 4194304, got 0");
    assertThat(problems("ingress:\n  max-tracked-nonces: 5000000\n"))
        .containsExactly(
            "conf/test.yaml:5: ingress.max-tracked-nonces: must be 1 to 4194304, got 5000000");
    assertThat(problems("ingress: [drop]\n"))
        .containsExactly("conf/test.yaml:4: ingress: must be a mapping, got a list");
  }

  @Test
  void reportsEveryMistakeOfSeveralTrunksInOnePass() {
    assertThat(
            problems(
                """
                trunks:
                  - {name: acme, mode: register-in, username: acme, password: ""}
                  - {name: acme, mode: ipp, peers: [203.0.113.10]}
                  - {name: c1, mode: ip, peers: [198.51.100.0/33], registrar: "sip:x.example"}
                  - {name: g, mode: cross-connect, listen: nowhere}
                trunks2: []
                """))
        .containsExactly(
            "conf/test.yaml:5: trunks[0].password: must not be empty",
            "conf/test.yaml:6: trunks[1].mode: must be register-in, register-out, ip or"
                + " cross-connect, got ipp (did you mean 'ip'?)",
            "conf/test.yaml:6: trunks[1].name: 'acme' is already the name of trunks[0]",
            "conf/test.yaml:7: trunks[2].peers[0]: not an address or CIDR: 198.51.100.0/33",
            "conf/test.yaml:7: trunks[2].registrar: not a key of ip trunks"
                + " (it belongs to register-out)",
            "conf/test.yaml:8: trunks[3].listen: no listen entry is named nowhere"
                + " (listen names: public, xc-gamma)",
            "conf/test.yaml:9: unknown key 'trunks2' (did you mean 'trunks'?)");
  }
}
