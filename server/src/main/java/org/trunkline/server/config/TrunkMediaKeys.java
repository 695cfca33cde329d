package org.trunkline.server.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.trunkline.core.trunk.TrunkMedia;
import org.trunkline.media.CodecPolicy;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * A trunk's media keys (issue 8): {@code media: relay | pass-through} (the media section's {@code
 * default} when absent), {@code record: true | false} and {@code codecs: {allow, remove, prefer}}.
 * Recording and codec lists need the trunk's calls relayed, and relaying needs the media section.
 */
final class TrunkMediaKeys {
  static final List<String> KEYS = List.of("media", "record", "codecs");

  /** An encoding name as in {@code a=rtpmap} (RFC 4566 token characters). */
  private static final Pattern ENCODING = Pattern.compile("[A-Za-z0-9!#$%&'*+.^_`{|}~-]{1,32}");

  /**
   * What the trunk entry knows of the media section.
   *
   * @param section whether the file has a media section (a relay)
   * @param policy its call policy (the default mode)
   */
  record Context(boolean section, MediaPolicy policy) {
    static final Context NONE = new Context(false, MediaPolicy.DEFAULT);
  }

  private TrunkMediaKeys() {}

  static TrunkMedia read(YamlMap m, Context context, Problems problems) {
    boolean relay = context.section() && context.policy().relayByDefault();
    Optional<String> mode = m.text("media");
    if (mode.isPresent()) {
      switch (mode.get().toLowerCase(Locale.ROOT)) {
        case "relay" -> relay = true;
        case "pass-through" -> relay = false;
        default ->
            problems.add(
                m.node("media").orElseThrow(),
                m.field("media"),
                "must be relay or pass-through, got " + mode.get());
      }
      if (relay && !context.section()) {
        problems.add(
            m.node("media").orElseThrow(),
            m.field("media"),
            "relay needs the top-level media section (the relay's address and ports)");
      }
    }
    boolean record = m.bool("record", false);
    if (record && !relay) {
      problems.add(
          m.node("record").orElseThrow(),
          m.field("record"),
          "needs media: relay (only relayed calls can be recorded)");
    }
    CodecPolicy codecs = m.node("codecs").map(n -> codecs(n, m, problems)).orElse(CodecPolicy.ANY);
    if (m.node("codecs").isPresent() && !relay) {
      problems.add(
          m.node("codecs").orElseThrow(),
          m.field("codecs"),
          "needs media: relay (only the relay rewrites the codecs of an offer)");
    }
    return new TrunkMedia(relay, record, codecs);
  }

  private static CodecPolicy codecs(Node node, YamlMap trunk, Problems problems) {
    String field = trunk.field("codecs");
    Optional<YamlMap> map =
        YamlMap.open(
            node,
            field,
            "a mapping like {allow: [PCMA, PCMU, telephone-event], prefer: [PCMA]}",
            problems,
            "allow",
            "remove",
            "prefer");
    if (map.isEmpty()) {
      return CodecPolicy.ANY;
    }
    List<String> allow = names(map.get(), "allow", problems);
    List<String> remove = names(map.get(), "remove", problems);
    List<String> prefer = names(map.get(), "prefer", problems);
    if (!allow.isEmpty()) {
      for (String p : prefer) {
        if (allow.stream().noneMatch(p::equalsIgnoreCase)) {
          problems.add(
              map.get().node("prefer").orElseThrow(),
              map.get().field("prefer"),
              p + " is not in allow, so it is never offered");
        }
      }
    }
    for (String r : remove) {
      if (allow.stream().anyMatch(r::equalsIgnoreCase)) {
        problems.add(
            map.get().node("remove").orElseThrow(),
            map.get().field("remove"),
            r + " is also in allow");
      }
    }
    return new CodecPolicy(remove, allow, prefer);
  }

  private static List<String> names(YamlMap m, String key, Problems problems) {
    List<String> out = new ArrayList<>();
    Optional<Node> node = m.node(key);
    if (node.isEmpty()) {
      return out;
    }
    String field = m.field(key);
    Optional<List<Node>> items =
        YamlMap.sequence(node.get(), field, "a list of encoding names like [PCMA, PCMU]", problems);
    for (int i = 0; i < items.map(List::size).orElse(0); i++) {
      Node item = items.get().get(i);
      if (item instanceof ScalarNode s && ENCODING.matcher(s.getValue()).matches()) {
        out.add(s.getValue());
      } else {
        problems.add(
            item,
            field + "[" + i + "]",
            "must be an encoding name as in a=rtpmap (PCMA, G729, telephone-event), got "
                + YamlMap.describe(item));
      }
    }
    return out;
  }
}
