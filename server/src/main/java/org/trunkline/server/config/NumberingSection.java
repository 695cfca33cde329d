package org.trunkline.server.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.trunkline.core.trunk.Numbering;
import org.yaml.snakeyaml.nodes.Node;

/**
 * A trunk's {@code numbering: {in: [{match, replace}], out: [...]}}: regular expressions that must
 * compile, and replacements that refer only to groups the expression has.
 */
final class NumberingSection {
  private static final Pattern GROUP_REF = Pattern.compile("\\$(\\d+)");

  private NumberingSection() {}

  static Numbering read(Node node, String field, Problems problems) {
    Optional<YamlMap> map =
        YamlMap.open(
            node,
            field,
            "a mapping like {in: [{match: '^8(\\d{10})$', replace: '+7$1'}], out: [...]}",
            problems,
            "in",
            "out");
    if (map.isEmpty()) {
      return Numbering.NONE;
    }
    YamlMap m = map.get();
    List<Numbering.Rule> in =
        m.node("in").map(n -> rules(n, m.field("in"), problems)).orElse(List.of());
    List<Numbering.Rule> out =
        m.node("out").map(n -> rules(n, m.field("out"), problems)).orElse(List.of());
    return new Numbering(in, out);
  }

  private static List<Numbering.Rule> rules(Node node, String field, Problems problems) {
    Optional<List<Node>> items =
        YamlMap.sequence(node, field, "a list of {match, replace} rules", problems);
    List<Numbering.Rule> out = new ArrayList<>();
    for (int i = 0; i < items.map(List::size).orElse(0); i++) {
      String path = field + "[" + i + "]";
      Optional<YamlMap> rule =
          YamlMap.open(
              items.get().get(i),
              path,
              "a mapping like {match: '^8(\\d{10})$', replace: '+7$1'}",
              problems,
              "match",
              "replace");
      if (rule.isEmpty()) {
        continue;
      }
      YamlMap r = rule.get();
      Optional<String> match = r.requiredText("match");
      Optional<String> replace = r.requiredText("replace");
      if (match.isEmpty() || replace.isEmpty()) {
        continue;
      }
      Pattern pattern;
      try {
        pattern = Pattern.compile(match.get());
      } catch (PatternSyntaxException e) {
        problems.add(
            r.node("match").orElseThrow(),
            r.field("match"),
            "not a regular expression: " + e.getDescription() + " at index " + e.getIndex());
        continue;
      }
      int groups = pattern.matcher("").groupCount();
      Matcher refs = GROUP_REF.matcher(replace.get());
      boolean ok = true;
      while (refs.find()) {
        int n = Integer.parseInt(refs.group(1));
        if (n > groups) {
          problems.add(
              r.node("replace").orElseThrow(),
              r.field("replace"),
              "refers to $" + n + " but match has " + groups + " group" + (groups == 1 ? "" : "s"));
          ok = false;
        }
      }
      if (ok) {
        out.add(new Numbering.Rule(pattern, replace.get()));
      }
    }
    return out;
  }
}
