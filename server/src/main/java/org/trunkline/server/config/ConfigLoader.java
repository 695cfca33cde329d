package org.trunkline.server.config;

import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.trunkline.core.trunk.CallPolicy;
import org.trunkline.core.trunk.IngressPolicy;
import org.trunkline.core.trunk.Route;
import org.trunkline.core.trunk.Trunk;
import org.trunkline.core.trunk.TrunksConfig;
import org.trunkline.media.MediaConfig;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads a config file into a {@link TrunklineConfig}, or rejects it with every problem found.
 *
 * <p>The file is composed into a YAML node tree (so every value keeps its line) and mapped by hand:
 * no reflection, no silent defaults for wrong values. A new top-level section is one more key in
 * {@link #SECTIONS} and one more {@code XxxSection.read} call. Stateless and thread-safe.
 */
public final class ConfigLoader {
  /** The top-level keys, in the order the docs list them. */
  static final List<String> SECTIONS =
      List.of(
          ListenSection.KEY,
          DatabaseSection.KEY,
          TrunksSection.KEY,
          RoutesSection.KEY,
          CallsSection.KEY,
          IngressSection.KEY,
          ApiSection.KEY,
          MediaSection.KEY,
          TracesSection.KEY,
          SipSection.KEY,
          WarmupSection.KEY);

  /**
   * The largest config we read, in characters. SnakeYAML's own default (3 Mi) is smaller than an
   * operator's file with 100,000 register-in trunks (about 9.3 MB, one 93-character line each).
   */
  static final int MAX_CHARS = 64 * 1024 * 1024;

  private ConfigLoader() {}

  /** Reads and validates {@code file}; relative paths are relative to the working directory. */
  public static TrunklineConfig load(Path file) throws ConfigException {
    return parse(file, text(file));
  }

  /**
   * Only the {@code api} section of {@code file}, for commands that talk to a running server: the
   * rest of the file may be mid-edit. YAML syntax errors and problems of the section itself are
   * still rejected.
   */
  public static ApiConfig loadApi(Path file) throws ConfigException {
    Node root = compose(file, text(file));
    Problems problems = new Problems(file);
    ApiConfig api = ApiConfig.defaults();
    if (root instanceof MappingNode top) {
      for (NodeTuple tuple : top.getValue()) {
        if (tuple.getKeyNode() instanceof ScalarNode key && key.getValue().equals(ApiSection.KEY)) {
          api = ApiSection.read(tuple.getValueNode(), problems);
        }
      }
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(problems.sorted());
    }
    return api;
  }

  private static String text(Path file) throws ConfigException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw single(file, 0, "cannot read: " + describe(e));
    }
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes))
              .toString();
    } catch (CharacterCodingException e) {
      throw single(file, 0, "not UTF-8 text");
    }
    return text;
  }

  /** Validates config text; {@code source} names it in messages and in the result. */
  public static TrunklineConfig parse(Path source, String text) throws ConfigException {
    Node root = compose(source, text);
    if (root == null || (root instanceof ScalarNode s && s.getTag().equals(Tag.NULL))) {
      throw single(source, 1, "empty file: expected at least a 'listen' section");
    }
    Problems problems = new Problems(source);
    TrunklineConfig config = map(root, source, problems);
    if (!problems.isEmpty()) {
      throw new ConfigException(problems.sorted());
    }
    return config;
  }

  private static Node compose(Path source, String text) throws ConfigException {
    try {
      LoaderOptions options = new LoaderOptions();
      options.setCodePointLimit(MAX_CHARS);
      return new Yaml(options).compose(new StringReader(text));
    } catch (MarkedYAMLException e) {
      Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      String problem = syntaxProblem(e);
      String where = mark == null ? "" : " (column " + (mark.getColumn() + 1) + ")";
      throw single(
          source, mark == null ? 0 : mark.getLine() + 1, "YAML syntax error: " + problem + where);
    } catch (YAMLException e) {
      throw single(source, 0, "YAML error: " + e.getMessage());
    }
  }

  private static TrunklineConfig map(Node root, Path source, Problems problems) {
    String expected = "a mapping with the sections " + String.join(", ", SECTIONS);
    YamlMap top =
        YamlMap.open(root, "", expected, problems, SECTIONS.toArray(String[]::new)).orElse(null);
    if (top == null) {
      return null;
    }
    List<ListenConfig> listen =
        top.required(ListenSection.KEY).map(n -> ListenSection.read(n, problems)).orElse(List.of());
    DatabaseConfig database =
        top.node(DatabaseSection.KEY)
            .map(n -> DatabaseSection.read(n, problems))
            .orElseGet(DatabaseConfig::defaults);
    // read before the trunks: their media keys depend on it
    Optional<MediaConfig> media =
        top.node(MediaSection.KEY).flatMap(n -> MediaSection.read(n, problems));
    MediaPolicy mediaPolicy =
        top.node(MediaSection.KEY)
            .map(n -> MediaSection.policy(n, problems))
            .orElse(MediaPolicy.DEFAULT);
    TrunkMediaKeys.Context mediaContext =
        new TrunkMediaKeys.Context(top.node(MediaSection.KEY).isPresent(), mediaPolicy);
    int beforeTrunks = problems.count();
    List<Trunk> trunks =
        top.node(TrunksSection.KEY)
            .map(n -> TrunksSection.read(n, listen, problems, mediaContext))
            .orElse(List.of());
    boolean trunksOk = problems.count() == beforeTrunks;
    List<Route> routes =
        top.node(RoutesSection.KEY)
            .map(n -> RoutesSection.read(n, trunks, trunksOk, problems))
            .orElse(List.of());
    CallPolicy callPolicy =
        top.node(CallsSection.KEY)
            .map(n -> CallsSection.read(n, problems))
            .orElse(CallPolicy.DEFAULT);
    IngressPolicy ingress =
        top.node(IngressSection.KEY)
            .map(n -> IngressSection.read(n, problems))
            .orElse(IngressPolicy.DEFAULT);
    ApiConfig api =
        top.node(ApiSection.KEY)
            .map(n -> ApiSection.read(n, problems))
            .orElseGet(ApiConfig::defaults);
    TracesConfig traces =
        top.node(TracesSection.KEY)
            .map(n -> TracesSection.read(n, problems))
            .orElseGet(TracesConfig::defaults);
    SipConfig sip =
        top.node(SipSection.KEY).map(n -> SipSection.read(n, problems)).orElse(SipConfig.DEFAULT);
    WarmupConfig warmup =
        top.node(WarmupSection.KEY)
            .map(n -> WarmupSection.read(n, problems))
            .orElse(WarmupConfig.DEFAULT);
    return new TrunklineConfig(
        listen,
        database,
        new TrunksConfig(trunks, ingress, routes, callPolicy),
        api,
        media,
        traces,
        mediaPolicy,
        source,
        sip,
        warmup);
  }

  /** SnakeYAML splits some messages in two ("expected a single document", "but found ..."). */
  private static String syntaxProblem(MarkedYAMLException e) {
    String problem = e.getProblem();
    if (problem == null) {
      return e.getContext();
    }
    if (problem.startsWith("but ") && e.getContext() != null) {
      return e.getContext() + ", " + problem;
    }
    return problem;
  }

  private static ConfigException single(Path file, int line, String problem) {
    return new ConfigException(List.of(new ConfigProblem(file, line, "", problem)));
  }

  private static String describe(IOException e) {
    if (e instanceof NoSuchFileException) {
      return "no such file";
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
  }
}
