package org.trunkline.server.config;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import org.trunkline.core.trunk.BanPolicy;
import org.trunkline.core.trunk.IngressPolicy;
import org.yaml.snakeyaml.nodes.Node;

/**
 * {@code ingress: {unknown-source: reject|drop, ban: {failures, window, duration}}}: what happens
 * to requests that match no trunk and to sources that keep failing authentication.
 */
final class IngressSection {
  static final String KEY = "ingress";

  private IngressSection() {}

  static IngressPolicy read(Node node, Problems problems) {
    Optional<YamlMap> map = YamlMap.open(node, KEY, "a mapping", problems, "unknown-source", "ban");
    if (map.isEmpty()) {
      return IngressPolicy.DEFAULT;
    }
    YamlMap m = map.get();
    boolean drop = IngressPolicy.DEFAULT.dropUnknown();
    Optional<String> unknown = m.text("unknown-source");
    if (unknown.isPresent()) {
      switch (unknown.get().toLowerCase(java.util.Locale.ROOT)) {
        case "reject" -> drop = false;
        case "drop" -> drop = true;
        default ->
            problems.add(
                m.node("unknown-source").orElseThrow(),
                m.field("unknown-source"),
                "must be reject or drop, got " + unknown.get());
      }
    }
    BanPolicy ban = m.node("ban").map(n -> ban(n, problems)).orElse(BanPolicy.DEFAULT);
    return new IngressPolicy(drop, ban);
  }

  private static BanPolicy ban(Node node, Problems problems) {
    Optional<YamlMap> map =
        YamlMap.open(
            node,
            KEY + ".ban",
            "a mapping like {failures: 5, window: 60s, duration: 10m}",
            problems,
            "failures",
            "window",
            "duration");
    if (map.isEmpty()) {
      return BanPolicy.DEFAULT;
    }
    YamlMap m = map.get();
    BanPolicy d = BanPolicy.DEFAULT;
    OptionalInt failures =
        m.integer("failures", d.failures(), 0, 1_000_000, "0 (never ban) or more");
    Optional<Duration> window = m.duration("window", d.window(), Duration.ofSeconds(1));
    Optional<Duration> duration = m.duration("duration", d.duration(), Duration.ofSeconds(1));
    return new BanPolicy(
        failures.orElse(d.failures()), window.orElse(d.window()), duration.orElse(d.duration()));
  }
}
