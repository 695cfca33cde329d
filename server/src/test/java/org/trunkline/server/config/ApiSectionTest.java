package org.trunkline.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiSectionTest {
  private static final Path FILE = Path.of("conf/test.yaml");
  private static final String LISTEN = "listen: [{transport: udp, address: 127.0.0.1}]\n";

  @TempDir Path dir;

  private static List<String> problems(String yaml) {
    try {
      TrunklineConfig config = ConfigLoader.parse(FILE, yaml);
      throw new AssertionError("accepted: " + config);
    } catch (ConfigException e) {
      return e.problems().stream().map(ConfigProblem::toString).toList();
    }
  }

  @Test
  void withoutTheSectionTheApiListensOnLoopback8060() throws ConfigException {
    TrunklineConfig config = ConfigLoader.parse(FILE, LISTEN);

    assertThat(config.api()).isEqualTo(new ApiConfig(true, "127.0.0.1", 8060));
    assertThat(config.api().url()).isEqualTo("http://127.0.0.1:8060");
  }

  @Test
  void readsEveryKey() throws ConfigException {
    assertThat(ConfigLoader.parse(FILE, LISTEN + "api: {address: \"::1\", port: 0}\n").api())
        .isEqualTo(new ApiConfig(true, "::1", 0));
    assertThat(ConfigLoader.parse(FILE, LISTEN + "api: {enabled: false}\n").api().enabled())
        .isFalse();
    assertThat(ConfigLoader.parse(FILE, LISTEN + "api: {enabled: TRUE, port: 9000}\n").api())
        .isEqualTo(new ApiConfig(true, "127.0.0.1", 9000));
    assertThat(new ApiConfig(true, "::1", 8060).url()).isEqualTo("http://[::1]:8060");
  }

  @Test
  void reportsEveryMistakeWithFileLineAndField() {
    assertThat(
            problems(
                LISTEN
                    + """
                    api:
                      enabled: maybe
                      address: "[::1]"
                      port: 70000
                      prot: 1
                    """))
        .containsExactly(
            "conf/test.yaml:3: api.enabled: must be true or false, got maybe",
            "conf/test.yaml:4: api.address: must be an IP address or host name, got [::1]"
                + " (write IPv6 addresses without brackets)",
            "conf/test.yaml:5: api.port: must be 1..65535 (or 0 for any free port), got 70000",
            "conf/test.yaml:6: api: unknown key 'prot' (did you mean 'port'?)");
    assertThat(problems(LISTEN + "api: 8060\n"))
        .containsExactly(
            "conf/test.yaml:2: api: must be a mapping like {address: 127.0.0.1, port: 8060},"
                + " got 8060");
  }

  @Test
  void loadApiReadsOnlyTheApiSectionOfAFileMidEdit() throws Exception {
    Path file =
        Files.writeString(
            dir.resolve("t.yaml"),
            "listen: [{transport: sctp, address: 127.0.0.1}]\napi: {port: 8061}\n");

    assertThat(ConfigLoader.loadApi(file)).isEqualTo(new ApiConfig(true, "127.0.0.1", 8061));
    Files.writeString(file, "listen: []\n");
    assertThat(ConfigLoader.loadApi(file)).isEqualTo(ApiConfig.defaults());
    Files.writeString(file, "api: {port: x}\n");
    assertThatThrownBy(() -> ConfigLoader.loadApi(file))
        .hasMessage(file + ":1: api.port: must be an integer, got x");
    Files.writeString(file, "api: {port: [\n");
    assertThatThrownBy(() -> ConfigLoader.loadApi(file))
        .hasMessageStartingWith(file + ":2: YAML syntax error: ");
  }

  @Test
  void theDemoConfigWritesTheDefaultOut() throws ConfigException {
    assertThat(ConfigLoader.load(Path.of("../conf/trunkline.yaml")).api())
        .isEqualTo(ApiConfig.defaults());
  }

  @Test
  void configsBuiltInCodeHaveNoApi() {
    TrunklineConfig config = new TrunklineConfig(List.of(), DatabaseConfig.defaults(), FILE);

    assertThat(config.api().enabled()).isFalse();
  }
}
