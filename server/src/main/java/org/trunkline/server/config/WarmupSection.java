package org.trunkline.server.config;

import java.time.Duration;
import java.util.Optional;
import org.yaml.snakeyaml.nodes.Node;

/**
 * {@code warmup: {enabled: true, registrations: 4000, calls: 1000, max-time: 20s}}: the JIT warm-up
 * before {@code trunkline run} opens its listen points (read at start-up only).
 */
final class WarmupSection {
  static final String KEY = "warmup";

  /** More than this is a typo: a round of a million registrations takes minutes. */
  static final int MAX_COUNT = 1_000_000;

  private WarmupSection() {}

  static WarmupConfig read(Node node, Problems problems) {
    Optional<YamlMap> map =
        YamlMap.open(
            node,
            KEY,
            "a mapping like {enabled: true, registrations: 4000, calls: 1000, max-time: 20s}",
            problems,
            "enabled",
            "registrations",
            "calls",
            "max-time");
    if (map.isEmpty()) {
      return WarmupConfig.DEFAULT;
    }
    YamlMap m = map.get();
    WarmupConfig d = WarmupConfig.DEFAULT;
    boolean enabled = m.bool("enabled", d.enabled());
    int registrations =
        m.integer("registrations", d.registrations(), 0, MAX_COUNT, "0.." + MAX_COUNT)
            .orElse(d.registrations());
    int calls = m.integer("calls", d.calls(), 0, MAX_COUNT, "0.." + MAX_COUNT).orElse(d.calls());
    Duration maxTime =
        m.duration("max-time", d.maxTime(), Duration.ofSeconds(1)).orElse(d.maxTime());
    return new WarmupConfig(enabled, registrations, calls, maxTime);
  }
}
