package org.trunkline.server.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.trunkline.media.MediaConfig;
import org.yaml.snakeyaml.nodes.Node;

/**
 * {@code media: {address, advertised-address, ports, latch-window, silence-timeout, hold-timeout,
 * one-way-after, check-interval, recording-dir, threads}}: the RTP relay. Absent keys take the
 * {@link MediaConfig} defaults; without the section there is no relay.
 */
final class MediaSection {
  static final String KEY = "media";
  private static final java.util.List<String> KEYS =
      java.util.List.of(
          "address",
          "advertised-address",
          "ports",
          "latch-window",
          "silence-timeout",
          "hold-timeout",
          "one-way-after",
          "check-interval",
          "recording-dir",
          "threads",
          "default",
          "end-silent-calls");
  private static final Pattern RANGE = Pattern.compile("([0-9]{4,5})-([0-9]{4,5})");

  private MediaSection() {}

  static Optional<MediaConfig> read(Node node, Problems problems) {
    Optional<YamlMap> map =
        YamlMap.open(
            node,
            KEY,
            "a mapping like {address: 192.0.2.10, ports: 30000-39999}",
            problems,
            KEYS.toArray(String[]::new));
    if (map.isEmpty()) {
      return Optional.empty();
    }
    YamlMap m = map.get();
    int before = problems.count();
    InetAddress bind = address(m, "address", "127.0.0.1", problems);
    String advertised = m.text("advertised-address").orElse(null);
    if (advertised != null && address(m, "advertised-address", advertised, problems) == null) {
      advertised = null;
    }
    if (bind != null
        && bind.isAnyLocalAddress()
        && advertised == null
        && problems.count() == before) {
      problems.add(
          m.node("address").orElseThrow(),
          m.field("advertised-address"),
          "is required when address is the wildcard "
              + bind.getHostAddress()
              + " (the address the far sides send media to)");
    }
    int[] ports = ports(m, problems);
    Duration zero = Duration.ZERO;
    Optional<Duration> latch = m.duration("latch-window", MediaConfig.DEFAULT_LATCH_WINDOW, zero);
    Optional<Duration> silence =
        m.duration("silence-timeout", MediaConfig.DEFAULT_SILENCE_TIMEOUT, zero);
    Optional<Duration> hold = m.duration("hold-timeout", MediaConfig.DEFAULT_HOLD_TIMEOUT, zero);
    Optional<Duration> oneWay =
        m.duration("one-way-after", MediaConfig.DEFAULT_ONE_WAY_AFTER, zero);
    Optional<Duration> check =
        m.duration("check-interval", MediaConfig.DEFAULT_CHECK_INTERVAL, Duration.ofMillis(10));
    Path dir = m.text("recording-dir").map(Path::of).orElse(MediaConfig.DEFAULT_RECORDING_DIR);
    OptionalInt threads = m.integer("threads", 0, 0, 256, "0 (one per core) to 256");
    if (problems.count() != before) {
      return Optional.empty();
    }
    return Optional.of(
        new MediaConfig(
            bind,
            advertised,
            ports[0],
            ports[1],
            latch.orElseThrow(),
            silence.orElseThrow(),
            hold.orElseThrow(),
            oneWay.orElseThrow(),
            check.orElseThrow(),
            dir,
            threads.orElseThrow()));
  }

  /**
   * {@code default: relay | pass-through} (what trunks without a {@code media} key do) and {@code
   * end-silent-calls: true | false}. Problems of the section's mapping itself are reported by
   * {@link #read}.
   */
  static MediaPolicy policy(Node node, Problems problems) {
    // a section that is not a mapping, or has unknown keys, is reported once, by read
    return YamlMap.open(
            node, KEY, "a mapping", new Problems(problems.file()), KEYS.toArray(String[]::new))
        .map(m -> policy(m, problems))
        .orElse(MediaPolicy.DEFAULT);
  }

  private static MediaPolicy policy(YamlMap m, Problems problems) {
    boolean relay = false;
    Optional<String> mode = m.text("default");
    if (mode.isPresent()) {
      switch (mode.get().toLowerCase(java.util.Locale.ROOT)) {
        case "relay" -> relay = true;
        case "pass-through" -> relay = false;
        default ->
            problems.add(
                m.node("default").orElseThrow(),
                m.field("default"),
                "must be relay or pass-through, got " + mode.get());
      }
    }
    boolean end = true;
    Optional<String> text = m.text("end-silent-calls");
    if (text.isPresent()) {
      switch (text.get().toLowerCase(java.util.Locale.ROOT)) {
        case "true" -> end = true;
        case "false" -> end = false;
        default ->
            problems.add(
                m.node("end-silent-calls").orElseThrow(),
                m.field("end-silent-calls"),
                "must be true or false, got " + text.get());
      }
    }
    return new MediaPolicy(relay, end);
  }

  private static InetAddress address(YamlMap m, String key, String fallback, Problems problems) {
    String text = m.text(key).orElse(fallback);
    boolean literal = text.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}") || text.indexOf(':') >= 0;
    try {
      if (literal) {
        return InetAddress.getByName(text); // a literal: parsed, never looked up
      }
    } catch (UnknownHostException e) {
      // reported below
    }
    problems.add(m.node(key).orElseThrow(), m.field(key), "must be an IP address, got " + text);
    return null;
  }

  private static int[] ports(YamlMap m, Problems problems) {
    int[] def = {MediaConfig.DEFAULT_PORT_MIN, MediaConfig.DEFAULT_PORT_MAX};
    Optional<String> text = m.text("ports");
    if (text.isEmpty()) {
      return def;
    }
    Matcher r = RANGE.matcher(text.get());
    String why = null;
    int min = 0;
    int max = 0;
    if (!r.matches()) {
      why = "must be a range like 30000-39999, got " + text.get();
    } else {
      min = Integer.parseInt(r.group(1));
      max = Integer.parseInt(r.group(2));
      if (min < 1024 || min % 2 != 0) {
        why = "must start on an even port from 1024 (RTP even, RTCP odd), got " + min;
      } else if (max > 65535 || max <= min) {
        why = "must end above its start and at most 65535, got " + text.get();
      }
    }
    if (why != null) {
      problems.add(m.node("ports").orElseThrow(), m.field("ports"), why);
      return def;
    }
    return new int[] {min, max};
  }
}
