package org.trunkline.server.config;

import java.util.Optional;
import org.yaml.snakeyaml.nodes.Node;

/**
 * {@code database: {url, user, password, pool-size, registration-write-interval}}: where Trunkline
 * keeps its state. An invalid value is reported and replaced by its default; the loader never
 * returns a config with problems.
 */
final class DatabaseSection {
  static final String KEY = "database";

  private DatabaseSection() {}

  static DatabaseConfig read(Node node, Problems problems) {
    Optional<YamlMap> map =
        YamlMap.open(
            node,
            KEY,
            "a mapping",
            problems,
            "url",
            "user",
            "password",
            "pool-size",
            "registration-write-interval");
    if (map.isEmpty()) {
      return DatabaseConfig.defaults();
    }
    YamlMap m = map.get();
    String url = m.text("url").orElse(DatabaseConfig.DEFAULT_URL);
    if (!url.startsWith("jdbc:h2:") && !url.startsWith("jdbc:postgresql:")) {
      problems.add(
          m.node("url").orElseThrow(),
          m.field("url"),
          "must start with jdbc:h2: or jdbc:postgresql:, got " + url);
    }
    int poolSize =
        m.integer("pool-size", DatabaseConfig.DEFAULT_POOL_SIZE, 1, Integer.MAX_VALUE, "at least 1")
            .orElse(DatabaseConfig.DEFAULT_POOL_SIZE);
    java.time.Duration interval = DatabaseConfig.DEFAULT_REGISTRATION_WRITE_INTERVAL;
    java.time.Duration written =
        m.duration("registration-write-interval", interval, java.time.Duration.ofMillis(1))
            .orElse(interval);
    if (written.compareTo(java.time.Duration.ofSeconds(10)) > 0) {
      problems.add(
          m.node("registration-write-interval").orElseThrow(),
          m.field("registration-write-interval"),
          "must be at most 10s, got " + Durations.format(written));
      written = interval;
    }
    return new DatabaseConfig(
        url, m.text("user").orElse(null), m.text("password").orElse(null), poolSize, written);
  }
}
