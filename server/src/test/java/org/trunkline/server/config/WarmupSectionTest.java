package org.trunkline.server.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class WarmupSectionTest {
  private static final Path FILE = Path.of("conf/test.yaml");
  private static final String LISTEN = "listen: [{transport: udp, address: 127.0.0.1}]\n";

  private static List<String> problems(String yaml) {
    try {
      TrunklineConfig config = ConfigLoader.parse(FILE, yaml);
      throw new AssertionError("accepted: " + config);
    } catch (ConfigException e) {
      return e.problems().stream().map(ConfigProblem::toString).toList();
    }
  }

  @Test
  void aFileWithoutTheSectionWarmsUpAndAConfigBuiltInCodeDoesNot() throws ConfigException {
    assertThat(ConfigLoader.parse(FILE, LISTEN).warmup())
        .isEqualTo(new WarmupConfig(true, 4_000, 1_000, Duration.ofSeconds(20)));
    assertThat(new TrunklineConfig(List.of(), DatabaseConfig.defaults(), FILE).warmup())
        .isEqualTo(WarmupConfig.OFF);
  }

  @Test
  void readsEveryKey() throws ConfigException {
    assertThat(ConfigLoader.parse(FILE, LISTEN + "warmup: {enabled: false}\n").warmup().enabled())
        .isFalse();
    assertThat(
            ConfigLoader.parse(
                    FILE, LISTEN + "warmup: {registrations: 0, calls: 100000, max-time: 1m}\n")
                .warmup())
        .isEqualTo(new WarmupConfig(true, 0, 100_000, Duration.ofMinutes(1)));
  }

  @Test
  void reportsEveryMistakeWithFileLineAndField() {
    assertThat(
            problems(
                LISTEN
                    + """
                    warmup:
                      enabled: yes-please
                      registrations: -1
                      calls: 2000000
                      max-time: 500ms
                      call: 5
                    """))
        .containsExactly(
            "conf/test.yaml:3: warmup.enabled: must be true or false, got yes-please",
            "conf/test.yaml:4: warmup.registrations: must be 0..1000000, got -1",
            "conf/test.yaml:5: warmup.calls: must be 0..1000000, got 2000000",
            "conf/test.yaml:6: warmup.max-time: must be at least 1s, got 500ms",
            "conf/test.yaml:7: warmup: unknown key 'call' (did you mean 'calls'?)");
    assertThat(problems(LISTEN + "warmup: on\n"))
        .containsExactly(
            "conf/test.yaml:2: warmup: must be a mapping like {enabled: true, registrations:"
                + " 4000, calls: 1000, max-time: 20s}, got on");
  }
}
