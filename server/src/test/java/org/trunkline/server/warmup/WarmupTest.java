package org.trunkline.server.warmup;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trunkline.server.TrunklineServer;
import org.trunkline.server.config.ConfigLoader;
import org.trunkline.server.config.TrunklineConfig;

/**
 * The start-up warm-up: real registrations and calls through a throwaway server, then nothing left.
 */
class WarmupTest {
  @TempDir Path dir;

  private TrunklineConfig config(String warmup) throws Exception {
    return ConfigLoader.parse(
        dir.resolve("trunkline.yaml"),
        "listen: [{transport: udp, address: 127.0.0.1, port: 0}]\n"
            + "database: {url: \"jdbc:h2:file:"
            + dir.resolve("data/trunkline")
            + "\"}\n"
            + "api: {enabled: false}\n"
            + "trunks: [{name: acme, mode: register-in, username: acme, password: s3cret}]\n"
            + warmup);
  }

  private static List<Path> warmupDirectories() throws IOException {
    try (Stream<Path> s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      return s.filter(p -> p.getFileName().toString().startsWith("trunkline-warmup-")).toList();
    }
  }

  @Test
  void thePeersAreKeptOutOfC2WhileItRunsAndTheJvmsDirectivesAreAsBeforeAfter() throws Exception {
    String before = Warmup.diagnostic("compilerDirectivesPrint");
    assertThat(before).isNotNull().doesNotContain("org/trunkline/server/warmup/Calls");

    // the JVM parses and takes the directive (a typo in it would be "0 ... added" or an error)
    assertThat(Warmup.peersOffC2(dir)).isTrue();
    assertThat(Warmup.diagnostic("compilerDirectivesPrint"))
        .contains(
            "org/trunkline/server/warmup/Calls*.*", "org/trunkline/server/warmup/Exchanges*.*");
    Warmup.diagnostic("compilerDirectivesRemove");
    assertThat(Warmup.diagnostic("compilerDirectivesPrint")).isEqualTo(before);

    Warmup.run(config("warmup: {registrations: 30, calls: 10, max-time: 3s}\n"));
    assertThat(Warmup.diagnostic("compilerDirectivesPrint")).isEqualTo(before);
  }

  @Test
  void thePeersNumbersAreWhatTheFormatterWouldHaveWritten() {
    for (long n : new long[] {0, 7, 123456, 9_999_999, 10_000_000, Long.MAX_VALUE}) {
      assertThat(SipText.digits(n, 7)).isEqualTo(String.format("%07d", n));
    }
    for (long n : new long[] {0, 1, 0x9E3779B97F4A7C15L, -1, 5 * 0x9E3779B97F4A7C15L}) {
      assertThat(SipText.hex(n, 32)).isEqualTo(String.format("%032x", n));
    }
    byte[] m = "SIP/2.0 200 OK\r\nVia: a\r\nTo: b\r\n\r\nbody".getBytes();
    SipText t = SipText.parse(m, m.length);
    assertThat(t.startLine()).isEqualTo("SIP/2.0 200 OK");
    assertThat(t.headerLines()).containsExactly("Via: a", "To: b");
    assertThat(t.body()).isEqualTo("body");
  }

  @Test
  void everyRegistrationAndCallIsAnsweredAndNothingIsLeftBehind() throws Exception {
    List<Path> before = warmupDirectories();

    Warmup.Report report =
        Warmup.run(config("warmup: {registrations: 300, calls: 120, max-time: 6s}\n"));

    assertThat(report).isNotNull();
    assertThat(report.rounds()).isGreaterThanOrEqualTo(Warmup.MIN_ROUNDS);
    // per round 150 new contacts, 150 refreshes, 150 removals: each a 200 to a REGISTER with
    // digest;
    // max-time may have cut the last round short (those are not failures)
    assertThat(report.registrations())
        .isBetween((report.rounds() - 1) * 450, report.rounds() * 450);
    assertThat(report.registrationsFailed()).isZero();
    // each a 200 to the caller's BYE after the callee answered the routed INVITE
    assertThat(report.calls()).isBetween((report.rounds() - 1) * 120, report.rounds() * 120);
    assertThat(report.callsFailed()).isZero();
    // every kind of call ran through the server: the callee's BYE, a CANCEL answered 487 (none
    // raced by the 200: the callee rings until the CANCEL), a re-INVITE
    assertThat(report.callsByKind())
        .matches("CALLER_BYE \\d+, CALLEE_BYE \\d+, CANCEL \\d+, HOLD_THEN_BYE \\d+")
        .doesNotContain(" 0,")
        .doesNotEndWith(" 0");
    if (!report.cutShort()) {
      assertThat(report.registrations()).isEqualTo(report.rounds() * 450);
      assertThat(report.calls()).isEqualTo(report.rounds() * 120);
      // per round: calls 1..120 by number mod 6: 0-1 caller, 2-3 callee, 4 CANCEL, 5 hold
      int r = report.rounds();
      assertThat(report.callsByKind())
          .isEqualTo(
              "CALLER_BYE "
                  + 40 * r
                  + ", CALLEE_BYE "
                  + 40 * r
                  + ", CANCEL "
                  + 20 * r
                  + ", HOLD_THEN_BYE "
                  + 20 * r);
    }
    assertThat(report.describe())
        .startsWith(
            "warm-up: "
                + report.rounds()
                + " rounds, "
                + report.registrations()
                + " registrations (0 failed), "
                + report.calls()
                + " calls (0 failed) in ");
    assertThat(warmupDirectories()).isEqualTo(before);
    assertThat(dir.resolve("data")).doesNotExist();
  }

  @Test
  void theRealServerStartsWithoutAnyOfTheWarmUpsState() throws Exception {
    TrunklineConfig config = config("warmup: {registrations: 40, calls: 10, max-time: 2s}\n");
    assertThat(Warmup.run(config).calls()).isPositive();

    try (TrunklineServer server = TrunklineServer.start(config, Clock.systemUTC())) {
      Map<String, Long> counters = server.core().counters();
      assertThat(counters).containsEntry("registrar_bindings", 0L);
      assertThat(server.core().trunks()).extracting(t -> t.name()).containsExactly("acme");
      assertThat(server.listening().get(0).port()).isPositive();
    }
  }

  @Test
  void offMeansNothingRuns() throws Exception {
    assertThat(Warmup.run(config("warmup: {enabled: false}\n"))).isNull();
    assertThat(Warmup.run(config("warmup: {registrations: 0, calls: 0}\n"))).isNull();
    assertThat(Warmup.running()).isFalse();
  }
}
