package org.trunkline.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.trunkline.core.trunk.CallPolicy;
import org.trunkline.core.trunk.ReferPolicy;

/** {@code calls.session-expires}, {@code calls.min-se} and trunks' {@code refer}. */
class DialogConfigTest {
  private static final Path FILE = Path.of("conf/test.yaml");
  private static final String HEAD =
      """
      listen: [{transport: udp, address: 127.0.0.1}]
      trunks:
        - {name: carrier1, mode: ip, peers: ["192.0.2.1"], refer: pass}
        - {name: carrier2, mode: ip, peers: ["192.0.2.2"]}
      """;

  private static List<String> problems(String yaml) {
    ConfigException e =
        catchThrowableOfType(ConfigException.class, () -> ConfigLoader.parse(FILE, yaml));
    assertThat(e).as("expected problems in:%n%s", yaml).isNotNull();
    return e.problems().stream().map(ConfigProblem::toString).toList();
  }

  @Test
  void sessionTimersDefaultTo1800SecondsWithMinSe90() throws ConfigException {
    CallPolicy calls = ConfigLoader.parse(FILE, HEAD).trunks().calls();
    assertThat(calls.sessionExpires()).isEqualTo(1800);
    assertThat(calls.minSe()).isEqualTo(90);
  }

  @Test
  void readsSessionTimersAndTurnsThemOffWithZero() throws ConfigException {
    CallPolicy calls =
        ConfigLoader.parse(FILE, HEAD + "calls: {session-expires: 600, min-se: 120}\n")
            .trunks()
            .calls();
    assertThat(calls.sessionExpires()).isEqualTo(600);
    assertThat(calls.minSe()).isEqualTo(120);
    assertThat(
            ConfigLoader.parse(FILE, HEAD + "calls: {session-expires: 0}\n")
                .trunks()
                .calls()
                .sessionExpires())
        .isZero();
  }

  @Test
  void reportsSessionTimerMistakes() {
    assertThat(problems(HEAD + "calls: {session-expires: -1, min-se: 0}\n"))
        .containsExactly(
            "conf/test.yaml:5: calls.min-se: must be 1..86400, got 0",
            "conf/test.yaml:5: calls.session-expires: must be 0 (no session timers) or 1..86400,"
                + " got -1");
    assertThat(problems(HEAD + "calls: {session-expires: 60, min-se: 90}\n"))
        .containsExactly(
            "conf/test.yaml:5: calls.session-expires: session-expires (60) must be at least min-se"
                + " (90)");
  }

  @Test
  void referIsRejectedUnlessATrunkSaysPass() throws ConfigException {
    var trunks = ConfigLoader.parse(FILE, HEAD).trunks();
    assertThat(trunks.byName("carrier1").orElseThrow().refer()).isEqualTo(ReferPolicy.PASS);
    assertThat(trunks.byName("carrier2").orElseThrow().refer()).isEqualTo(ReferPolicy.REJECT);
    assertThat(problems(HEAD.replace("refer: pass", "refer: transfer")))
        .containsExactly("conf/test.yaml:3: trunks[0].refer: must be reject or pass, got transfer");
  }
}
