package org.trunkline.server.config;

import java.util.Optional;
import org.yaml.snakeyaml.nodes.Node;

/**
 * {@code sip: {threads: N}}: how many event loops the SIP stack runs (read at start-up only). 0
 * (the key absent) keeps the stack's own default ({@code SipServer#DEFAULT_THREADS}).
 */
final class SipSection {
  static final String KEY = "sip";

  /** More loops than this is a typo, not a machine. */
  static final int MAX_THREADS = 1024;

  private SipSection() {}

  /**
   * @return the event loop count, or 0 for the stack's default
   */
  static int threads(Node node, Problems problems) {
    Optional<YamlMap> map =
        YamlMap.open(node, KEY, "a mapping like {threads: 2}", problems, "threads");
    if (map.isEmpty()) {
      return 0;
    }
    return map.get().integer("threads", 0, 1, MAX_THREADS, "1.." + MAX_THREADS).orElse(0);
  }
}
