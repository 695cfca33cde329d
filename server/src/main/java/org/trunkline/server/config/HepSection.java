package org.trunkline.server.config;

import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.trunkline.stack.Transport;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * {@code hep: {collector, node-id, password, queue}} inside {@code traces:}: the Homer collector
 * every traced message is streamed to. Every mistake is reported with file, line and field; a
 * section with a problem gives no config (no HEP), never a guessed one.
 */
final class HepSection {
  static final String KEY = "hep";
  private static final Pattern COLLECTOR =
      Pattern.compile("(?i)(udp|tcp):(\\[[^\\]]*\\]|[^:\\[\\]]+):([0-9]{1,5})");

  private HepSection() {}

  /**
   * Reads the value of {@code hep:}.
   *
   * @param path the field path of the section, e.g. {@code traces.hep}
   * @return the config, or empty when a problem was reported
   */
  static Optional<HepConfig> read(Node node, String path, Problems problems) {
    int before = problems.count();
    Optional<YamlMap> map =
        YamlMap.open(
            node,
            path,
            "a mapping like {collector: \"udp:127.0.0.1:9060\", node-id: 2001}",
            problems,
            "collector",
            "node-id",
            "password",
            "queue");
    if (map.isEmpty()) {
      return Optional.empty();
    }
    YamlMap m = map.get();
    Optional<Collector> collector =
        m.requiredText("collector").flatMap(text -> collector(m, text, problems));
    long nodeId = nodeId(m, problems);
    String password = m.text("password").orElse("");
    OptionalInt queue = m.integer("queue", HepConfig.DEFAULT_QUEUE, 1, 1_000_000, "1..1000000");
    if (problems.count() > before || collector.isEmpty() || queue.isEmpty()) {
      return Optional.empty();
    }
    Collector c = collector.get();
    return Optional.of(
        new HepConfig(c.transport(), c.host(), c.port(), nodeId, password, queue.getAsInt()));
  }

  private record Collector(Transport transport, String host, int port) {}

  private static Optional<Collector> collector(YamlMap m, String text, Problems problems) {
    Matcher x = COLLECTOR.matcher(text);
    Node at = m.node("collector").orElseThrow();
    if (!x.matches()) {
      problems.add(
          at,
          m.field("collector"),
          "must be udp:HOST:PORT or tcp:HOST:PORT (IPv6 in brackets), got " + text);
      return Optional.empty();
    }
    String host =
        x.group(2).startsWith("[") ? x.group(2).substring(1, x.group(2).length() - 1) : x.group(2);
    if (!HostNames.isValid(host)) {
      problems.add(
          at, m.field("collector"), "must name an IP address or host name, got " + x.group(2));
      return Optional.empty();
    }
    int port = Integer.parseInt(x.group(3));
    if (port < 1 || port > 65535) {
      problems.add(at, m.field("collector"), "port must be 1..65535, got " + x.group(3));
      return Optional.empty();
    }
    Transport t = Transport.valueOf(x.group(1).toUpperCase(Locale.ROOT));
    return Optional.of(new Collector(t, host, port));
  }

  /** 0..4294967295 (a HEP capture id is 32 bits unsigned); YamlMap.integer stops at int. */
  private static long nodeId(YamlMap m, Problems problems) {
    Optional<Node> v = m.node("node-id");
    if (v.isEmpty()) {
      return HepConfig.DEFAULT_NODE_ID;
    }
    if (v.get() instanceof ScalarNode s && s.getValue().matches("[0-9]{1,10}")) {
      long id = Long.parseLong(s.getValue());
      if (id <= 0xffff_ffffL) {
        return id;
      }
    }
    problems.add(
        v.get(),
        m.field("node-id"),
        "must be an integer 0..4294967295, got " + YamlMap.describe(v.get()));
    return HepConfig.DEFAULT_NODE_ID;
  }
}
