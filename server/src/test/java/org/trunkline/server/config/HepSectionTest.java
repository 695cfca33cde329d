package org.trunkline.server.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.trunkline.stack.Transport;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;

/** {@code traces: {hep: ...}} as the traces section hands it over: values and mistakes. */
class HepSectionTest {
  private static final Path FILE = Path.of("conf/test.yaml");

  private final Problems problems = new Problems(FILE);

  /** Reads the {@code hep} value of a file whose first line is {@code traces:}. */
  private Optional<HepConfig> read(String yaml) {
    MappingNode root = (MappingNode) new Yaml().compose(new StringReader(yaml));
    MappingNode traces = (MappingNode) root.getValue().getFirst().getValueNode();
    Node hep = traces.getValue().getFirst().getValueNode();
    return HepSection.read(hep, "traces.hep", problems);
  }

  private List<String> problems() {
    return problems.sorted().stream().map(ConfigProblem::toString).toList();
  }

  @Test
  void readsEveryKey() {
    assertThat(
            read(
                "traces:\n"
                    + "  hep: {collector: \"udp:127.0.0.1:9060\", node-id: 2001, password: s3cret,"
                    + " queue: 500}\n"))
        .contains(new HepConfig(Transport.UDP, "127.0.0.1", 9060, 2001, "s3cret", 500));
    assertThat(read("traces:\n  hep: {collector: \"TCP:[::1]:9061\", node-id: 4294967295}\n"))
        .contains(
            new HepConfig(Transport.TCP, "::1", 9061, 4294967295L, "", HepConfig.DEFAULT_QUEUE));
    assertThat(read("traces:\n  hep: {collector: \"tcp:homer.example.net:9060\"}\n").orElseThrow())
        .satisfies(c -> {
          assertThat(c.nodeId()).isEqualTo(HepConfig.DEFAULT_NODE_ID);
          assertThat(c.collector()).isEqualTo("tcp:homer.example.net:9060");
        });
    assertThat(new HepConfig(Transport.TCP, "::1", 9061, 1, "", 1).collector())
        .isEqualTo("tcp:[::1]:9061");
    assertThat(problems()).isEmpty();
  }

  @Test
  void reportsEveryMistakeWithFileLineAndField() {
    assertThat(
            read(
                """
                traces:
                  hep:
                    collector: "sctp:127.0.0.1:9060"
                    node-id: -1
                    queue: 0
                    pasword: x
                """))
        .isEmpty();
    assertThat(problems())
        .containsExactly(
            "conf/test.yaml:3: traces.hep.collector: must be udp:HOST:PORT or tcp:HOST:PORT (IPv6"
                + " in brackets), got sctp:127.0.0.1:9060",
            "conf/test.yaml:4: traces.hep.node-id: must be an integer 0..4294967295, got -1",
            "conf/test.yaml:5: traces.hep.queue: must be 1..1000000, got 0",
            "conf/test.yaml:6: traces.hep: unknown key 'pasword' (did you mean 'password'?)");
  }

  @Test
  void aCollectorMustNameAHostAndAPort() {
    assertThat(read("traces:\n  hep: {collector: \"udp:127.0.0.1:70000\"}\n")).isEmpty();
    assertThat(read("traces:\n  hep: {collector: \"udp:999.1.1.1:9060\"}\n")).isEmpty();
    assertThat(read("traces:\n  hep: {node-id: 7}\n")).isEmpty();
    assertThat(read("traces:\n  hep: udp:127.0.0.1:9060\n")).isEmpty();
    assertThat(problems())
        .containsExactly(
            "conf/test.yaml:2: traces.hep.collector: port must be 1..65535, got 70000",
            "conf/test.yaml:2: traces.hep.collector: must name an IP address or host name, got"
                + " 999.1.1.1",
            "conf/test.yaml:2: traces.hep.collector: missing (required)",
            "conf/test.yaml:2: traces.hep: must be a mapping like {collector:"
                + " \"udp:127.0.0.1:9060\", node-id: 2001}, got udp:127.0.0.1:9060");
  }
}
