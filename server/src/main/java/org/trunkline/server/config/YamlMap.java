package org.trunkline.server.config;

import java.math.BigInteger;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.DumperOptions.ScalarStyle;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * One YAML mapping read as a config section. The section declares its keys up front; unknown and
 * repeated keys are reported when it is opened, wrong types when a value is asked for. Every getter
 * reports its own problem and returns empty, so one pass finds every mistake.
 */
final class YamlMap {
  private static final Pattern DECIMAL = Pattern.compile("[-+]?[0-9]+");

  private final MappingNode node;
  private final String path;
  private final Problems problems;
  private final List<String> keys;
  private final Map<String, Node> values = new LinkedHashMap<>();

  private YamlMap(MappingNode node, String path, Problems problems, List<String> keys) {
    this.node = node;
    this.path = path;
    this.problems = problems;
    this.keys = keys;
    Map<String, Integer> firstLine = new LinkedHashMap<>();
    for (NodeTuple tuple : node.getValue()) {
      Node keyNode = tuple.getKeyNode();
      if (!(keyNode instanceof ScalarNode scalar) || scalar.getTag().equals(Tag.NULL)) {
        problems.add(keyNode, path, "keys must be names, got " + describe(keyNode));
        continue;
      }
      String key = scalar.getValue();
      if (firstLine.containsKey(key)) {
        problems.add(
            keyNode, field(key), "duplicate key (first at line " + firstLine.get(key) + ")");
        continue;
      }
      firstLine.put(key, Problems.line(keyNode));
      if (keys.contains(key)) {
        values.put(key, tuple.getValueNode());
      } else {
        problems.add(keyNode, path, unknownKey(key));
      }
    }
  }

  /**
   * Opens {@code node} as a section with the given keys, or reports that it is not a mapping.
   *
   * @param expected what the section should look like, for the message ("a mapping")
   */
  static Optional<YamlMap> open(
      Node node, String path, String expected, Problems problems, String... keys) {
    if (node instanceof MappingNode mapping) {
      return Optional.of(new YamlMap(mapping, path, problems, List.of(keys)));
    }
    problems.add(node, path, "must be " + expected + ", got " + describe(node));
    return Optional.empty();
  }

  /** The dotted path of a key in this section ({@code listen[0].port}). */
  String field(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  /** The value node of a declared key, if present. */
  Optional<Node> node(String key) {
    if (!keys.contains(key)) {
      throw new IllegalArgumentException("key '" + key + "' is not declared in " + keys);
    }
    return Optional.ofNullable(values.get(key));
  }

  /** The value node of a required key; reports it missing otherwise. */
  Optional<Node> required(String key) {
    Optional<Node> value = node(key);
    if (value.isEmpty()) {
      problems.add(node, field(key), "missing (required)");
    }
    return value;
  }

  /** A single value as text, whatever YAML type it resolved to (a password may look like 1234). */
  Optional<String> text(String key) {
    return node(key).flatMap(value -> text(value, field(key)));
  }

  Optional<String> requiredText(String key) {
    return required(key).flatMap(value -> text(value, field(key)));
  }

  /** {@code true} or {@code false} (any case); {@code fallback} when absent or wrong (reported). */
  boolean bool(String key, boolean fallback) {
    Optional<String> text = text(key);
    if (text.isEmpty()) {
      return fallback;
    }
    return switch (text.get().toLowerCase(java.util.Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> {
        problems.add(
            node(key).orElseThrow(), field(key), "must be true or false, got " + text.get());
        yield fallback;
      }
    };
  }

  /** A decimal integer in {@code min..max}; {@code fallback} when the key is absent. */
  OptionalInt integer(String key, int fallback, int min, int max, String rangeText) {
    Optional<Node> value = node(key);
    if (value.isEmpty()) {
      return OptionalInt.of(fallback);
    }
    Node v = value.get();
    // Decimal only: YAML 1.1 would read 05060 as octal and accept 0x13c4, neither meant in a
    // config.
    if (!(v instanceof ScalarNode s)
        || s.getScalarStyle() != ScalarStyle.PLAIN
        || !DECIMAL.matcher(s.getValue()).matches()) {
      problems.add(v, field(key), "must be an integer, got " + describe(v));
      return OptionalInt.empty();
    }
    BigInteger number = new BigInteger(s.getValue());
    if (number.compareTo(BigInteger.valueOf(min)) < 0
        || number.compareTo(BigInteger.valueOf(max)) > 0) {
      problems.add(v, field(key), "must be " + rangeText + ", got " + s.getValue());
      return OptionalInt.empty();
    }
    return OptionalInt.of(number.intValueExact());
  }

  /**
   * A duration ({@link Durations}) of at least {@code min}; {@code fallback} when the key is
   * absent.
   */
  Optional<Duration> duration(String key, Duration fallback, Duration min) {
    Optional<Node> value = node(key);
    if (value.isEmpty()) {
      return Optional.of(fallback);
    }
    Node v = value.get();
    Optional<Duration> parsed =
        v instanceof ScalarNode s && !s.getTag().equals(Tag.NULL)
            ? Durations.parse(s.getValue())
            : Optional.empty();
    if (parsed.isEmpty()) {
      problems.add(v, field(key), "must be " + Durations.EXPECTED + ", got " + describe(v));
      return Optional.empty();
    }
    if (parsed.get().compareTo(min) < 0) {
      problems.add(
          v,
          field(key),
          "must be at least " + Durations.format(min) + ", got " + ((ScalarNode) v).getValue());
      return Optional.empty();
    }
    return parsed;
  }

  /** The declared keys present in this mapping, in file order. */
  java.util.Set<String> present() {
    return java.util.Collections.unmodifiableSet(values.keySet());
  }

  /** The mapping itself, for problems about the whole entry. */
  Node mapping() {
    return node;
  }

  private Optional<String> text(Node value, String field) {
    if (value instanceof ScalarNode s && !s.getTag().equals(Tag.NULL)) {
      return Optional.of(s.getValue());
    }
    problems.add(
        value,
        field,
        value instanceof ScalarNode
            ? "has no value"
            : "must be a single value, got " + describe(value));
    return Optional.empty();
  }

  private String unknownKey(String key) {
    String problem = "unknown key '" + key + "'";
    Optional<String> suggestion = Suggestions.closest(key, keys);
    if (suggestion.isPresent()) {
      return problem + " (did you mean '" + suggestion.get() + "'?)";
    }
    return problem + " (known keys: " + String.join(", ", keys) + ")";
  }

  /** Whether {@code node} is a mapping that has {@code key} (whatever its value). */
  static boolean hasKey(Node node, String key) {
    return node instanceof MappingNode m
        && m.getValue().stream()
            .anyMatch(t -> t.getKeyNode() instanceof ScalarNode s && s.getValue().equals(key));
  }

  /** The items of a list, or a report that {@code node} is not one. */
  static Optional<List<Node>> sequence(
      Node node, String field, String expected, Problems problems) {
    if (node instanceof SequenceNode sequence) {
      return Optional.of(sequence.getValue());
    }
    problems.add(node, field, "must be " + expected + ", got " + describe(node));
    return Optional.empty();
  }

  /** How a value reads in a message: its text, quoted if it was quoted, or its kind. */
  static String describe(Node node) {
    if (node instanceof MappingNode) {
      return "a mapping";
    }
    if (node instanceof SequenceNode) {
      return "a list";
    }
    if (node instanceof ScalarNode s) {
      if (s.getTag().equals(Tag.NULL)) {
        return "nothing";
      }
      String value =
          s.getValue().length() > 40 ? s.getValue().substring(0, 40) + "..." : s.getValue();
      return s.getScalarStyle() == ScalarStyle.PLAIN ? value : "\"" + value + "\"";
    }
    return node.getNodeId().toString();
  }
}
