package org.trunkline.server.config;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * {@code traces: {enabled, max-size, max-age, queue, path, hep}}: SIP traces kept in segment files
 * (issue 7), and streamed to Homer ({@link HepSection}). Sizes are written {@code 512MB}, {@code
 * 1GB} (binary: 1 KB = 1024 B); ages {@code 30m}, {@code 12h}, {@code 7d}.
 */
final class TracesSection {
  static final String KEY = "traces";
  static final long MIN_BYTES = 1L << 20;
  static final Duration MIN_AGE = Duration.ofMinutes(1);

  private static final Pattern SIZE =
      Pattern.compile("([0-9]{1,12})\\s*(B|KB|MB|GB|TB)?", Pattern.CASE_INSENSITIVE);
  private static final Pattern DAYS = Pattern.compile("([0-9]{1,6})d");

  private TracesSection() {}

  static TracesConfig read(Node node, Problems problems) {
    Optional<YamlMap> map =
        YamlMap.open(
            node,
            KEY,
            "a mapping like {enabled: true, max-size: 1GB, max-age: 7d, queue: 65536, path: data/traces}",
            problems,
            "enabled",
            "max-size",
            "max-age",
            "queue",
            "path",
            HepSection.KEY);
    if (map.isEmpty()) {
      return TracesConfig.defaults();
    }
    YamlMap m = map.get();
    boolean enabled = m.bool("enabled", true);
    long maxBytes = size(m, problems);
    Duration maxAge = age(m, problems);
    int queue =
        m.integer("queue", TracesConfig.DEFAULT_QUEUE, 1, 16_777_216, "1..16777216")
            .orElse(TracesConfig.DEFAULT_QUEUE);
    java.nio.file.Path path = m.text("path").map(java.nio.file.Path::of).orElse(null);
    HepConfig hep = null;
    Optional<Node> hepNode = m.node(HepSection.KEY);
    if (hepNode.isPresent()) {
      hep = HepSection.read(hepNode.get(), m.field(HepSection.KEY), problems).orElse(null);
      if (!enabled) {
        // HEP is fed by the trace writer: with tracing off nothing would be sent.
        problems.add(
            hepNode.get(),
            m.field(HepSection.KEY),
            "needs traces.enabled: true (HEP sends what is traced)");
      }
    }
    return new TracesConfig(enabled, maxBytes, maxAge, queue, path, hep);
  }

  private static long size(YamlMap m, Problems problems) {
    Optional<Node> node = m.node("max-size");
    if (node.isEmpty()) {
      return TracesConfig.DEFAULT_MAX_BYTES;
    }
    Matcher s =
        node.get() instanceof ScalarNode scalar ? SIZE.matcher(scalar.getValue().strip()) : null;
    if (s == null || !s.matches()) {
      problems.add(
          node.get(),
          m.field("max-size"),
          "must be a size like 512MB or 1GB, got " + YamlMap.describe(node.get()));
      return TracesConfig.DEFAULT_MAX_BYTES;
    }
    String unit = s.group(2) == null ? "B" : s.group(2).toUpperCase(java.util.Locale.ROOT);
    int shift =
        switch (unit) {
          case "KB" -> 10;
          case "MB" -> 20;
          case "GB" -> 30;
          case "TB" -> 40;
          default -> 0;
        };
    long n = Long.parseLong(s.group(1));
    if (n > (Long.MAX_VALUE >> shift) || (n << shift) < MIN_BYTES) {
      problems.add(
          node.get(),
          m.field("max-size"),
          "must be at least 1MB (and at most 8EB), got " + YamlMap.describe(node.get()));
      return TracesConfig.DEFAULT_MAX_BYTES;
    }
    return n << shift;
  }

  private static Duration age(YamlMap m, Problems problems) {
    Optional<Node> node = m.node("max-age");
    if (node.isEmpty()) {
      return TracesConfig.DEFAULT_MAX_AGE;
    }
    String text = node.get() instanceof ScalarNode s ? s.getValue().strip() : "";
    Matcher days = DAYS.matcher(text);
    Optional<Duration> parsed =
        days.matches()
            ? Optional.of(Duration.ofDays(Long.parseLong(days.group(1))))
            : Durations.parse(text);
    if (parsed.isEmpty() || parsed.get().compareTo(MIN_AGE) < 0) {
      problems.add(
          node.get(),
          m.field("max-age"),
          "must be an age of at least 1m, like 30m, 12h or 7d, got "
              + YamlMap.describe(node.get()));
      return TracesConfig.DEFAULT_MAX_AGE;
    }
    return parsed.get();
  }
}
