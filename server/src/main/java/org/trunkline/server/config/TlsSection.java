package org.trunkline.server.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.trunkline.stack.TlsConfig;
import org.trunkline.stack.TlsConfigException;
import org.trunkline.stack.TlsContexts;
import org.yaml.snakeyaml.nodes.Node;

/**
 * The TLS keys of a {@code listen} entry with {@code transport: tls}: {@code certificate}, {@code
 * private-key}, {@code ca}, {@code verify-peer}, {@code sni}. File paths are relative to the config
 * file's directory. The files are read and checked here (so {@code trunkline check} finds a missing
 * file or a key that does not match its certificate), and a problem names the key's line.
 */
final class TlsSection {
  private TlsSection() {}

  static Optional<TlsConfig> read(Node entry, YamlMap m, Problems problems) {
    // where each setting was written, for problems found in its file
    Map<String, Node> at = new HashMap<>();
    Optional<Path> cert = file(entry, m, "certificate", true, problems, at, "");
    Optional<Path> key = file(entry, m, "private-key", true, problems, at, "");
    Optional<Path> ca = file(entry, m, "ca", false, problems, at, "");
    Optional<TlsConfig.VerifyPeer> verify = verifyPeer(m, problems);
    Optional<List<TlsConfig.SniCertificate>> sni = sni(m, problems, at);
    boolean caGiven = m.node("ca").isPresent();
    if (cert.isEmpty()
        || key.isEmpty()
        || (caGiven && ca.isEmpty())
        || verify.isEmpty()
        || sni.isEmpty()) {
      return Optional.empty();
    }
    TlsConfig config =
        new TlsConfig(cert.get(), key.get(), ca.orElse(null), verify.get(), sni.get());
    try {
      TlsContexts.check(config);
    } catch (TlsConfigException e) {
      problems.add(at.getOrDefault(e.field(), entry), m.field(e.field()), e.getMessage());
      return Optional.empty();
    }
    return Optional.of(config);
  }

  private static Optional<Path> file(
      Node entry,
      YamlMap m,
      String key,
      boolean required,
      Problems problems,
      Map<String, Node> at,
      String prefix) {
    Optional<Node> node = m.node(key);
    if (node.isEmpty()) {
      if (required) {
        problems.add(entry, m.field(key), "missing (required for transport tls)");
      }
      return Optional.empty();
    }
    at.put(prefix + key, node.get());
    Optional<String> text = m.text(key);
    if (text.isPresent() && text.get().isBlank()) {
      problems.add(node.get(), m.field(key), "must be a file name, got nothing");
      return Optional.empty();
    }
    return text.map(t -> resolve(problems.file(), t));
  }

  /** Relative to the directory of the config file. */
  static Path resolve(Path configFile, String file) {
    Path dir = configFile.getParent();
    return dir == null ? Path.of(file) : dir.resolve(file);
  }

  private static Optional<TlsConfig.VerifyPeer> verifyPeer(YamlMap m, Problems problems) {
    if (m.node("verify-peer").isEmpty()) {
      return Optional.of(TlsConfig.VerifyPeer.NONE);
    }
    Optional<String> text = m.text("verify-peer");
    if (text.isEmpty()) {
      return Optional.empty();
    }
    for (TlsConfig.VerifyPeer v : TlsConfig.VerifyPeer.values()) {
      if (v.token().equals(text.get().toLowerCase(Locale.ROOT))) {
        return Optional.of(v);
      }
    }
    problems.add(
        m.node("verify-peer").orElseThrow(),
        m.field("verify-peer"),
        "must be none, optional or require, got " + text.get());
    return Optional.empty();
  }

  private static Optional<List<TlsConfig.SniCertificate>> sni(
      YamlMap m, Problems problems, Map<String, Node> at) {
    Optional<Node> node = m.node("sni");
    if (node.isEmpty()) {
      return Optional.of(List.of());
    }
    Optional<List<Node>> items =
        YamlMap.sequence(
            node.get(),
            m.field("sni"),
            "a list like [{host: sip.example.com, certificate: a.pem, private-key: a.key}]",
            problems);
    if (items.isEmpty()) {
      return Optional.empty();
    }
    List<TlsConfig.SniCertificate> out = new ArrayList<>();
    boolean ok = true;
    for (int i = 0; i < items.get().size(); i++) {
      Node item = items.get().get(i);
      String path = m.field("sni") + "[" + i + "]";
      Optional<YamlMap> open =
          YamlMap.open(
              item,
              path,
              "a mapping like {host: sip.example.com, certificate: a.pem, private-key: a.key}",
              problems,
              "host",
              "certificate",
              "private-key");
      if (open.isEmpty()) {
        ok = false;
        continue;
      }
      YamlMap s = open.get();
      Optional<String> host = s.requiredText("host");
      if (host.isPresent() && !isSniHost(host.get())) {
        problems.add(
            s.node("host").orElseThrow(),
            s.field("host"),
            "must be a host name or *.domain, got " + host.get());
        host = Optional.empty();
      }
      String prefix = "sni[" + i + "].";
      Optional<Path> cert = file(item, s, "certificate", true, problems, at, prefix);
      Optional<Path> key = file(item, s, "private-key", true, problems, at, prefix);
      if (host.isEmpty() || cert.isEmpty() || key.isEmpty()) {
        ok = false;
        continue;
      }
      out.add(new TlsConfig.SniCertificate(host.get(), cert.get(), key.get()));
    }
    return ok ? Optional.of(out) : Optional.empty();
  }

  private static boolean isSniHost(String host) {
    String name = host.startsWith("*.") ? host.substring(2) : host;
    return HostNames.isHostName(name);
  }
}
