package org.trunkline.server.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.trunkline.stack.ListenPoint;
import org.trunkline.stack.TlsConfig;
import org.trunkline.stack.Transport;
import org.yaml.snakeyaml.nodes.Node;

/**
 * {@code listen: [{name, transport, address, port, ...}, ...]}: the sockets SIP is received on; the
 * TLS keys of a tls entry are read by {@link TlsSection}.
 */
final class ListenSection {
  static final String KEY = "listen";

  private ListenSection() {}

  static List<ListenConfig> read(Node node, Problems problems) {
    Optional<List<Node>> items = YamlMap.sequence(node, KEY, "a list of listen points", problems);
    if (items.isEmpty()) {
      return List.of();
    }
    if (items.get().isEmpty()) {
      problems.add(node, KEY, "must have at least one listen point");
    }
    List<ListenConfig> result = new ArrayList<>();
    Map<String, Integer> firstIndex = new HashMap<>();
    Map<String, Integer> firstName = new HashMap<>();
    for (int i = 0; i < items.get().size(); i++) {
      Node item = items.get().get(i);
      String path = KEY + "[" + i + "]";
      Optional<ListenConfig> entry = entry(item, path, problems);
      if (entry.isEmpty()) {
        continue;
      }
      ListenConfig listen = entry.get();
      // Port 0 asks for any free port, so two such entries never collide.
      String identity = listen.toString().toLowerCase(Locale.ROOT);
      Integer first = listen.port() == 0 ? null : firstIndex.putIfAbsent(identity, i);
      if (first != null) {
        problems.add(item, path, "duplicate of listen[" + first + "] (" + listen + ")");
      }
      // A duplicate socket has the same default name: one problem is enough. Unnamed port-0
      // entries (tests) share a default name and are never referred to by it.
      boolean unnamedAnyPort = listen.port() == 0 && !YamlMap.hasKey(item, "name");
      Integer sameName =
          first != null || unnamedAnyPort ? null : firstName.putIfAbsent(listen.name(), i);
      if (sameName != null) {
        problems.add(
            item,
            path + ".name",
            "'" + listen.name() + "' is already the name of listen[" + sameName + "]");
      }
      result.add(listen);
    }
    return result;
  }

  /** The keys of a tls entry's certificate and trust; rejected on udp and tcp entries. */
  private static final List<String> TLS_KEYS =
      List.of("certificate", "private-key", "ca", "verify-peer", "sni");

  private static final String MAX_CONNECTIONS = "max-connections-per-source";

  private static Optional<ListenConfig> entry(Node item, String path, Problems problems) {
    Optional<YamlMap> map =
        YamlMap.open(
            item,
            path,
            "a mapping like {transport: udp, address: 127.0.0.1, port: 5060}",
            problems,
            "name",
            "transport",
            "address",
            "port",
            "certificate",
            "private-key",
            "ca",
            "verify-peer",
            "sni",
            MAX_CONNECTIONS);
    if (map.isEmpty()) {
      return Optional.empty();
    }
    YamlMap m = map.get();
    Optional<String> name = name(m, problems);
    Optional<Transport> transport = transport(m, problems);
    Optional<String> address = address(m, problems);
    OptionalInt port =
        m.integer(
            "port",
            transport.map(Transport::defaultPort).orElse(ListenConfig.DEFAULT_PORT),
            0,
            65535,
            "1..65535 (or 0 for any free port)");
    OptionalInt maxConnections =
        m.integer(
            MAX_CONNECTIONS,
            ListenPoint.DEFAULT_MAX_CONNECTIONS_PER_SOURCE,
            1,
            1_000_000,
            "1..1000000");
    Optional<TlsConfig> tls = Optional.empty();
    boolean tlsOk = true;
    if (transport.isPresent()) {
      if (transport.get() == Transport.TLS) {
        tls = TlsSection.read(item, m, problems);
        tlsOk = tls.isPresent();
      } else {
        for (String key : TLS_KEYS) {
          m.node(key)
              .ifPresent(n ->
                  problems.add(
                      n,
                      m.field(key),
                      "only for transport tls (this entry is " + transport.get().token() + ")"));
        }
      }
      if (transport.get() == Transport.UDP) {
        m.node(MAX_CONNECTIONS)
            .ifPresent(n -> problems.add(n, m.field(MAX_CONNECTIONS), "only for tcp and tls"));
      }
    }
    if (transport.isEmpty()
        || address.isEmpty()
        || port.isEmpty()
        || maxConnections.isEmpty()
        || !tlsOk) {
      return Optional.empty();
    }
    if (m.node("name").isPresent() && name.isEmpty()) {
      return Optional.empty();
    }
    String entryName =
        name.orElseGet(
            () -> ListenPoint.defaultName(transport.get(), address.get(), port.getAsInt()));
    return Optional.of(
        new ListenConfig(
            entryName,
            transport.get(),
            address.get(),
            port.getAsInt(),
            tls.orElse(null),
            maxConnections.getAsInt()));
  }

  /** Names are what trunks refer to: letters, digits, {@code . _ - :}, at most 64. */
  static final java.util.regex.Pattern NAME =
      java.util.regex.Pattern.compile("[A-Za-z0-9._:-]{1,64}");

  private static Optional<String> name(YamlMap m, Problems problems) {
    Optional<String> text = m.text("name");
    if (text.isPresent() && !NAME.matcher(text.get()).matches()) {
      problems.add(
          m.node("name").orElseThrow(),
          m.field("name"),
          "must be 1..64 letters, digits or . _ - :, got " + text.get());
      return Optional.empty();
    }
    return text;
  }

  private static Optional<Transport> transport(YamlMap m, Problems problems) {
    Optional<String> text = m.requiredText("transport");
    if (text.isEmpty()) {
      return Optional.empty();
    }
    // RFC 3261 §19.1.1: the transport parameter is case-insensitive.
    for (Transport t : Transport.values()) {
      if (t.token().equalsIgnoreCase(text.get())) {
        return Optional.of(t);
      }
    }
    problems.add(
        m.node("transport").orElseThrow(),
        m.field("transport"),
        "must be udp, tcp or tls, got " + text.get());
    return Optional.empty();
  }

  private static Optional<String> address(YamlMap m, Problems problems) {
    Optional<String> text = m.requiredText("address");
    if (text.isPresent() && !HostNames.isValid(text.get())) {
      String hint = text.get().startsWith("[") ? " (write IPv6 addresses without brackets)" : "";
      problems.add(
          m.node("address").orElseThrow(),
          m.field("address"),
          "must be an IP address or host name, got " + text.get() + hint);
      return Optional.empty();
    }
    return text;
  }
}
