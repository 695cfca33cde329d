package org.trunkline.server.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.trunkline.core.trunk.AddressRange;
import org.trunkline.core.trunk.Trunk;
import org.trunkline.core.trunk.TrunkMode;
import org.yaml.snakeyaml.nodes.Node;

/**
 * {@code trunks: [{name, mode, ...}, ...]}: every trunk checked on its own ({@link TrunkEntry}),
 * then against the others and the listen points: unique names, one cross-connect per listen point,
 * unique register-in credentials, no ip peer on two trunks, no number on two trunks.
 */
final class TrunksSection {
  static final String KEY = "trunks";

  private TrunksSection() {}

  /** The trunks in file order, or an empty list when anything in the section was wrong. */
  static List<Trunk> read(Node node, List<ListenConfig> listen, Problems problems) {
    return read(node, listen, problems, TrunkMediaKeys.Context.NONE);
  }

  /** The same, with what the trunks' media keys need to know of the media section. */
  static List<Trunk> read(
      Node node, List<ListenConfig> listen, Problems problems, TrunkMediaKeys.Context media) {
    int before = problems.count();
    Optional<List<Node>> items = YamlMap.sequence(node, KEY, "a list of trunks", problems);
    if (items.isEmpty()) {
      return List.of();
    }
    List<TrunkEntry> entries = new ArrayList<>();
    for (int i = 0; i < items.get().size(); i++) {
      TrunkEntry.read(items.get().get(i), KEY + "[" + i + "]", problems, media)
          .ifPresent(entries::add);
    }
    uniqueNames(entries, problems);
    crossConnects(entries, listen, problems);
    uniqueCredentials(entries, problems);
    uniquePeers(entries, problems);
    uniqueNumbers(entries, problems);
    if (problems.count() != before) {
      return List.of();
    }
    return entries.stream().map(e -> e.trunk.orElseThrow()).toList();
  }

  /** How a message names another trunk: {@code trunk acme (trunks[0])}. */
  private static String who(TrunkEntry entry) {
    return entry.name.map(n -> "trunk " + n.value() + " (" + entry.path + ")").orElse(entry.path);
  }

  private static void uniqueNames(List<TrunkEntry> entries, Problems problems) {
    Map<String, TrunkEntry> seen = new HashMap<>();
    for (TrunkEntry entry : entries) {
      if (entry.name.isEmpty()) {
        continue;
      }
      TrunkEntry.Located<String> name = entry.name.get();
      // Names differing only in case would be told apart by nobody reading a trunk list.
      TrunkEntry first = seen.putIfAbsent(name.value().toLowerCase(Locale.ROOT), entry);
      if (first != null) {
        problems.add(
            name.node(),
            name.field(),
            "'" + name.value() + "' is already the name of " + first.path);
      }
    }
  }

  private static void crossConnects(
      List<TrunkEntry> entries, List<ListenConfig> listen, Problems problems) {
    List<String> names = listen.stream().map(ListenConfig::name).toList();
    Map<String, TrunkEntry> owner = new HashMap<>();
    for (TrunkEntry entry : entries) {
      if (entry.mode.orElse(null) != TrunkMode.CROSS_CONNECT || entry.listen.isEmpty()) {
        continue;
      }
      TrunkEntry.Located<String> point = entry.listen.get();
      if (!names.contains(point.value())) {
        String hint =
            Suggestions.closest(point.value(), names)
                .map(s -> " (did you mean '" + s + "'?)")
                .orElse(names.isEmpty() ? "" : " (listen names: " + String.join(", ", names) + ")");
        problems.add(
            point.node(), point.field(), "no listen entry is named " + point.value() + hint);
        continue;
      }
      TrunkEntry first = owner.putIfAbsent(point.value(), entry);
      if (first != null) {
        problems.add(
            point.node(),
            point.field(),
            point.value() + " is already the listen point of cross-connect " + who(first));
      }
    }
  }

  /** A digest username (in its realm) identifies one register-in trunk. */
  private static void uniqueCredentials(List<TrunkEntry> entries, Problems problems) {
    Map<String, TrunkEntry> seen = new HashMap<>();
    for (TrunkEntry entry : entries) {
      if (entry.mode.orElse(null) != TrunkMode.REGISTER_IN || entry.username.isEmpty()) {
        continue;
      }
      TrunkEntry.Located<String> user = entry.username.get();
      TrunkEntry first = seen.putIfAbsent(entry.realm + "\0" + user.value(), entry);
      if (first != null) {
        problems.add(
            user.node(),
            user.field(),
            user.value()
                + " is already the username of register-in "
                + who(first)
                + " in realm "
                + entry.realm);
      }
    }
  }

  /** The same range on two ip trunks would make "most specific match wins" a coin toss. */
  private static void uniquePeers(List<TrunkEntry> entries, Problems problems) {
    Map<AddressRange, TrunkEntry> seen = new HashMap<>();
    for (TrunkEntry entry : entries) {
      if (entry.mode.orElse(null) != TrunkMode.IP) {
        continue;
      }
      Map<AddressRange, TrunkEntry> mine = new HashMap<>();
      for (TrunkEntry.Located<AddressRange> peer : entry.peers) {
        TrunkEntry first = seen.get(peer.value());
        if (first != null) {
          problems.add(
              peer.node(), peer.field(), peer.value() + " is already a peer of ip " + who(first));
        }
        mine.putIfAbsent(peer.value(), entry);
      }
      mine.forEach(seen::putIfAbsent);
    }
  }

  private static void uniqueNumbers(List<TrunkEntry> entries, Problems problems) {
    Map<String, TrunkEntry.Located<String>> seen = new HashMap<>();
    Map<String, TrunkEntry> ownerOf = new HashMap<>();
    for (TrunkEntry entry : entries) {
      for (TrunkEntry.Located<String> number : entry.numbers) {
        TrunkEntry.Located<String> first = seen.putIfAbsent(number.value(), number);
        if (first == null) {
          ownerOf.put(number.value(), entry);
          continue;
        }
        TrunkEntry owner = ownerOf.get(number.value());
        problems.add(
            number.node(),
            number.field(),
            owner == entry
                ? number.value() + " is listed twice (also " + first.field() + ")"
                : number.value() + " is already a number of " + who(owner));
      }
    }
  }
}
