package org.trunkline.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trunkline.stack.ListenPoint;
import org.trunkline.stack.Transport;

class ConfigLoaderTest {
  private static final Path FILE = Path.of("conf/test.yaml");

  private static TrunklineConfig parse(String yaml) throws ConfigException {
    return ConfigLoader.parse(FILE, yaml);
  }

  /** The problem lines for {@code yaml}, which must be rejected. */
  private static List<String> problems(String yaml) {
    try {
      TrunklineConfig config = parse(yaml);
      throw new AssertionError("accepted: " + config);
    } catch (ConfigException e) {
      return e.problems().stream().map(ConfigProblem::toString).toList();
    }
  }

  @Test
  void readsAFullConfig() throws ConfigException {
    TrunklineConfig config =
        parse(
            """
            listen:
              - {transport: udp, address: 127.0.0.1, port: 5060}
              - transport: tcp
                address: "::1"
                port: 5070
              - {transport: TCP, address: sip.example.com}
            database:
              url: jdbc:postgresql://db.example.com:5432/trunkline
              user: trunkline
              password: 1234
              pool-size: 8
              registration-write-interval: 50ms
            """);

    assertThat(config.listen())
        .containsExactly(
            new ListenConfig(Transport.UDP, "127.0.0.1", 5060),
            new ListenConfig(Transport.TCP, "::1", 5070),
            new ListenConfig(Transport.TCP, "sip.example.com", 5060));
    assertThat(config.database())
        .isEqualTo(
            new DatabaseConfig(
                "jdbc:postgresql://db.example.com:5432/trunkline",
                "trunkline",
                "1234",
                8,
                Duration.ofMillis(50)));
    assertThat(config.source()).isEqualTo(FILE);
    assertThat(config.listenPoints())
        .containsExactly(
            new ListenPoint(Transport.UDP, "127.0.0.1", 5060),
            new ListenPoint(Transport.TCP, "::1", 5070),
            new ListenPoint(Transport.TCP, "sip.example.com", 5060));
  }

  @Test
  void readsAConfigLargerThanSnakeYamlsDefaultLimit() throws ConfigException {
    // 40,000 register-in trunks: about 3.6 million characters, above SnakeYAML's 3 Mi default
    StringBuilder yaml =
        new StringBuilder("listen: [{transport: udp, address: 0.0.0.0}]\ntrunks:\n");
    for (int i = 1; i <= 40_000; i++) {
      String u = String.format("u%06d", i);
      yaml.append("  - {name: ")
          .append(u)
          .append(", mode: register-in, username: ")
          .append(u)
          .append(", password: secret-password}\n");
    }
    assertThat(yaml.length()).isGreaterThan(3 * 1024 * 1024);

    TrunklineConfig config = parse(yaml.toString());

    assertThat(config.trunks().trunks()).hasSize(40_000);
    assertThat(config.trunks().byName("u040000")).isPresent();
  }

  @Test
  void defaultsPortAndDatabase() throws ConfigException {
    TrunklineConfig config = parse("listen: [{transport: udp, address: 0.0.0.0}]\n");

    assertThat(config.listen()).containsExactly(new ListenConfig(Transport.UDP, "0.0.0.0", 5060));
    assertThat(config.database())
        .isEqualTo(new DatabaseConfig("jdbc:h2:file:./data/trunkline", null, null, 4));
  }

  @Test
  void defaultsUrlAndPoolSizeInsideADatabaseSection() throws ConfigException {
    TrunklineConfig config =
        parse("listen: [{transport: udp, address: 0.0.0.0}]\ndatabase: {user: sa}\n");

    assertThat(config.database())
        .isEqualTo(new DatabaseConfig("jdbc:h2:file:./data/trunkline", "sa", null, 4));
  }

  @Test
  void acceptsPortZeroForAnyFreePortEvenTwice() throws ConfigException {
    TrunklineConfig config =
        parse(
            """
            listen:
              - {transport: udp, address: 127.0.0.1, port: 0}
              - {transport: udp, address: 127.0.0.1, port: 0}
            """);

    assertThat(config.listen()).extracting(ListenConfig::port).containsExactly(0, 0);
  }

  @Test
  void theDemoConfigIsValid() throws ConfigException {
    TrunklineConfig config = ConfigLoader.load(Path.of("../conf/trunkline.yaml"));

    assertThat(config.listenPoints())
        .extracting(ListenPoint::toString)
        .containsExactly("sip:127.0.0.1:5060;transport=udp", "sip:127.0.0.1:5060;transport=tcp");
    assertThat(config.database().url()).isEqualTo("jdbc:h2:file:./data/trunkline");
  }

  @Test
  void rejectsAPortOutOfRange() {
    assertThat(
            problems(
                """
                listen:
                  - {transport: udp, address: 127.0.0.1}
                  - {transport: udp, address: 127.0.0.1, port: 70000}
                  - {transport: udp, address: 127.0.0.1, port: -1}
                """))
        .containsExactly(
            "conf/test.yaml:3: listen[1].port: must be 1..65535 (or 0 for any free port), got 70000",
            "conf/test.yaml:4: listen[2].port: must be 1..65535 (or 0 for any free port), got -1");
  }

  @Test
  void rejectsAPortThatIsNotADecimalInteger() {
    assertThat(
            problems(
                """
                listen:
                  - {transport: udp, address: 127.0.0.1, port: abc}
                  - {transport: udp, address: 127.0.0.1, port: "5060"}
                  - {transport: udp, address: 127.0.0.1, port: 0x13c4}
                  - {transport: udp, address: 127.0.0.1, port: [5060]}
                  - {transport: udp, address: 127.0.0.1, port: 99999999999999999999999}
                """))
        .containsExactly(
            "conf/test.yaml:2: listen[0].port: must be an integer, got abc",
            "conf/test.yaml:3: listen[1].port: must be an integer, got \"5060\"",
            "conf/test.yaml:4: listen[2].port: must be an integer, got 0x13c4",
            "conf/test.yaml:5: listen[3].port: must be an integer, got a list",
            "conf/test.yaml:6: listen[4].port: must be 1..65535 (or 0 for any free port),"
                + " got 99999999999999999999999");
  }

  @Test
  void rejectsAnUnknownTransport() {
    assertThat(problems("listen:\n  - {transport: sctp, address: 127.0.0.1}\n"))
        .containsExactly(
            "conf/test.yaml:2: listen[0].transport: must be udp, tcp or tls, got sctp");
  }

  @Test
  void rejectsBadAddresses() {
    assertThat(
            problems(
                """
                listen:
                  - {transport: udp, address: foo bar}
                  - {transport: udp, address: 300.1.1.1}
                  - {transport: udp, address: "[::1]"}
                  - {transport: udp}
                  - {transport: udp, address: }
                """))
        .containsExactly(
            "conf/test.yaml:2: listen[0].address: must be an IP address or host name, got foo bar",
            "conf/test.yaml:3: listen[1].address: must be an IP address or host name,"
                + " got 300.1.1.1",
            "conf/test.yaml:4: listen[2].address: must be an IP address or host name, got [::1]"
                + " (write IPv6 addresses without brackets)",
            "conf/test.yaml:5: listen[3].address: missing (required)",
            "conf/test.yaml:6: listen[4].address: has no value");
  }

  @Test
  void rejectsUnknownKeysWithASuggestion() {
    assertThat(
            problems(
                """
                lisen: []
                listen:
                  - {transport: udp, address: 127.0.0.1, prot: 5060}
                database: {url: jdbc:h2:mem:x, colour: blue}
                medias: []
                """))
        .containsExactly(
            "conf/test.yaml:1: unknown key 'lisen' (did you mean 'listen'?)",
            "conf/test.yaml:3: listen[0]: unknown key 'prot' (did you mean 'port'?)",
            "conf/test.yaml:4: database: unknown key 'colour'"
                + " (known keys: url, user, password, pool-size, registration-write-interval)",
            "conf/test.yaml:5: unknown key 'medias' (did you mean 'media'?)");
  }

  @Test
  void rejectsARepeatedKey() {
    assertThat(
            problems(
                """
                listen:
                  - transport: udp
                    address: 127.0.0.1
                    transport: tcp
                """))
        .containsExactly("conf/test.yaml:4: listen[0].transport: duplicate key (first at line 2)");
  }

  @Test
  void rejectsMissingOrEmptyListen() {
    assertThat(problems("database: {url: jdbc:h2:mem:x}\n"))
        .containsExactly("conf/test.yaml:1: listen: missing (required)");
    assertThat(problems("listen: []\n"))
        .containsExactly("conf/test.yaml:1: listen: must have at least one listen point");
    assertThat(problems("listen:\n"))
        .containsExactly("conf/test.yaml:1: listen: must be a list of listen points, got nothing");
  }

  @Test
  void rejectsWrongTypes() {
    assertThat(
            problems(
                """
                listen:
                  transport: udp
                database: [jdbc:h2:mem:x]
                """))
        .containsExactly(
            "conf/test.yaml:2: listen: must be a list of listen points, got a mapping",
            "conf/test.yaml:3: database: must be a mapping, got a list");
    assertThat(problems("listen:\n  - udp\n  - {transport: udp, address: [a, b]}\n"))
        .containsExactly(
            "conf/test.yaml:2: listen[0]: must be a mapping like"
                + " {transport: udp, address: 127.0.0.1, port: 5060}, got udp",
            "conf/test.yaml:3: listen[1].address: must be a single value, got a list");
    assertThat(problems("- listen\n"))
        .containsExactly(
            "conf/test.yaml:1: must be a mapping with the sections listen, database, trunks,"
                + " routes, calls, ingress, api, media, traces, sip, warmup, got a list");
  }

  @Test
  void readsTheSipSectionAndRejectsBadValues() throws ConfigException {
    String listen = "listen:\n  - {transport: udp, address: 127.0.0.1}\n";
    assertThat(parse(listen).sip()).as("absent: the stack's defaults").isEqualTo(SipConfig.DEFAULT);
    assertThat(parse(listen + "sip: {threads: 1}\n").sip()).isEqualTo(new SipConfig(1, true));
    assertThat(parse(listen + "sip:\n  threads: 6\n  call-loop: hash\n").sip())
        .isEqualTo(new SipConfig(6, false));
    assertThat(parse(listen + "sip: {call-loop: READER}\n").sip())
        .isEqualTo(new SipConfig(0, true));
    assertThat(problems(listen + "sip: {threads: 0}\n"))
        .containsExactly("conf/test.yaml:3: sip.threads: must be 1..1024, got 0");
    assertThat(problems(listen + "sip:\n  threads: many\n  call-loop: random\n"))
        .containsExactly(
            "conf/test.yaml:4: sip.threads: must be an integer, got many",
            "conf/test.yaml:5: sip.call-loop: must be reader or hash, got random");
    assertThat(problems(listen + "sip: {loops: 2}\n")).hasSize(1);
    assertThat(problems(listen + "sip: 2\n"))
        .containsExactly(
            "conf/test.yaml:3: sip: must be a mapping like {threads: 2, call-loop: reader}, got 2");
  }

  @Test
  void rejectsDuplicateListenPoints() {
    assertThat(
            problems(
                """
                listen:
                  - {transport: udp, address: 127.0.0.1, port: 5060}
                  - {transport: tcp, address: 127.0.0.1, port: 5060}
                  - {transport: UDP, address: 127.0.0.1}
                """))
        .containsExactly(
            "conf/test.yaml:4: listen[2]: duplicate of listen[0]"
                + " (sip:127.0.0.1:5060;transport=udp)");
  }

  @Test
  void namesListenPoints() throws ConfigException {
    TrunklineConfig config =
        parse(
            """
            listen:
              - {name: public, transport: udp, address: 127.0.0.1, port: 5060}
              - {transport: tcp, address: 127.0.0.1}
            """);

    assertThat(config.listen())
        .containsExactly(
            new ListenConfig("public", Transport.UDP, "127.0.0.1", 5060),
            new ListenConfig("tcp:127.0.0.1:5060", Transport.TCP, "127.0.0.1", 5060));
    assertThat(config.listenPoints().get(0).name()).isEqualTo("public");
  }

  @Test
  void rejectsBadAndDuplicateListenNames() {
    assertThat(
            problems(
                """
                listen:
                  - {name: xc, transport: udp, address: 127.0.0.2}
                  - {name: xc, transport: udp, address: 127.0.0.3}
                  - {name: "has space", transport: udp, address: 127.0.0.4}
                """))
        .containsExactly(
            "conf/test.yaml:3: listen[1].name: 'xc' is already the name of listen[0]",
            "conf/test.yaml:4: listen[2].name: must be 1..64 letters, digits or . _ - :, got"
                + " has space");
  }

  @Test
  void rejectsBadDatabaseValues() {
    assertThat(
            problems(
                """
                listen: [{transport: udp, address: 127.0.0.1}]
                database:
                  url: jdbc:mysql://db/trunkline
                  user: {name: x}
                  password:
                  pool-size: 0
                  registration-write-interval: 0ms
                """))
        .containsExactly(
            "conf/test.yaml:3: database.url: must start with jdbc:h2: or jdbc:postgresql:,"
                + " got jdbc:mysql://db/trunkline",
            "conf/test.yaml:4: database.user: must be a single value, got a mapping",
            "conf/test.yaml:5: database.password: has no value",
            "conf/test.yaml:6: database.pool-size: must be at least 1, got 0",
            "conf/test.yaml:7: database.registration-write-interval: must be at least 1ms, got 0ms");
    assertThat(
            problems(
                "listen: [{transport: udp, address: 127.0.0.1}]\n"
                    + "database: {registration-write-interval: 1m}\n"))
        .containsExactly(
            "conf/test.yaml:2: database.registration-write-interval: must be at most 10s, got 1m");
    assertThat(new DatabaseConfig("jdbc:h2:mem:x", null, null, 1).registrationWriteInterval())
        .isEqualTo(Duration.ofMillis(200));
  }

  @Test
  void reportsEveryProblemOfTheFileInLineOrder() {
    assertThat(
            problems(
                """
                database: {pool-size: -3}
                listen:
                  - {transport: sctp, address: 127.0.0.1, port: 70000}
                extra: 1
                """))
        .containsExactly(
            "conf/test.yaml:1: database.pool-size: must be at least 1, got -3",
            "conf/test.yaml:3: listen[0].transport: must be udp, tcp or tls, got sctp",
            "conf/test.yaml:3: listen[0].port: must be 1..65535 (or 0 for any free port), got 70000",
            "conf/test.yaml:4: unknown key 'extra' (known keys: listen, database, trunks, routes,"
                + " calls, ingress, api, media, traces, sip, warmup)");
  }

  @Test
  void reportsYamlSyntaxErrorsWithTheirLine() {
    assertThat(problems("listen:\n  - {transport: udp,\n    address: 127.0.0.1: 5060}\n"))
        .containsExactly(
            "conf/test.yaml:3: YAML syntax error: expected ',' or '}', but got : (column 23)");
    assertThat(problems("listen:\n\t- x\n"))
        .singleElement()
        .asString()
        .startsWith("conf/test.yaml:2: YAML syntax error: found character '\\t(TAB)'");
    assertThat(problems("listen: []\n---\nlisten: []\n"))
        .containsExactly(
            "conf/test.yaml:2: YAML syntax error: expected a single document in the stream,"
                + " but found another document (column 1)");
  }

  @Test
  void rejectsAnEmptyFile() {
    assertThat(problems(""))
        .containsExactly("conf/test.yaml:1: empty file: expected at least a 'listen' section");
    assertThat(problems("# only a comment\n"))
        .containsExactly("conf/test.yaml:1: empty file: expected at least a 'listen' section");
  }

  @Test
  void reportsAFileThatCannotBeRead(@TempDir Path dir) throws Exception {
    Path missing = dir.resolve("missing.yaml");
    assertThatThrownBy(() -> ConfigLoader.load(missing))
        .isInstanceOf(ConfigException.class)
        .hasMessage(missing + ": cannot read: no such file");

    Path latin1 = Files.write(dir.resolve("latin1.yaml"), new byte[] {'a', ':', ' ', (byte) 0xe9});
    assertThatThrownBy(() -> ConfigLoader.load(latin1))
        .isInstanceOf(ConfigException.class)
        .hasMessage(latin1 + ": not UTF-8 text");
  }

  @Test
  void loadsAFile(@TempDir Path dir) throws Exception {
    Path file =
        Files.writeString(dir.resolve("t.yaml"), "listen:\n  - transport: tcp\n    address: ::1\n");

    assertThat(ConfigLoader.load(file).listen())
        .containsExactly(new ListenConfig(Transport.TCP, "::1", 5060));
  }

  @Test
  void masksThePasswordInTextForOperators() {
    DatabaseConfig db =
        new DatabaseConfig("jdbc:postgresql://db/t?user=u&password=s3cret&ssl=true", "u", "pw", 4);

    assertThat(db.redactedUrl()).isEqualTo("jdbc:postgresql://db/t?user=u&password=***&ssl=true");
    assertThat(db.toString()).doesNotContain("s3cret").doesNotContain("pw,");
  }
}
