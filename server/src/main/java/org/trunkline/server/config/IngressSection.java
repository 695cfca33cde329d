package org.trunkline.server.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.trunkline.core.trunk.AddressRange;
import org.trunkline.core.trunk.BanPolicy;
import org.trunkline.core.trunk.IngressPolicy;
import org.trunkline.stack.auth.DigestAlgorithm;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * {@code ingress: {unknown-source: reject|drop, ban: {failures, window, duration},
 * digest-algorithms: [md5, sha-256, sha-512-256]}}: what happens to requests that match no trunk,
 * to sources that keep failing authentication, and what our challenges offer.
 */
final class IngressSection {
  static final String KEY = "ingress";

  private IngressSection() {}

  static IngressPolicy read(Node node, Problems problems) {
    Optional<YamlMap> map =
        YamlMap.open(
            node,
            KEY,
            "a mapping",
            problems,
            "unknown-source",
            "ban",
            "digest-algorithms",
            "monitors",
            "max-tracked-nonces");
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
    List<DigestAlgorithm> algorithms =
        m.node("digest-algorithms")
            .map(n -> algorithms(n, m.field("digest-algorithms"), problems))
            .orElse(IngressPolicy.DEFAULT_DIGEST_ALGORITHMS);
    List<AddressRange> monitors =
        m.node("monitors")
            .map(n -> ranges(n, m.field("monitors"), problems))
            .orElse(IngressPolicy.DEFAULT_MONITORS);
    int tracked = IngressPolicy.DEFAULT.maxTrackedNonces();
    OptionalInt t = m.integer("max-tracked-nonces", tracked, 1, 1 << 22, "1 to 4194304");
    return new IngressPolicy(drop, ban, algorithms, monitors, t.orElse(tracked));
  }

  private static List<AddressRange> ranges(Node node, String field, Problems problems) {
    Optional<List<Node>> items =
        YamlMap.sequence(node, field, "a list of addresses or CIDRs", problems);
    if (items.isEmpty()) {
      return IngressPolicy.DEFAULT_MONITORS;
    }
    List<AddressRange> out = new java.util.ArrayList<>();
    for (int i = 0; i < items.get().size(); i++) {
      Node item = items.get().get(i);
      String text = item instanceof ScalarNode s ? s.getValue() : YamlMap.describe(item);
      try {
        out.add(AddressRange.parse(text));
      } catch (IllegalArgumentException e) {
        problems.add(item, field + "[" + i + "]", e.getMessage());
      }
    }
    return out;
  }

  private static List<DigestAlgorithm> algorithms(Node node, String field, Problems problems) {
    Optional<List<Node>> items =
        YamlMap.sequence(node, field, "a list like [md5, sha-256, sha-512-256]", problems);
    if (items.isEmpty()) {
      return IngressPolicy.DEFAULT_DIGEST_ALGORITHMS;
    }
    List<DigestAlgorithm> out = new java.util.ArrayList<>();
    for (int i = 0; i < items.get().size(); i++) {
      Node item = items.get().get(i);
      String text = item instanceof ScalarNode s ? s.getValue() : YamlMap.describe(item);
      DigestAlgorithm a = DigestAlgorithm.fromToken(text);
      if (a == null) {
        problems.add(
            item, field + "[" + i + "]", "must be md5, sha-256 or sha-512-256, got " + text);
      } else if (out.contains(a)) {
        problems.add(item, field + "[" + i + "]", "repeats " + text);
      } else {
        out.add(a);
      }
    }
    if (items.get().isEmpty()) {
      problems.add(node, field, "must name at least one algorithm");
    }
    return out.isEmpty() ? IngressPolicy.DEFAULT_DIGEST_ALGORITHMS : out;
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
