package org.trunkline.server.config;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.trunkline.core.trunk.HealthCheck;
import org.yaml.snakeyaml.DumperOptions.ScalarStyle;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * A trunk's {@code health: {interval, up-after, down-after, dead-codes}}, or {@code health: off}.
 * Absent keys take the {@link HealthCheck#DEFAULT} values.
 */
final class HealthSection {
  private HealthSection() {}

  /** Whether {@code node} turns probing off ({@code off} or {@code false}). */
  static boolean isOff(Node node) {
    return node instanceof ScalarNode s
        && s.getScalarStyle() == ScalarStyle.PLAIN
        && Set.of("off", "false").contains(s.getValue().toLowerCase(Locale.ROOT));
  }

  /** The health check at {@code field}; empty when it is off or wrong (then reported). */
  static Optional<HealthCheck> read(Node node, String field, Problems problems) {
    if (isOff(node)) {
      return Optional.empty();
    }
    Optional<YamlMap> map =
        YamlMap.open(
            node,
            field,
            "a mapping like {interval: 30s, up-after: 2, down-after: 2} or off",
            problems,
            "interval",
            "up-after",
            "down-after",
            "dead-codes");
    if (map.isEmpty()) {
      return Optional.empty();
    }
    YamlMap m = map.get();
    Optional<Duration> interval =
        m.duration("interval", HealthCheck.DEFAULT_INTERVAL, Duration.ofSeconds(1));
    OptionalInt upAfter = m.integer("up-after", HealthCheck.DEFAULT_UP_AFTER, 1, 100, "1..100");
    OptionalInt downAfter =
        m.integer("down-after", HealthCheck.DEFAULT_DOWN_AFTER, 1, 100, "1..100");
    Optional<Set<Integer>> deadCodes =
        m.node("dead-codes")
            .map(n -> codes(n, m.field("dead-codes"), problems))
            .orElse(Optional.of(HealthCheck.DEFAULT_DEAD_CODES));
    if (interval.isEmpty() || upAfter.isEmpty() || downAfter.isEmpty() || deadCodes.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new HealthCheck(interval.get(), upAfter.getAsInt(), downAfter.getAsInt(), deadCodes.get()));
  }

  private static Optional<Set<Integer>> codes(Node node, String field, Problems problems) {
    Optional<List<Node>> items =
        YamlMap.sequence(node, field, "a list of status codes like [408, 503]", problems);
    if (items.isEmpty()) {
      return Optional.empty();
    }
    Set<Integer> codes = new LinkedHashSet<>();
    boolean ok = true;
    for (int i = 0; i < items.get().size(); i++) {
      Node item = items.get().get(i);
      String value = item instanceof ScalarNode s ? s.getValue() : "";
      if (!value.matches("[1-6][0-9][0-9]")
          || ((ScalarNode) item).getScalarStyle() != ScalarStyle.PLAIN) {
        problems.add(
            item,
            field + "[" + i + "]",
            "must be a SIP status code 100..699, got " + YamlMap.describe(item));
        ok = false;
      } else if (!codes.add(Integer.parseInt(value))) {
        problems.add(item, field + "[" + i + "]", value + " is listed twice");
        ok = false;
      }
    }
    return ok ? Optional.of(codes) : Optional.empty();
  }
}
