package org.trunkline.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.trunkline.core.trunk.Trunk;

/**
 * {@code max-channels-in} and {@code max-channels-out} of a trunk, and {@code calls.limit-status}
 * (issue 6).
 */
class TrunkDirectionLimitsConfigTest {
  private static final Path FILE = Path.of("conf/test.yaml");
  private static final String LISTEN =
      "listen:\n  - {name: public, transport: udp, address: 127.0.0.1, port: 5060}\ntrunks:\n";

  private static Trunk trunk(String entry) throws ConfigException {
    return ConfigLoader.parse(FILE, LISTEN + "  - " + entry + "\n").trunks().trunks().getFirst();
  }

  @Test
  void readsBothDirectionsBesidesTheTrunksOwnLimit() throws ConfigException {
    Trunk t =
        trunk(
            "{name: c1, mode: ip, peers: [203.0.113.10], max-channels: 30,"
                + " max-channels-in: 20, max-channels-out: 10}");

    assertThat(t.maxChannels()).isEqualTo(30);
    assertThat(t.maxChannelsIn()).isEqualTo(20);
    assertThat(t.maxChannelsOut()).isEqualTo(10);
  }

  @Test
  void unlimitedWhenAbsent() throws ConfigException {
    Trunk t = trunk("{name: acme, mode: register-in, username: acme, password: s3cret}");

    assertThat(t.maxChannelsIn()).isZero();
    assertThat(t.maxChannelsOut()).isZero();
  }

  @Test
  void rejectsNegativeAndNonIntegerValues() {
    assertThatThrownBy(() ->
            trunk(
                "{name: c1, mode: ip, peers: [203.0.113.10], max-channels-in: -1,"
                    + " max-channels-out: x}"))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e ->
                assertThat(e.problems().stream().map(ConfigProblem::toString))
                    .containsExactly(
                        "conf/test.yaml:4: trunks[0].max-channels-in: must be 0 (unlimited) or more,"
                            + " got -1",
                        "conf/test.yaml:4: trunks[0].max-channels-out: must be an integer, got x"));
  }

  @Test
  void theLimitStatusIs503UnlessConfiguredWithin400To699() throws ConfigException {
    String listen = "listen: [{transport: udp, address: 127.0.0.1}]\n";
    assertThat(ConfigLoader.parse(FILE, listen).trunks().calls().limitStatus()).isEqualTo(503);
    assertThat(
            ConfigLoader.parse(FILE, listen + "calls: {limit-status: 486}\n")
                .trunks()
                .calls()
                .limitStatus())
        .isEqualTo(486);
    assertThatThrownBy(() -> ConfigLoader.parse(FILE, listen + "calls: {limit-status: 200}\n"))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e ->
                assertThat(e.problems().stream().map(ConfigProblem::toString))
                    .containsExactly(
                        "conf/test.yaml:2: calls.limit-status: must be 400..699, got 200"));
  }
}
