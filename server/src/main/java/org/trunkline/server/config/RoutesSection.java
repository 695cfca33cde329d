package org.trunkline.server.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.trunkline.core.trunk.Route;
import org.trunkline.core.trunk.Trunk;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * {@code routes: [{prefix, trunks: [..], failover-on: [..], trying-timeout}, ...]}: where calls to
 * numbers no trunk owns go. Every trunk a route names must exist; a prefix appears once.
 */
final class RoutesSection {
  static final String KEY = "routes";

  private RoutesSection() {}

  /**
   * @param trunks the trunks that parsed, or empty when the trunks section had mistakes (then
   *     unknown trunk names are not reported again)
   * @param trunksOk whether the trunks section was free of mistakes
   */
  static List<Route> read(Node node, List<Trunk> trunks, boolean trunksOk, Problems problems) {
    Optional<List<Node>> items = YamlMap.sequence(node, KEY, "a list of routes", problems);
    if (items.isEmpty()) {
      return List.of();
    }
    List<String> names = trunks.stream().map(Trunk::name).toList();
    List<Route> routes = new ArrayList<>();
    Map<String, Integer> firstPrefix = new HashMap<>();
    for (int i = 0; i < items.get().size(); i++) {
      String path = KEY + "[" + i + "]";
      Optional<YamlMap> map =
          YamlMap.open(
              items.get().get(i),
              path,
              "a mapping like {prefix: \"+7495\", trunks: [carrier1, carrier2]}",
              problems,
              "prefix",
              "trunks",
              "failover-on",
              "trying-timeout");
      if (map.isEmpty()) {
        continue;
      }
      YamlMap m = map.get();
      Optional<String> prefix = m.requiredText("prefix");
      if (prefix.isPresent() && !Route.PREFIX.matcher(prefix.get()).matches()) {
        problems.add(
            m.node("prefix").orElseThrow(),
            m.field("prefix"),
            "must be digits with an optional leading +, or \"\" for every number, got "
                + prefix.get());
        prefix = Optional.empty();
      }
      if (prefix.isPresent()) {
        Integer first = firstPrefix.putIfAbsent(prefix.get(), i);
        if (first != null) {
          problems.add(
              m.node("prefix").orElseThrow(),
              m.field("prefix"),
              "\"" + prefix.get() + "\" is already the prefix of routes[" + first + "]");
        }
      }
      List<String> routeTrunks = new ArrayList<>();
      Optional<Node> trunksNode = m.required("trunks");
      if (trunksNode.isPresent()) {
        Optional<List<Node>> list =
            YamlMap.sequence(
                trunksNode.get(), m.field("trunks"), "a list of trunk names", problems);
        for (int j = 0; j < list.map(List::size).orElse(0); j++) {
          Node item = list.get().get(j);
          String field = m.field("trunks") + "[" + j + "]";
          String name = item instanceof ScalarNode s ? s.getValue() : YamlMap.describe(item);
          if (trunksOk && !names.contains(name)) {
            String hint =
                Suggestions.closest(name, names)
                    .map(n -> " (did you mean '" + n + "'?)")
                    .orElse("");
            problems.add(item, field, "no trunk is named " + name + hint);
          } else if (routeTrunks.contains(name)) {
            problems.add(item, field, "trunk " + name + " is already in this route");
          } else {
            routeTrunks.add(name);
          }
        }
        if (list.isPresent() && list.get().isEmpty()) {
          problems.add(trunksNode.get(), m.field("trunks"), "must name at least one trunk");
        }
      }
      Set<Integer> failover = Route.DEFAULT_FAILOVER_ON;
      Optional<Node> failoverNode = m.node("failover-on");
      if (failoverNode.isPresent()) {
        failover = new LinkedHashSet<>();
        Optional<List<Node>> list =
            YamlMap.sequence(
                failoverNode.get(), m.field("failover-on"), "a list of SIP status codes", problems);
        for (int j = 0; j < list.map(List::size).orElse(0); j++) {
          Node item = list.get().get(j);
          String text = item instanceof ScalarNode s ? s.getValue() : YamlMap.describe(item);
          int code;
          try {
            code = Integer.parseInt(text);
          } catch (NumberFormatException e) {
            code = -1;
          }
          if (code < 300 || code > 699) {
            problems.add(
                item,
                m.field("failover-on") + "[" + j + "]",
                "must be a final failure code 300..699, got " + text);
          } else {
            failover.add(code);
          }
        }
      }
      java.time.Duration trying =
          m.duration("trying-timeout", java.time.Duration.ZERO, java.time.Duration.ofMillis(10))
              .orElse(java.time.Duration.ZERO);
      if (prefix.isPresent() && !routeTrunks.isEmpty()) {
        routes.add(new Route(prefix.get(), routeTrunks, failover, trying));
      }
    }
    return routes;
  }
}
