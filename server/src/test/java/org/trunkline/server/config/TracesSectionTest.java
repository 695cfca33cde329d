package org.trunkline.server.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class TracesSectionTest {
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
  void withoutTheSectionEveryMessageIsKeptUpTo1GbFor7Days() throws ConfigException {
    assertThat(ConfigLoader.parse(FILE, LISTEN).traces())
        .isEqualTo(new TracesConfig(true, 1L << 30, Duration.ofDays(7), 65_536, null));
  }

  @Test
  void readsEveryKey() throws ConfigException {
    assertThat(
            ConfigLoader.parse(
                    FILE,
                    LISTEN
                        + "traces: {enabled: false, max-size: 512MB, max-age: 12h, queue: 4, path: /var/trunkline/traces}\n")
                .traces())
        .isEqualTo(
            new TracesConfig(
                false, 512L << 20, Duration.ofHours(12), 4, Path.of("/var/trunkline/traces")));
    assertThat(
            ConfigLoader.parse(FILE, LISTEN + "traces: {max-size: 2gb, max-age: 30d}\n").traces())
        .isEqualTo(new TracesConfig(true, 2L << 30, Duration.ofDays(30), 65_536, null));
    assertThat(
            ConfigLoader.parse(FILE, LISTEN + "traces: {max-size: 1048576}\n").traces().maxBytes())
        .isEqualTo(1L << 20);
  }

  @Test
  void reportsEveryMistakeWithFileLineAndField() {
    assertThat(
            problems(
                LISTEN
                    + """
                    traces:
                      enabled: sometimes
                      max-size: 1PB
                      max-age: 30s
                      queue: 0
                      max-sise: 1GB
                    """))
        .containsExactly(
            "conf/test.yaml:3: traces.enabled: must be true or false, got sometimes",
            "conf/test.yaml:4: traces.max-size: must be a size like 512MB or 1GB, got 1PB",
            "conf/test.yaml:5: traces.max-age: must be an age of at least 1m, like 30m, 12h or 7d,"
                + " got 30s",
            "conf/test.yaml:6: traces.queue: must be 1..16777216, got 0",
            "conf/test.yaml:7: traces: unknown key 'max-sise' (did you mean 'max-size'?)");
    assertThat(problems(LISTEN + "traces: {max-size: 100KB}\n"))
        .containsExactly(
            "conf/test.yaml:2: traces.max-size: must be at least 1MB (and at most 8EB), got 100KB");
    assertThat(problems(LISTEN + "traces: on\n"))
        .containsExactly(
            "conf/test.yaml:2: traces: must be a mapping like {enabled: true, max-size: 1GB,"
                + " max-age: 7d, queue: 65536, path: data/traces}, got on");
  }

  @Test
  void hepIsReadInsideTracesAndNeedsTracingOn() throws ConfigException {
    TracesConfig t =
        ConfigLoader.parse(
                FILE, LISTEN + "traces: {hep: {collector: \"tcp:127.0.0.1:9061\", node-id: 7}}\n")
            .traces();
    assertThat(t.hep().collector()).isEqualTo("tcp:127.0.0.1:9061");
    assertThat(t.hep().nodeId()).isEqualTo(7);
    assertThat(ConfigLoader.parse(FILE, LISTEN).traces().hep()).isNull();
    assertThat(
            problems(
                LISTEN + "traces: {enabled: false, hep: {collector: \"udp:127.0.0.1:9060\"}}\n"))
        .containsExactly(
            "conf/test.yaml:2: traces.hep: needs traces.enabled: true (HEP sends what is traced)");
  }
}
