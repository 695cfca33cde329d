package org.trunkline.server.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.trunkline.core.trunk.TrunksConfig;
import org.trunkline.media.MediaConfig;
import org.trunkline.stack.ListenPoint;

/**
 * The whole config file, validated. Immutable; built only by {@link ConfigLoader}.
 *
 * @param listen the sockets to receive SIP on, at least one, no duplicates
 * @param database where state is stored (defaults when the file has no {@code database} section)
 * @param trunks the trunks and the ingress policy ({@link TrunksConfig#EMPTY} when the file has no
 *     {@code trunks} or {@code ingress} section)
 * @param api where the admin HTTP API listens ({@link ApiConfig#defaults} when the file has no
 *     {@code api} section; {@link ApiConfig#DISABLED} for configs built in code without one)
 * @param media the RTP relay, when the file has a {@code media} section
 * @param traces whether and how long SIP traces are kept ({@link TracesConfig#defaults} when the
 *     file has no {@code traces} section; {@link TracesConfig#DISABLED} for configs built in code
 *     without one)
 * @param mediaPolicy what the media section says about calls (default mode, silent calls)
 * @param source the file this was read from, as named on the command line
 * @param sip the SIP stack's event loops ({@link SipConfig#DEFAULT} without a {@code sip} section)
 * @param warmup the JIT warm-up of {@code trunkline run} ({@link WarmupConfig#DEFAULT}, on, for a
 *     file without a {@code warmup} section; {@link WarmupConfig#OFF} for configs built in code)
 */
public record TrunklineConfig(
    List<ListenConfig> listen,
    DatabaseConfig database,
    TrunksConfig trunks,
    ApiConfig api,
    Optional<MediaConfig> media,
    TracesConfig traces,
    MediaPolicy mediaPolicy,
    Path source,
    SipConfig sip,
    WarmupConfig warmup) {
  /** The config file used when the command line names none. */
  public static final String DEFAULT_FILE = "conf/trunkline.yaml";

  public static final Path DEFAULT_PATH = Path.of(DEFAULT_FILE);

  public TrunklineConfig {
    listen = List.copyOf(listen);
    java.util.Objects.requireNonNull(trunks, "trunks");
    java.util.Objects.requireNonNull(api, "api");
    java.util.Objects.requireNonNull(media, "media");
    java.util.Objects.requireNonNull(traces, "traces");
    java.util.Objects.requireNonNull(mediaPolicy, "mediaPolicy");
    java.util.Objects.requireNonNull(sip, "sip");
    java.util.Objects.requireNonNull(warmup, "warmup");
  }

  /** A config built in code with a {@code sip} section: no warm-up. */
  public TrunklineConfig(
      List<ListenConfig> listen,
      DatabaseConfig database,
      TrunksConfig trunks,
      ApiConfig api,
      Optional<MediaConfig> media,
      TracesConfig traces,
      MediaPolicy mediaPolicy,
      Path source,
      SipConfig sip) {
    this(listen, database, trunks, api, media, traces, mediaPolicy, source, sip, WarmupConfig.OFF);
  }

  /** A config without a {@code sip} section: the stack's default event loop count. */
  public TrunklineConfig(
      List<ListenConfig> listen,
      DatabaseConfig database,
      TrunksConfig trunks,
      ApiConfig api,
      Optional<MediaConfig> media,
      TracesConfig traces,
      MediaPolicy mediaPolicy,
      Path source) {
    this(listen, database, trunks, api, media, traces, mediaPolicy, source, SipConfig.DEFAULT);
  }

  /** A config without a {@code traces} section built in code: tracing off. */
  public TrunklineConfig(
      List<ListenConfig> listen,
      DatabaseConfig database,
      TrunksConfig trunks,
      ApiConfig api,
      Optional<MediaConfig> media,
      MediaPolicy mediaPolicy,
      Path source) {
    this(listen, database, trunks, api, media, TracesConfig.DISABLED, mediaPolicy, source);
  }

  /** A config without a {@code media} section's call policy built in code. */
  public TrunklineConfig(
      List<ListenConfig> listen,
      DatabaseConfig database,
      TrunksConfig trunks,
      ApiConfig api,
      Optional<MediaConfig> media,
      TracesConfig traces,
      Path source) {
    this(listen, database, trunks, api, media, traces, MediaPolicy.DEFAULT, source);
  }

  /** A config without a {@code traces} section or media policy built in code: tracing off. */
  public TrunklineConfig(
      List<ListenConfig> listen,
      DatabaseConfig database,
      TrunksConfig trunks,
      ApiConfig api,
      Optional<MediaConfig> media,
      Path source) {
    this(listen, database, trunks, api, media, TracesConfig.DISABLED, MediaPolicy.DEFAULT, source);
  }

  /** A config without {@code media} and {@code traces} sections built in code. */
  public TrunklineConfig(
      List<ListenConfig> listen,
      DatabaseConfig database,
      TrunksConfig trunks,
      ApiConfig api,
      Path source) {
    this(listen, database, trunks, api, Optional.empty(), source);
  }

  /** A config built in code: no admin API, so tests never compete for its port. */
  public TrunklineConfig(
      List<ListenConfig> listen, DatabaseConfig database, TrunksConfig trunks, Path source) {
    this(
        listen,
        database,
        trunks,
        ApiConfig.DISABLED,
        Optional.empty(),
        TracesConfig.DISABLED,
        MediaPolicy.DEFAULT,
        source);
  }

  /** A config without trunks. */
  public TrunklineConfig(List<ListenConfig> listen, DatabaseConfig database, Path source) {
    this(listen, database, TrunksConfig.EMPTY, source);
  }

  /** The listen points in file order, as the SIP stack takes them. */
  public List<ListenPoint> listenPoints() {
    return listen.stream().map(ListenConfig::listenPoint).toList();
  }
}
