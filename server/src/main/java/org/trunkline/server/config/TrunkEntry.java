package org.trunkline.server.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.trunkline.core.trunk.AddressRange;
import org.trunkline.core.trunk.HealthCheck;
import org.trunkline.core.trunk.Numbering;
import org.trunkline.core.trunk.ReferPolicy;
import org.trunkline.core.trunk.Trunk;
import org.trunkline.core.trunk.TrunkAccess;
import org.trunkline.core.trunk.TrunkMode;
import org.trunkline.sip.SipParseException;
import org.trunkline.sip.SipUri;
import org.trunkline.sip.Uri;
import org.trunkline.sip.UriParser;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * One {@code trunks:} entry: every value checked on its own, then the rules of its mode. Keeps the
 * values the cross-trunk checks of {@link TrunksSection} need (name, listen, credentials, peers,
 * numbers) even when something else in the entry is wrong, so one pass reports everything.
 */
final class TrunkEntry {
  /** A value with the node it came from, for problems found later. */
  record Located<T>(T value, Node node, String field) {}

  private static final Set<TrunkMode> ALL = EnumSet.allOf(TrunkMode.class);
  private static final Set<TrunkMode> WITH_TARGET =
      EnumSet.of(TrunkMode.REGISTER_OUT, TrunkMode.IP, TrunkMode.CROSS_CONNECT);

  /** Every key a trunk may have, in the order the docs list them, with the modes it belongs to. */
  private static final Map<String, Set<TrunkMode>> KEYS = new LinkedHashMap<>();

  static {
    KEYS.put("name", ALL);
    KEYS.put("mode", ALL);
    KEYS.put("username", EnumSet.of(TrunkMode.REGISTER_IN, TrunkMode.REGISTER_OUT));
    KEYS.put("password", EnumSet.of(TrunkMode.REGISTER_IN, TrunkMode.REGISTER_OUT));
    KEYS.put("realm", EnumSet.of(TrunkMode.REGISTER_IN));
    KEYS.put("max-contacts", EnumSet.of(TrunkMode.REGISTER_IN));
    KEYS.put("min-expires", EnumSet.of(TrunkMode.REGISTER_IN));
    KEYS.put("max-expires", EnumSet.of(TrunkMode.REGISTER_IN));
    KEYS.put("registrar", EnumSet.of(TrunkMode.REGISTER_OUT));
    KEYS.put("auth-username", EnumSet.of(TrunkMode.REGISTER_OUT));
    KEYS.put("expires", EnumSet.of(TrunkMode.REGISTER_OUT));
    KEYS.put("retry-min", EnumSet.of(TrunkMode.REGISTER_OUT));
    KEYS.put("retry-max", EnumSet.of(TrunkMode.REGISTER_OUT));
    KEYS.put("peers", EnumSet.of(TrunkMode.IP, TrunkMode.CROSS_CONNECT));
    KEYS.put("listen", EnumSet.of(TrunkMode.CROSS_CONNECT));
    KEYS.put("target", WITH_TARGET);
    KEYS.put("health", WITH_TARGET);
    KEYS.put("max-channels", ALL);
    KEYS.put("max-cps", ALL);
    KEYS.put("max-channels-in", ALL);
    KEYS.put("max-channels-out", ALL);
    KEYS.put("numbers", ALL);
    KEYS.put("numbering", ALL);
    KEYS.put("trusted", ALL);
    KEYS.put("refer", ALL);
    TrunkMediaKeys.KEYS.forEach(k -> KEYS.put(k, ALL));
  }

  /** The keys each mode requires. */
  private static final Map<TrunkMode, List<String>> REQUIRED =
      Map.of(
          TrunkMode.REGISTER_IN, List.of("username", "password"),
          TrunkMode.REGISTER_OUT, List.of("registrar", "username", "password"),
          TrunkMode.IP, List.of("peers"),
          TrunkMode.CROSS_CONNECT, List.of("listen"));

  private static final String MODES = "register-in, register-out, ip or cross-connect";

  final String path;
  final Node node;
  Optional<Located<String>> name = Optional.empty();
  Optional<TrunkMode> mode = Optional.empty();
  Optional<Located<String>> listen = Optional.empty();

  /** The digest username; for register-in trunks it identifies the trunk (with the realm). */
  Optional<Located<String>> username = Optional.empty();

  String realm = TrunkAccess.RegisterIn.DEFAULT_REALM;
  final List<Located<AddressRange>> peers = new ArrayList<>();
  final List<Located<String>> numbers = new ArrayList<>();

  /** The trunk, when the entry had no problem of its own. */
  Optional<Trunk> trunk = Optional.empty();

  private final YamlMap m;
  private final Problems problems;

  // The entry's other values as read; empty when absent-and-required or wrong (then reported).
  private Optional<String> nameText;
  private Optional<String> targetText;
  private Optional<String> registrar;
  private Optional<String> password;
  private Optional<String> authUsername;
  private OptionalInt maxContacts;
  private OptionalInt minExpires;
  private OptionalInt maxExpires;
  private OptionalInt expires;
  private Optional<Duration> retryMin;
  private Optional<Duration> retryMax;
  private Optional<HealthCheck> health;
  private OptionalInt maxChannels;
  private OptionalInt maxCps;
  private OptionalInt maxChannelsIn;
  private OptionalInt maxChannelsOut;
  private Numbering numbering = Numbering.NONE;
  private boolean trusted;
  private ReferPolicy refer = ReferPolicy.REJECT;
  private org.trunkline.core.trunk.TrunkMedia media;
  private final TrunkMediaKeys.Context mediaContext;

  private TrunkEntry(
      YamlMap m, Node node, String path, Problems problems, TrunkMediaKeys.Context mediaContext) {
    this.m = m;
    this.mediaContext = mediaContext;
    this.node = node;
    this.path = path;
    this.problems = problems;
  }

  /** Reads the entry at {@code path}; empty if it is not even a mapping. */
  static Optional<TrunkEntry> read(
      Node item, String path, Problems problems, TrunkMediaKeys.Context mediaContext) {
    Optional<YamlMap> map =
        YamlMap.open(
            item,
            path,
            "a mapping like {name: carrier1, mode: ip, peers: [203.0.113.10]}",
            problems,
            KEYS.keySet().toArray(String[]::new));
    if (map.isEmpty()) {
      return Optional.empty();
    }
    TrunkEntry entry = new TrunkEntry(map.get(), item, path, problems, mediaContext);
    int before = problems.count();
    entry.read();
    if (problems.count() == before) {
      entry.build();
    }
    return Optional.of(entry);
  }

  private void read() {
    nameText = m.requiredText("name");
    nameText.ifPresent(n -> {
      if (Trunk.NAME.matcher(n).matches()) {
        name = Optional.of(new Located<>(n, m.node("name").orElseThrow(), m.field("name")));
      } else {
        problems.add(
            m.node("name").orElseThrow(),
            m.field("name"),
            "must be 1..64 letters, digits or . _ -, got " + n);
      }
    });
    mode = mode();
    username =
        m.text("username")
            .flatMap(u -> nonEmpty("username", u))
            .map(u -> new Located<>(u, m.node("username").orElseThrow(), m.field("username")));
    password = m.text("password").flatMap(p -> nonEmpty("password", p));
    m.text("realm").flatMap(r -> realm(r)).ifPresent(r -> realm = r);
    maxContacts =
        m.integer("max-contacts", TrunkAccess.RegisterIn.DEFAULT_MAX_CONTACTS, 1, 1000, "1..1000");
    minExpires =
        m.integer(
            "min-expires",
            TrunkAccess.RegisterIn.DEFAULT_MIN_EXPIRES,
            1,
            86400,
            "1..86400 (seconds)");
    maxExpires =
        m.integer(
            "max-expires",
            TrunkAccess.RegisterIn.DEFAULT_MAX_EXPIRES,
            1,
            86400,
            "1..86400 (seconds)");
    registrar = m.text("registrar").flatMap(r -> sipUri("registrar", r));
    authUsername = m.text("auth-username").flatMap(u -> nonEmpty("auth-username", u));
    expires =
        m.integer(
            "expires", TrunkAccess.RegisterOut.DEFAULT_EXPIRES, 1, 86400, "1..86400 (seconds)");
    retryMin =
        m.duration("retry-min", TrunkAccess.RegisterOut.DEFAULT_RETRY_MIN, Duration.ofMillis(100));
    retryMax =
        m.duration("retry-max", TrunkAccess.RegisterOut.DEFAULT_RETRY_MAX, Duration.ofMillis(100));
    m.node("peers").ifPresent(this::peers);
    listen =
        m.text("listen")
            .map(l -> new Located<>(l, m.node("listen").orElseThrow(), m.field("listen")));
    targetText = m.text("target").flatMap(t -> sipUri("target", t));
    health = m.node("health").flatMap(h -> HealthSection.read(h, m.field("health"), problems));
    maxChannels = m.integer("max-channels", 0, 0, Integer.MAX_VALUE, "0 (unlimited) or more");
    maxCps = m.integer("max-cps", 0, 0, Integer.MAX_VALUE, "0 (unlimited) or more");
    maxChannelsIn = m.integer("max-channels-in", 0, 0, Integer.MAX_VALUE, "0 (unlimited) or more");
    maxChannelsOut =
        m.integer("max-channels-out", 0, 0, Integer.MAX_VALUE, "0 (unlimited) or more");
    m.node("numbers").ifPresent(this::numbers);
    m.node("numbering")
        .ifPresent(n -> numbering = NumberingSection.read(n, m.field("numbering"), problems));
    trusted = m.bool("trusted", false);
    m.text("refer").ifPresent(this::refer);
    media = TrunkMediaKeys.read(m, mediaContext, problems);
    mode.ifPresent(this::checkMode);
  }

  private void refer(String text) {
    switch (text.toLowerCase(java.util.Locale.ROOT)) {
      case "reject" -> refer = ReferPolicy.REJECT;
      case "pass" -> refer = ReferPolicy.PASS;
      default ->
          problems.add(
              m.node("refer").orElseThrow(),
              m.field("refer"),
              "must be reject or pass, got " + text);
    }
  }

  private Optional<TrunkMode> mode() {
    Optional<String> text = m.requiredText("mode");
    if (text.isEmpty()) {
      return Optional.empty();
    }
    Optional<TrunkMode> parsed = TrunkMode.of(text.get());
    if (parsed.isEmpty()) {
      List<String> tokens = ALL.stream().map(TrunkMode::token).toList();
      String hint =
          Suggestions.closest(text.get(), tokens)
              .map(s -> " (did you mean '" + s + "'?)")
              .orElse("");
      problems.add(
          m.node("mode").orElseThrow(),
          m.field("mode"),
          "must be " + MODES + ", got " + text.get() + hint);
    }
    return parsed;
  }

  /** The rules of the mode: keys that belong to other modes, required keys, related values. */
  private void checkMode(TrunkMode mode) {
    for (String key : m.present()) {
      Set<TrunkMode> owners = KEYS.get(key);
      if (!owners.contains(mode)) {
        String belongs = and(owners.stream().map(TrunkMode::token).toList());
        String why =
            key.equals("target") || key.equals("health")
                ? " (calls go to the registered contacts; it belongs to " + belongs + ")"
                : " (it belongs to " + belongs + ")";
        problems.add(
            m.node(key).orElseThrow(),
            m.field(key),
            "not a key of " + mode.token() + " trunks" + why);
      }
    }
    for (String key : REQUIRED.get(mode)) {
      if (m.node(key).isEmpty()) {
        problems.add(node, m.field(key), "missing (required for " + mode.token() + " trunks)");
      }
    }
    if (mode == TrunkMode.REGISTER_IN
        && minExpires.isPresent()
        && maxExpires.isPresent()
        && maxExpires.getAsInt() < minExpires.getAsInt()) {
      problems.add(
          m.node("max-expires").or(() -> m.node("min-expires")).orElseThrow(),
          m.field("max-expires"),
          "must not be less than min-expires ("
              + minExpires.getAsInt()
              + "), got "
              + maxExpires.getAsInt());
    }
    if (mode == TrunkMode.REGISTER_OUT
        && retryMin.isPresent()
        && retryMax.isPresent()
        && retryMax.get().compareTo(retryMin.get()) < 0) {
      problems.add(
          m.node("retry-max").or(() -> m.node("retry-min")).orElseThrow(),
          m.field("retry-max"),
          "must not be less than retry-min ("
              + Durations.format(retryMin.get())
              + "), got "
              + Durations.format(retryMax.get()));
    }
    if (mode == TrunkMode.REGISTER_OUT) {
      registrar.ifPresent(this::registrarHasNoUser);
    }
    if (WITH_TARGET.contains(mode)
        && m.node("target").isEmpty()
        && m.node("health").filter(h -> !HealthSection.isOff(h)).isPresent()) {
      problems.add(m.node("health").orElseThrow(), m.field("health"), "needs a target to probe");
    }
  }

  /** {@code a}, {@code a and b}, {@code a, b and c}. */
  static String and(List<String> words) {
    if (words.size() == 1) {
      return words.get(0);
    }
    return String.join(", ", words.subList(0, words.size() - 1))
        + " and "
        + words.get(words.size() - 1);
  }

  private void build() {
    TrunkMode md = mode.orElseThrow();
    TrunkAccess access =
        switch (md) {
          case REGISTER_IN ->
              new TrunkAccess.RegisterIn(
                  username.orElseThrow().value(),
                  password.orElseThrow(),
                  realm,
                  maxContacts.getAsInt(),
                  minExpires.getAsInt(),
                  maxExpires.getAsInt());
          case REGISTER_OUT ->
              new TrunkAccess.RegisterOut(
                  registrar.orElseThrow(),
                  username.orElseThrow().value(),
                  password.orElseThrow(),
                  authUsername.orElse(username.orElseThrow().value()),
                  expires.getAsInt(),
                  retryMin.orElseThrow(),
                  retryMax.orElseThrow());
          case IP -> new TrunkAccess.Ip(peers.stream().map(Located::value).toList());
          case CROSS_CONNECT ->
              new TrunkAccess.CrossConnect(
                  listen.orElseThrow().value(), peers.stream().map(Located::value).toList());
        };
    // A trunk with a target is probed unless its config says health: off.
    Optional<HealthCheck> probing =
        targetText.isEmpty() || m.node("health").filter(HealthSection::isOff).isPresent()
            ? Optional.empty()
            : Optional.of(health.orElse(HealthCheck.DEFAULT));
    trunk =
        Optional.of(
            new Trunk(
                nameText.orElseThrow(),
                md,
                access,
                targetText,
                probing,
                maxChannels.getAsInt(),
                maxCps.getAsInt(),
                numbers.stream().map(Located::value).toList(),
                numbering,
                trusted,
                refer,
                maxChannelsIn.getAsInt(),
                maxChannelsOut.getAsInt(),
                media));
  }

  private Optional<String> nonEmpty(String key, String value) {
    if (value.isEmpty()) {
      problems.add(m.node(key).orElseThrow(), m.field(key), "must not be empty");
      return Optional.empty();
    }
    return Optional.of(value);
  }

  private Optional<String> realm(String value) {
    if (value.isEmpty() || value.indexOf('"') >= 0 || value.indexOf('\\') >= 0) {
      problems.add(
          m.node("realm").orElseThrow(),
          m.field("realm"),
          "must be non-empty text without \" or \\, got " + value);
      return Optional.empty();
    }
    return Optional.of(value);
  }

  private Optional<String> sipUri(String key, String text) {
    Node at = m.node(key).orElseThrow();
    Uri uri;
    try {
      uri = UriParser.parse(text);
    } catch (SipParseException e) {
      problems.add(
          at,
          m.field(key),
          "must be a sip: or sips: URI, got " + text + " (" + e.getMessage() + ")");
      return Optional.empty();
    }
    if (!(uri instanceof SipUri sip)) {
      problems.add(at, m.field(key), "must be a sip: or sips: URI, got " + text);
      return Optional.empty();
    }
    if (!sip.headers().isEmpty()) {
      problems.add(at, m.field(key), "must not have ?headers, got " + text);
      return Optional.empty();
    }
    return Optional.of(text);
  }

  private void registrarHasNoUser(String text) {
    if (((SipUri) UriParser.parse(text)).user() != null) {
      problems.add(
          m.node("registrar").orElseThrow(),
          m.field("registrar"),
          "must not have a user part (RFC 3261 §10.2: a REGISTER is sent to the domain), got "
              + text);
    }
  }

  private void peers(Node value) {
    String field = m.field("peers");
    Optional<List<Node>> items =
        YamlMap.sequence(value, field, "a list of addresses or CIDRs", problems);
    if (items.isEmpty()) {
      return;
    }
    if (items.get().isEmpty() && mode.equals(Optional.of(TrunkMode.IP))) {
      problems.add(value, field, "must have at least one address or CIDR");
    }
    for (int i = 0; i < items.get().size(); i++) {
      Node item = items.get().get(i);
      String itemField = field + "[" + i + "]";
      if (!(item instanceof ScalarNode s) || s.getValue().isEmpty()) {
        String hint =
            item instanceof org.yaml.snakeyaml.nodes.SequenceNode
                ? " (quote an IPv6 address with a port: \"[2001:db8::1]:5060\")"
                : "";
        problems.add(
            item, itemField, "must be an address or CIDR, got " + YamlMap.describe(item) + hint);
        continue;
      }
      try {
        peers.add(new Located<>(AddressRange.parse(s.getValue()), item, itemField));
      } catch (IllegalArgumentException e) {
        problems.add(item, itemField, e.getMessage());
      }
    }
    for (int i = 0; i < peers.size(); i++) {
      for (int j = 0; j < i; j++) {
        if (peers.get(i).value().equals(peers.get(j).value())) {
          problems.add(
              peers.get(i).node(),
              peers.get(i).field(),
              peers.get(i).value() + " is listed twice (also " + peers.get(j).field() + ")");
          break;
        }
      }
    }
  }

  private void numbers(Node value) {
    String field = m.field("numbers");
    Optional<List<Node>> items = YamlMap.sequence(value, field, "a list of numbers", problems);
    for (int i = 0; i < items.map(List::size).orElse(0); i++) {
      Node item = items.get().get(i);
      String itemField = field + "[" + i + "]";
      if (!(item instanceof ScalarNode s) || !Trunk.NUMBER.matcher(s.getValue()).matches()) {
        problems.add(
            item,
            itemField,
            "must be + and 1..15 digits (E.164), optionally ending in *, got "
                + YamlMap.describe(item));
        continue;
      }
      numbers.add(new Located<>(s.getValue(), item, itemField));
    }
  }
}
