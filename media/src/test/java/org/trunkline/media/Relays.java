package org.trunkline.media;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import org.trunkline.sip.sdp.SdpParser;
import org.trunkline.sip.sdp.SessionDescription;

/** Relays for tests: on 127.0.0.1, a port range of their own, one event loop, quick timers. */
final class Relays {
  private Relays() {}

  static MediaConfig config(Path recordings) throws Exception {
    // a random block of 400 ports in 20000-29999: below the ephemeral range and the bench relays
    // (30000-49999), so parallel builds on this machine rarely meet (and bind skips taken ports)
    int base = 20000 + 2 * ThreadLocalRandom.current().nextInt(0, 4800);
    return MediaConfig.defaults(InetAddress.getByName("127.0.0.1"))
        .withPorts(base, base + 399)
        .withTimers(
            Duration.ofSeconds(5), // latch window: long enough for a loaded CI machine
            Duration.ZERO,
            Duration.ZERO,
            Duration.ZERO,
            Duration.ofMillis(50))
        .withRecordingDir(recordings)
        .withThreads(1);
  }

  static SessionDescription parse(byte[] body) {
    return new SdpParser().parse(body).description();
  }

  static String text(byte[] body) {
    return new String(body, StandardCharsets.US_ASCII);
  }

  /** Where the relay wants media of stream {@code i} of a rewritten body. */
  static InetSocketAddress rtpTarget(byte[] body, int i) {
    SessionDescription d = parse(body);
    String host = d.media().get(i).connection().or(d::connection).orElseThrow().address();
    return new InetSocketAddress(host, d.media().get(i).port());
  }
}
