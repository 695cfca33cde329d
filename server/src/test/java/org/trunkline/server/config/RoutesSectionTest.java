package org.trunkline.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.trunkline.core.trunk.Route;

/**
 * {@code routes:} and trunks' {@code numbering:}: what is accepted, every mistake with its line.
 */
class RoutesSectionTest {
  private static final Path FILE = Path.of("conf/test.yaml");
  private static final String HEAD =
      """
      listen: [{transport: udp, address: 127.0.0.1}]
      trunks:
        - {name: carrier1, mode: ip, peers: ["192.0.2.1"]}
        - {name: carrier2, mode: ip, peers: ["192.0.2.2"]}
      """;

  private static List<String> problems(String yaml) {
    ConfigException e =
        catchThrowableOfType(ConfigException.class, () -> ConfigLoader.parse(FILE, yaml));
    assertThat(e).as("expected problems in:%n%s", yaml).isNotNull();
    return e.problems().stream().map(ConfigProblem::toString).toList();
  }

  @Test
  void readsRoutesWithTheirDefaults() throws ConfigException {
    TrunklineConfig c =
        ConfigLoader.parse(
            FILE,
            HEAD
                + """
                routes:
                  - {prefix: "+7495", trunks: [carrier1, carrier2], failover-on: [503, 486]}
                  - {prefix: "", trunks: [carrier2]}
                """);
    assertThat(c.trunks().routes())
        .containsExactly(
            new Route("+7495", List.of("carrier1", "carrier2"), Set.of(503, 486)),
            new Route("", List.of("carrier2"), Route.DEFAULT_FAILOVER_ON));
  }

  @Test
  void reportsEveryRouteMistake() {
    assertThat(
            problems(
                HEAD
                    + """
                    routes:
                      - {prefix: "+7 495", trunks: [carrier1]}
                      - {prefix: "+49", trunks: [carier1, carrier2, carrier2]}
                      - {prefix: "+49", trunks: []}
                      - {prefix: "1", trunks: [carrier1], failover-on: [200, x]}
                      - {trunks: [carrier1], prefx: "2"}
                    """))
        .containsExactly(
            "conf/test.yaml:6: routes[0].prefix: must be digits with an optional leading +, or \"\""
                + " for every number, got +7 495",
            "conf/test.yaml:7: routes[1].trunks[0]: no trunk is named carier1 (did you mean"
                + " 'carrier1'?)",
            "conf/test.yaml:7: routes[1].trunks[2]: trunk carrier2 is already in this route",
            "conf/test.yaml:8: routes[2].prefix: \"+49\" is already the prefix of routes[1]",
            "conf/test.yaml:8: routes[2].trunks: must name at least one trunk",
            "conf/test.yaml:9: routes[3].failover-on[0]: must be a final failure code 300..699, got"
                + " 200",
            "conf/test.yaml:9: routes[3].failover-on[1]: must be a final failure code 300..699, got x",
            "conf/test.yaml:10: routes[4]: unknown key 'prefx' (did you mean 'prefix'?)",
            "conf/test.yaml:10: routes[4].prefix: missing (required)");
  }

  @Test
  void reportsNumberingMistakes() {
    assertThat(
            problems(
                """
                listen: [{transport: udp, address: 127.0.0.1}]
                trunks:
                  - name: carrier1
                    mode: ip
                    peers: ["192.0.2.1"]
                    numbering:
                      in:
                        - {match: '^8(\\d{10}$', replace: '+7$1'}
                        - {match: '^8\\d{10}$', replace: '+7$1'}
                      out: [{match: '^x$'}]
                """))
        .containsExactly(
            "conf/test.yaml:8: trunks[0].numbering.in[0].match: not a regular expression:"
                + " Unclosed group at index 10",
            "conf/test.yaml:9: trunks[0].numbering.in[1].replace: refers to $1 but match has 0"
                + " groups",
            "conf/test.yaml:10: trunks[0].numbering.out[0].replace: missing (required)");
  }

  @Test
  void readsTheCallPolicy() throws ConfigException {
    TrunklineConfig c =
        ConfigLoader.parse(
            FILE,
            HEAD
                + """
                calls: {pass-headers: [P-Asserted-Identity, X-Billing], max-channels: 500, max-cps: 20}
                """);
    assertThat(c.trunks().calls())
        .isEqualTo(
            new org.trunkline.core.trunk.CallPolicy(
                List.of("P-Asserted-Identity", "X-Billing"), 500, 20));
    assertThat(
            problems(
                HEAD
                    + """
                    calls: {pass-headers: [Via, "bad name"], max-cps: -1}
                    """))
        .containsExactly(
            "conf/test.yaml:5: calls.max-cps: must be 0 (unlimited) or more, got -1",
            "conf/test.yaml:5: calls.pass-headers[0]: Via is written by the B2BUA for each leg and"
                + " cannot be passed through",
            "conf/test.yaml:5: calls.pass-headers[1]: not a header name: bad name");
  }
}
