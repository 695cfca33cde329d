package org.trunkline.server.config;

import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import org.yaml.snakeyaml.nodes.Node;

/**
 * {@code api: {enabled, address, port}}: the admin HTTP API that {@code trunkline trunks} and
 * {@code trunkline reload} talk to. An invalid value is reported and replaced by its default.
 */
final class ApiSection {
  static final String KEY = "api";

  private ApiSection() {}

  static ApiConfig read(Node node, Problems problems) {
    Optional<YamlMap> map =
        YamlMap.open(
            node,
            KEY,
            "a mapping like {address: 127.0.0.1, port: 8060}",
            problems,
            "enabled",
            "address",
            "port");
    if (map.isEmpty()) {
      return ApiConfig.defaults();
    }
    YamlMap m = map.get();
    boolean enabled = enabled(m, problems);
    String address = m.text("address").orElse(ApiConfig.DEFAULT_ADDRESS);
    if (!HostNames.isValid(address)) {
      String hint = address.startsWith("[") ? " (write IPv6 addresses without brackets)" : "";
      problems.add(
          m.node("address").orElseThrow(),
          m.field("address"),
          "must be an IP address or host name, got " + address + hint);
      address = ApiConfig.DEFAULT_ADDRESS;
    }
    OptionalInt port =
        m.integer("port", ApiConfig.DEFAULT_PORT, 0, 65535, "1..65535 (or 0 for any free port)");
    return new ApiConfig(enabled, address, port.orElse(ApiConfig.DEFAULT_PORT));
  }

  private static boolean enabled(YamlMap m, Problems problems) {
    Optional<String> text = m.text("enabled");
    if (text.isEmpty()) {
      return true;
    }
    switch (text.get().toLowerCase(Locale.ROOT)) {
      case "true":
        return true;
      case "false":
        return false;
      default:
        problems.add(
            m.node("enabled").orElseThrow(),
            m.field("enabled"),
            "must be true or false, got " + text.get());
        return true;
    }
  }
}
