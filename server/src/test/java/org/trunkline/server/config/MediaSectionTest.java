package org.trunkline.server.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.trunkline.media.MediaConfig;

class MediaSectionTest {
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
  void withoutTheSectionThereIsNoRelay() throws Exception {
    assertThat(ConfigLoader.parse(FILE, LISTEN).media()).isEmpty();
  }

  @Test
  void anEmptySectionTakesTheDefaults() throws Exception {
    assertThat(ConfigLoader.parse(FILE, LISTEN + "media: {}\n").media())
        .contains(MediaConfig.defaults(InetAddress.getByName("127.0.0.1")));
  }

  @Test
  void readsEveryKey() throws Exception {
    MediaConfig m =
        ConfigLoader.parse(
                FILE,
                LISTEN
                    + """
                    media:
                      address: 0.0.0.0
                      advertised-address: 192.0.2.10
                      ports: 20000-20999
                      latch-window: 2s
                      silence-timeout: 0
                      hold-timeout: 2h
                      one-way-after: 5s
                      check-interval: 500ms
                      recording-dir: /var/lib/trunkline/rec
                      threads: 2
                    """)
            .media()
            .orElseThrow();
    assertThat(m)
        .isEqualTo(
            new MediaConfig(
                InetAddress.getByName("0.0.0.0"),
                "192.0.2.10",
                20000,
                20999,
                Duration.ofSeconds(2),
                Duration.ZERO,
                Duration.ofHours(2),
                Duration.ofSeconds(5),
                Duration.ofMillis(500),
                Path.of("/var/lib/trunkline/rec"),
                2));
  }

  @Test
  void reportsEveryMistakeWithFileLineAndField() {
    assertThat(
            problems(
                LISTEN
                    + """
                    media:
                      address: media.example.com
                      ports: 30001-30000
                      one-way-after: soon
                      threads: -1
                      record: yes
                    """))
        .containsExactly(
            "conf/test.yaml:3: media.address: must be an IP address, got media.example.com",
            "conf/test.yaml:4: media.ports: must start on an even port from 1024 (RTP even, RTCP odd), got 30001",
            "conf/test.yaml:5: media.one-way-after: must be " + Durations.EXPECTED + ", got soon",
            "conf/test.yaml:6: media.threads: must be 0 (one per core) to 256, got -1",
            "conf/test.yaml:7: media: unknown key 'record' (known keys: address, advertised-address,"
                + " ports, latch-window, silence-timeout, hold-timeout, one-way-after,"
                + " check-interval, recording-dir, threads, default, end-silent-calls)");
    assertThat(problems(LISTEN + "media: {address: 0.0.0.0}\n"))
        .containsExactly(
            "conf/test.yaml:2: media.advertised-address: is required when address is the wildcard"
                + " 0.0.0.0 (the address the far sides send media to)");
  }
}
