package org.trunkline.server.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.trunkline.core.trunk.CallPolicy;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * {@code calls: {pass-headers: [...], max-channels, max-cps, dialog-check, session-expires,
 * min-se}}: what crosses from one leg of a call to the other, the server's own call limits, and how
 * dead calls are found.
 */
final class CallsSection {
  static final String KEY = "calls";

  /** RFC 3261 §25.1 token characters: what a header name is made of. */
  private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9.!%*_+`'~-]+");

  private CallsSection() {}

  static CallPolicy read(Node node, Problems problems) {
    Optional<YamlMap> map =
        YamlMap.open(
            node,
            KEY,
            "a mapping",
            problems,
            "pass-headers",
            "max-channels",
            "max-cps",
            "dialog-check",
            "session-expires",
            "min-se",
            "limit-status");
    if (map.isEmpty()) {
      return CallPolicy.DEFAULT;
    }
    YamlMap m = map.get();
    int maxChannels =
        m.integer("max-channels", 0, 0, Integer.MAX_VALUE, "0 (unlimited) or more").orElse(0);
    int maxCps = m.integer("max-cps", 0, 0, Integer.MAX_VALUE, "0 (unlimited) or more").orElse(0);
    java.time.Duration check =
        m.duration("dialog-check", java.time.Duration.ZERO, java.time.Duration.ofSeconds(1))
            .orElse(java.time.Duration.ZERO);
    // RFC 4028 asks for at least 90 s; shorter values are allowed so tests can run in seconds
    int minSe =
        m.integer("min-se", CallPolicy.DEFAULT_MIN_SE, 1, 86_400, "1..86400")
            .orElse(CallPolicy.DEFAULT_MIN_SE);
    int sessionExpires =
        m.integer(
                "session-expires",
                CallPolicy.DEFAULT_SESSION_EXPIRES,
                0,
                86_400,
                "0 (no session timers) or 1..86400")
            .orElse(CallPolicy.DEFAULT_SESSION_EXPIRES);
    if (sessionExpires > 0 && sessionExpires < minSe) {
      problems.add(
          m.node("session-expires").or(() -> m.node("min-se")).orElseThrow(),
          m.field(m.node("session-expires").isPresent() ? "session-expires" : "min-se"),
          "session-expires (" + sessionExpires + ") must be at least min-se (" + minSe + ")");
      sessionExpires = minSe;
    }
    int limitStatus =
        m.integer("limit-status", CallPolicy.DEFAULT_LIMIT_STATUS, 400, 699, "400..699")
            .orElse(CallPolicy.DEFAULT_LIMIT_STATUS);
    Optional<Node> list = m.node("pass-headers");
    if (list.isEmpty()) {
      return new CallPolicy(
          CallPolicy.DEFAULT_PASS_HEADERS,
          maxChannels,
          maxCps,
          check,
          sessionExpires,
          minSe,
          limitStatus);
    }
    String field = m.field("pass-headers");
    Optional<List<Node>> items =
        YamlMap.sequence(list.get(), field, "a list of header names", problems);
    List<String> names = new ArrayList<>();
    for (int i = 0; i < items.map(List::size).orElse(0); i++) {
      Node item = items.get().get(i);
      String name = item instanceof ScalarNode s ? s.getValue() : YamlMap.describe(item);
      if (!TOKEN.matcher(name).matches()) {
        problems.add(item, field + "[" + i + "]", "not a header name: " + name);
      } else if (List.of(
              "via",
              "route",
              "record-route",
              "contact",
              "call-id",
              "cseq",
              "from",
              "to",
              "max-forwards",
              "content-length",
              "content-type")
          .contains(name.toLowerCase(java.util.Locale.ROOT))) {
        problems.add(
            item,
            field + "[" + i + "]",
            name + " is written by the B2BUA for each leg and cannot be passed through");
      } else {
        names.add(name);
      }
    }
    return new CallPolicy(names, maxChannels, maxCps, check, sessionExpires, minSe, limitStatus);
  }
}
