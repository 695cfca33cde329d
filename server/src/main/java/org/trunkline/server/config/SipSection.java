package org.trunkline.server.config;

import java.util.Optional;
import org.yaml.snakeyaml.nodes.Node;

/**
 * {@code sip: {threads: N, call-loop: reader|hash}}: how many event loops the SIP stack runs, and
 * which loop a call lives on (read at start-up only).
 */
final class SipSection {
  static final String KEY = "sip";

  /** More loops than this is a typo, not a machine. */
  static final int MAX_THREADS = 1024;

  private SipSection() {}

  static SipConfig read(Node node, Problems problems) {
    Optional<YamlMap> map =
        YamlMap.open(
            node,
            KEY,
            "a mapping like {threads: 2, call-loop: reader}",
            problems,
            "threads",
            "call-loop");
    if (map.isEmpty()) {
      return SipConfig.DEFAULT;
    }
    YamlMap m = map.get();
    int threads = m.integer("threads", 0, 1, MAX_THREADS, "1.." + MAX_THREADS).orElse(0);
    boolean onReader = SipConfig.DEFAULT.callsOnReadingLoop();
    Optional<String> loop = m.text("call-loop");
    if (loop.isPresent()) {
      switch (loop.get().toLowerCase(java.util.Locale.ROOT)) {
        case "reader" -> onReader = true;
        case "hash" -> onReader = false;
        default ->
            problems.add(
                m.node("call-loop").orElseThrow(),
                m.field("call-loop"),
                "must be reader or hash, got " + loop.get());
      }
    }
    return new SipConfig(threads, onReader);
  }
}
