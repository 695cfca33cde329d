package org.trunkline.server.trunks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.trunkline.core.call.Cdr;
import org.trunkline.server.TrunklineServer;
import org.trunkline.server.config.ConfigLoader;
import org.trunkline.stack.ListenPoint;

/**
 * A real user agent's call through the server (issue 6): baresip on register-in trunk {@code acme}
 * dials a number of trunk {@code beta}, whose baresip answers by itself; the caller hangs up. Both
 * are real SIP stacks (libre's digest, dialogs, SDP offer/answer with G.711), so this is the call a
 * customer's PBX makes, and its CDR says so.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BaresipCallTest {
  private static final Duration LIMIT = Duration.ofSeconds(20);

  /**
   * A codec to offer and answer, and a tone as the microphone (baresip 1.0's ausine makes only 48
   * kHz stereo, resampled for G.711); nothing plays.
   */
  private static final List<String> AUDIO =
      List.of(
          "module\tg711.so",
          "module\tausine.so",
          "audio_source\tausine,440",
          "ausrc_srate\t48000",
          "ausrc_channels\t2",
          // media on loopback too: by default baresip offers its first network interface
          "net_interface\t127.0.0.1");

  @TempDir Path dir;
  private TrunklineServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void aBaresipCallsAnotherThroughTheServerWhichAnswersAndTheCallerHangsUp() throws Exception {
    Path file = dir.resolve("trunkline.yaml");
    Files.writeString(
        file,
        "listen:\n"
            + "  - {name: public, transport: udp, address: 127.0.0.1, port: 0}\n"
            + "database: {url: \"jdbc:h2:file:"
            + dir.resolve("db")
            + "\"}\n"
            + "api: {enabled: false}\n"
            + "trunks:\n"
            + "  - {name: acme, mode: register-in, username: acme, password: s3cret}\n"
            + "  - {name: beta, mode: register-in, username: beta, password: s3cret,"
            + " numbers: [\"+7495100*\"]}\n");
    server = TrunklineServer.start(ConfigLoader.load(file), Clock.systemUTC());
    ListenPoint lp = server.listening().getFirst();
    InetSocketAddress sip = new InetSocketAddress(lp.address(), lp.port());

    try (Baresip callee =
            Baresip.start(
                dir.resolve("beta"), sip, "beta", "s3cret", 60, ";answermode=auto", AUDIO);
        Baresip caller = Baresip.start(dir.resolve("acme"), sip, "acme", "s3cret", 60, "", AUDIO)) {
      callee.awaitOutput("200 OK (Trunkline) [1 binding]", LIMIT);
      caller.awaitOutput("200 OK (Trunkline) [1 binding]", LIMIT);

      caller.command("dial sip:+74951001234@" + lp.address() + ":" + lp.port());
      callee.awaitOutput("Call established", LIMIT);
      caller.awaitOutput("Call established", LIMIT);
      assertThat(server.core().calls().active("beta")).isEqualTo(1);
      assertThat(callee.output()).as("media offered on loopback").contains("c=IN IP4 127.0.0.1");

      caller.command("hangup");
      Cdr cdr =
          await()
              .atMost(LIMIT)
              .until(
                  () -> server.core().calls().cdrs(1).stream().findFirst().orElse(null),
                  java.util.Objects::nonNull);
      assertThat(cdr.fromTrunk()).isEqualTo("acme");
      assertThat(cdr.toTrunk()).isEqualTo("beta");
      assertThat(cdr.called()).isEqualTo("+74951001234");
      assertThat(cdr.status()).isEqualTo(200);
      assertThat(cdr.answer()).isNotNull();
      assertThat(cdr.hangup()).isEqualTo("caller");
      assertThat(cdr.reason()).isEqualTo("BYE from caller");
      assertThat(cdr.cause()).isEqualTo(16);
      // the callee's baresip got our BYE and ended its side of the call
      callee.awaitOutput("session closed", LIMIT);
      assertThat(callee.output()).contains("BYE sip:beta-");
      assertThat(caller.output()).as("the caller's BYE was answered").contains("200 OK");
      assertThat(server.core().calls().active("beta")).isZero();
    }
  }
}
