package org.trunkline.media;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * The relay's settings, immutable. Every field has a default ({@link #defaults(InetAddress)}); a
 * bad value is rejected by the constructor with a message naming the field.
 *
 * @param bindAddress the local address the relay's sockets bind to
 * @param advertisedAddress the address written into {@code c=} lines; the bind address when it is
 *     not a wildcard, else it must be given (the address the far sides can reach)
 * @param portMin first port of the pool, even (RTP on even ports, RTCP on the odd one above)
 * @param portMax last port of the pool (inclusive); the pool holds {@code (max - min + 1) / 2}
 *     pairs
 * @param latchWindow after a stream starts or is re-offered, how long a packet from an address
 *     other than the signalled one may still latch (NAT); afterwards only the signalled address may
 * @param silenceTimeout a sendrecv stream with no packet either way for this long is reported
 *     silent ({@link MediaListener#onSilence}); {@link Duration#ZERO} turns it off
 * @param holdTimeout the same for a stream on hold (sendonly, recvonly, inactive); zero is off
 * @param oneWayAfter a sendrecv stream where only one direction flowed for this long is flagged
 *     one-way ({@link MediaListener#onOneWay}); zero is off
 * @param checkInterval how often each session checks its timeouts
 * @param recordingDir where recordings go ({@code <call-id>.wav} or {@code .pcap})
 * @param threads event loops for the relay's sockets; 0 means one per core
 */
public record MediaConfig(
    InetAddress bindAddress,
    String advertisedAddress,
    int portMin,
    int portMax,
    Duration latchWindow,
    Duration silenceTimeout,
    Duration holdTimeout,
    Duration oneWayAfter,
    Duration checkInterval,
    Path recordingDir,
    int threads) {

  public static final int DEFAULT_PORT_MIN = 30000;
  public static final int DEFAULT_PORT_MAX = 39999;
  public static final Duration DEFAULT_LATCH_WINDOW = Duration.ofSeconds(3);
  public static final Duration DEFAULT_SILENCE_TIMEOUT = Duration.ofSeconds(60);
  public static final Duration DEFAULT_HOLD_TIMEOUT = Duration.ofHours(1);
  public static final Duration DEFAULT_ONE_WAY_AFTER = Duration.ofSeconds(10);
  public static final Duration DEFAULT_CHECK_INTERVAL = Duration.ofSeconds(1);
  public static final Path DEFAULT_RECORDING_DIR = Path.of("data", "recordings");

  /**
   * @throws IllegalArgumentException naming the field that is wrong
   */
  public MediaConfig {
    Objects.requireNonNull(bindAddress, "bindAddress");
    Objects.requireNonNull(latchWindow, "latchWindow");
    Objects.requireNonNull(silenceTimeout, "silenceTimeout");
    Objects.requireNonNull(holdTimeout, "holdTimeout");
    Objects.requireNonNull(oneWayAfter, "oneWayAfter");
    Objects.requireNonNull(checkInterval, "checkInterval");
    Objects.requireNonNull(recordingDir, "recordingDir");
    if (advertisedAddress == null || advertisedAddress.isBlank()) {
      if (bindAddress.isAnyLocalAddress()) {
        throw new IllegalArgumentException(
            "media advertised-address: required when binding to the wildcard "
                + bindAddress.getHostAddress());
      }
      advertisedAddress = bindAddress.getHostAddress();
    }
    if (portMin < 1024 || portMin > 65534 || portMin % 2 != 0) {
      throw new IllegalArgumentException(
          "media ports: first port must be even and 1024-65534, got " + portMin);
    }
    if (portMax <= portMin || portMax > 65535) {
      throw new IllegalArgumentException(
          "media ports: last port must be above " + portMin + " and <= 65535, got " + portMax);
    }
    for (var d :
        new Object[][] {
          {"latch-window", latchWindow},
          {"silence-timeout", silenceTimeout},
          {"hold-timeout", holdTimeout},
          {"one-way-after", oneWayAfter}
        }) {
      if (((Duration) d[1]).isNegative()) {
        throw new IllegalArgumentException("media " + d[0] + ": must be >= 0, got " + d[1]);
      }
    }
    if (checkInterval.toMillis() < 10) {
      throw new IllegalArgumentException(
          "media check-interval: must be >= 10ms, got " + checkInterval);
    }
    if (threads < 0) {
      throw new IllegalArgumentException("media threads: must be >= 0, got " + threads);
    }
  }

  /** Defaults, bound to and advertising {@code bind}. */
  public static MediaConfig defaults(InetAddress bind) {
    return new MediaConfig(
        bind,
        null,
        DEFAULT_PORT_MIN,
        DEFAULT_PORT_MAX,
        DEFAULT_LATCH_WINDOW,
        DEFAULT_SILENCE_TIMEOUT,
        DEFAULT_HOLD_TIMEOUT,
        DEFAULT_ONE_WAY_AFTER,
        DEFAULT_CHECK_INTERVAL,
        DEFAULT_RECORDING_DIR,
        0);
  }

  /** With another port range. */
  public MediaConfig withPorts(int min, int max) {
    return new MediaConfig(
        bindAddress,
        advertisedAddress,
        min,
        max,
        latchWindow,
        silenceTimeout,
        holdTimeout,
        oneWayAfter,
        checkInterval,
        recordingDir,
        threads);
  }

  /** With other timers. */
  public MediaConfig withTimers(
      Duration latch, Duration silence, Duration hold, Duration oneWay, Duration check) {
    return new MediaConfig(
        bindAddress,
        advertisedAddress,
        portMin,
        portMax,
        latch,
        silence,
        hold,
        oneWay,
        check,
        recordingDir,
        threads);
  }

  /** With another recording directory. */
  public MediaConfig withRecordingDir(Path dir) {
    return new MediaConfig(
        bindAddress,
        advertisedAddress,
        portMin,
        portMax,
        latchWindow,
        silenceTimeout,
        holdTimeout,
        oneWayAfter,
        checkInterval,
        dir,
        threads);
  }

  /** With another number of event loops. */
  public MediaConfig withThreads(int n) {
    return new MediaConfig(
        bindAddress,
        advertisedAddress,
        portMin,
        portMax,
        latchWindow,
        silenceTimeout,
        holdTimeout,
        oneWayAfter,
        checkInterval,
        recordingDir,
        n);
  }
}
