package org.trunkline.server.trunks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trunkline.core.call.Cdr;
import org.trunkline.server.TrunklineServer;
import org.trunkline.server.config.ConfigLoader;
import org.trunkline.stack.ListenPoint;
import org.trunkline.stack.Sipp;

/**
 * Per-direction channel limits (issue 6): {@code carrier1} takes at most one call from it at once
 * ({@code max-channels-in: 1}) and {@code pbx} at most one call to it ({@code max-channels-out:
 * 1}). One call over a limit is refused at once with {@code 503} (or {@code calls.limit-status},
 * applied by a reload here) and {@code Reason: Q.850;cause=34}, never rung, while the other
 * direction of the same trunk still carries calls.
 */
class TrunkChannelLimitsTest {
  private static final Duration LIMIT = Duration.ofSeconds(30);

  /** How long the call that holds a channel lasts (SIPp -d): the other calls happen within it. */
  private static final String HOLD_MS = "8000";

  private static final String CARRIER1 = "127.0.0.20";
  private static final String CARRIER2 = "127.0.0.22";
  private static final String PBX = "127.0.0.21";
  private static final String CARRIER3 = "127.0.0.23";
  private static final String PBX2 = "127.0.0.24";
  private static final String CAPPED = "127.0.0.25";

  /** Calls placed at once by the calls-per-second tests, at {@link #BURST_RATE} per second. */
  private static final int BURST = 10;

  private static final String BURST_RATE = "50";

  @TempDir static Path dir;
  private static TrunklineServer server;
  private static int carrierPort;
  private static int pbxPort;
  private static int pbx2Port;
  private static int cappedPort;
  private static Path file;
  private static String config;

  @BeforeAll
  static void start() throws Exception {
    carrierPort = Sipp.freePortFor("u1");
    pbxPort = Sipp.freePortFor("u1");
    pbx2Port = Sipp.freePortFor("u1");
    cappedPort = Sipp.freePortFor("u1");
    file = dir.resolve("trunkline.yaml");
    config =
        "listen:\n"
            + "  - {name: public, transport: udp, address: 127.0.0.1, port: 0}\n"
            + "database: {url: \"jdbc:h2:file:"
            + dir.resolve("db")
            + "\"}\n"
            + "api: {enabled: false}\n"
            + "trunks:\n"
            + "  - {name: carrier1, mode: ip, peers: [\""
            + CARRIER1
            + "\"], target: \"sip:"
            + CARRIER1
            + ":"
            + carrierPort
            + "\", health: off, max-channels-in: 1}\n"
            + "  - {name: carrier2, mode: ip, peers: [\""
            + CARRIER2
            + "\"]}\n"
            + "  - {name: pbx, mode: ip, peers: [\""
            + PBX
            + "\"], target: \"sip:"
            + PBX
            + ":"
            + pbxPort
            + "\", health: off, max-channels-out: 1}\n"
            + "  - {name: carrier3, mode: ip, peers: [\""
            + CARRIER3
            + "\"], max-cps: 1}\n"
            + "  - {name: pbx2, mode: ip, peers: [\""
            + PBX2
            + "\"], target: \"sip:"
            + PBX2
            + ":"
            + pbx2Port
            + "\", health: off}\n"
            + "  - {name: capped, mode: ip, peers: [\""
            + CAPPED
            + "\"], target: \"sip:"
            + CAPPED
            + ":"
            + cappedPort
            + "\", health: off, max-cps: 1}\n"
            + "routes:\n"
            + "  - {prefix: \"+7495\", trunks: [pbx]}\n"
            + "  - {prefix: \"+4930\", trunks: [carrier1]}\n"
            + "  - {prefix: \"+7812\", trunks: [pbx2]}\n"
            + "  - {prefix: \"+7813\", trunks: [capped, pbx2]}\n";
    Files.writeString(file, config);
    server = TrunklineServer.start(ConfigLoader.load(file), Clock.systemUTC());
  }

  /** The callee SIPps of the running test: a failed test must not leave one on its port. */
  private static final List<Process> CALLEES = new java.util.ArrayList<>();

  @org.junit.jupiter.api.AfterEach
  void endCallees() throws InterruptedException {
    for (Process p : CALLEES) {
      if (p.isAlive()) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
    CALLEES.clear();
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void aCallFromATrunkAtItsMaxChannelsInIsRefusedAtOnceWhileCallsToItGoThrough() throws Exception {
    Process pbx = callee("uas-call", PBX, pbxPort, "pbx-1");
    CompletableFuture<Void> held = lastingCall(CARRIER1, "+74951230001", "held-in");
    await().atMost(LIMIT).until(() -> server.core().calls().active("carrier1") == 1);

    call("uac-call-limit", CARRIER1, "+74951230002", "refused-in");
    Cdr refused = cdr("+74951230002");
    assertThat(refused.status()).isEqualTo(503);
    assertThat(refused.cause()).isEqualTo(34);
    assertThat(refused.fromTrunk()).isEqualTo("carrier1");
    assertThat(refused.toTrunk()).as("no trunk was tried").isEmpty();
    assertThat(refused.reason()).isEqualTo("trunk carrier1 has its max-channels-in 1 in use");

    // the other direction of carrier1 is free: a call to it is answered
    Process carrier = callee("uas-any-call", CARRIER1, carrierPort, "carrier1-1");
    call("uac-call", PBX, "+4930123456", "out-to-carrier1");
    Sipp.expectSuccess(carrier, dir.resolve("carrier1-1"), LIMIT);
    assertThat(cdr("+4930123456").status()).isEqualTo(200);

    held.get(LIMIT.toSeconds(), TimeUnit.SECONDS);
    Sipp.expectSuccess(pbx, dir.resolve("pbx-1"), LIMIT);
    await().atMost(LIMIT).until(() -> server.core().calls().active("carrier1") == 0);
  }

  @Test
  void aCallToATrunkAtItsMaxChannelsOutIsRefusedAtOnce() throws Exception {
    Process pbx = callee("uas-call", PBX, pbxPort, "pbx-2");
    CompletableFuture<Void> held = lastingCall(CARRIER2, "+74951230003", "held-out");
    await().atMost(LIMIT).until(() -> server.core().calls().active("pbx") == 1);

    call("uac-call-limit", CARRIER2, "+74951230004", "refused-out");
    Cdr refused = cdr("+74951230004");
    assertThat(refused.status()).isEqualTo(503);
    assertThat(refused.cause()).as("the SIP Reason's cause, 34, in the CDR too").isEqualTo(34);
    assertThat(refused.attempts()).isEqualTo("pbx: at its limit");
    assertThat(refused.reason()).isEqualTo("503 Trunk pbx at its limit");

    held.get(LIMIT.toSeconds(), TimeUnit.SECONDS);
    Sipp.expectSuccess(pbx, dir.resolve("pbx-2"), LIMIT);
    await().atMost(LIMIT).until(() -> server.core().calls().active("pbx") == 0);
  }

  @Test
  void theRefusalsStatusIsTheConfiguredOneAndItsCauseStill34() throws Exception {
    Files.writeString(file, config + "calls: {limit-status: 480}\n");
    assertThat(server.admin().reload())
        .isInstanceOf(org.trunkline.server.api.ReloadResult.Applied.class);
    try {
      Process pbx = callee("uas-call", PBX, pbxPort, "pbx-3");
      CompletableFuture<Void> held = lastingCall(CARRIER2, "+74951230005", "held-480");
      await().atMost(LIMIT).until(() -> server.core().calls().active("pbx") == 1);

      call("uac-call-limit-480", CARRIER2, "+74951230006", "refused-480");
      Cdr refused = cdr("+74951230006");
      assertThat(refused.status()).isEqualTo(480);
      assertThat(refused.cause()).isEqualTo(34);
      assertThat(refused.reason()).isEqualTo("480 Trunk pbx at its limit");

      held.get(LIMIT.toSeconds(), TimeUnit.SECONDS);
      Sipp.expectSuccess(pbx, dir.resolve("pbx-3"), LIMIT);
      await().atMost(LIMIT).until(() -> server.core().calls().active("pbx") == 0);
    } finally {
      Files.writeString(file, config);
      server.admin().reload();
    }
  }

  /**
   * {@code max-cps: 1} on the calling trunk: of {@link #BURST} calls placed within a fraction of a
   * second (so over at most two of the limit's one-second windows) one or two are answered and
   * every other one is refused at once with {@code 503} and cause 34, never tried on a trunk.
   */
  @Test
  void callsFromATrunkOverItsMaxCpsAreRefusedAtOnce() throws Exception {
    String number = "+78121230001";
    callee("uas-any-call", PBX2, pbx2Port, BURST, "pbx2-cps-in");

    burst(CARRIER3, number, "cps-in");

    List<Cdr> cdrs = cdrs(number, BURST);
    List<Cdr> answered = cdrs.stream().filter(c -> c.status() == 200).toList();
    List<Cdr> refused = cdrs.stream().filter(c -> c.status() != 200).toList();
    assertThat(answered)
        .as("one call per one-second window, the burst spans one or two")
        .hasSizeBetween(1, 2);
    assertThat(refused).hasSize(BURST - answered.size());
    assertThat(refused)
        .allSatisfy(c -> {
          assertThat(c.status()).isEqualTo(503);
          assertThat(c.cause()).isEqualTo(34);
          assertThat(c.fromTrunk()).isEqualTo("carrier3");
          assertThat(c.toTrunk()).as("no trunk was tried").isEmpty();
          assertThat(c.reason()).isEqualTo("trunk carrier3 is at its max-cps 1");
        });
    assertThat(answered).allSatisfy(c -> assertThat(c.toTrunk()).isEqualTo("pbx2"));
  }

  /**
   * {@code max-cps: 1} on the first trunk of a route: the calls over it go to the next trunk at
   * once, and their CDRs say why the first was skipped.
   */
  @Test
  void callsToATrunkOverItsMaxCpsGoToTheNextTrunkOfTheRoute() throws Exception {
    String number = "+78131230001";
    callee("uas-any-call", CAPPED, cappedPort, BURST, "capped-cps-out");
    callee("uas-any-call", PBX2, pbx2Port, BURST, "pbx2-cps-out");

    burst(CARRIER2, number, "cps-out");

    List<Cdr> cdrs = cdrs(number, BURST);
    assertThat(cdrs).allSatisfy(c -> assertThat(c.status()).isEqualTo(200));
    List<Cdr> first = cdrs.stream().filter(c -> c.toTrunk().equals("capped")).toList();
    List<Cdr> next = cdrs.stream().filter(c -> c.toTrunk().equals("pbx2")).toList();
    assertThat(first).hasSizeBetween(1, 2);
    assertThat(first).allSatisfy(c -> assertThat(c.attempts()).isEqualTo("capped: 200"));
    assertThat(next).hasSize(BURST - first.size());
    assertThat(next)
        .allSatisfy(c -> assertThat(c.attempts()).isEqualTo("capped: at its limit, pbx2: 200"));
  }

  /** {@link #BURST} calls to {@code number} from {@code from} at {@link #BURST_RATE} per second. */
  private static void burst(String from, String number, String name) throws Exception {
    Path d = Files.createDirectories(dir.resolve(name));
    Sipp.runAndExpectSuccess(
        d,
        "uac-call-or-limit",
        sip(),
        from,
        "u1",
        BURST,
        LIMIT,
        List.of("-s", number, "-r", BURST_RATE));
  }

  /** The CDRs of the {@code n} calls to {@code number}, once all are written. */
  private static List<Cdr> cdrs(String number, int n) {
    return await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                server.core().calls().cdrs(100).stream()
                    .filter(c -> c.called().equals(number))
                    .toList(),
            l -> l.size() == n);
  }

  /** A call that lasts {@link #HOLD_MS}, run in the background; done when SIPp succeeded. */
  private static CompletableFuture<Void> lastingCall(String from, String number, String name)
      throws Exception {
    Path d = Files.createDirectories(dir.resolve(name));
    return CompletableFuture.runAsync(() -> {
      try {
        Sipp.runAndExpectSuccess(
            d, "uac-call-long", sip(), from, "u1", 1, LIMIT, List.of("-s", number, "-d", HOLD_MS));
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
  }

  private static void call(String scenario, String from, String number, String name)
      throws Exception {
    Path d = Files.createDirectories(dir.resolve(name));
    Sipp.runAndExpectSuccess(d, scenario, sip(), from, "u1", 1, LIMIT, List.of("-s", number));
  }

  private static Process callee(String scenario, String ip, int port, String name)
      throws Exception {
    return callee(scenario, ip, port, 1, name);
  }

  /** A callee SIPp that answers up to {@code calls} calls; ended after the test if still alive. */
  private static Process callee(String scenario, String ip, int port, int calls, String name)
      throws Exception {
    Path d = Files.createDirectories(dir.resolve(name));
    Process p = Sipp.startUas(d, scenario, port, "u1", calls, List.of("-i", ip));
    CALLEES.add(p);
    Sipp.awaitBound(ip, port, p, d);
    return p;
  }

  /** The CDR of the one call to {@code number}. */
  private static Cdr cdr(String number) {
    return cdrs(number, 1).getFirst();
  }

  private static InetSocketAddress sip() {
    ListenPoint lp = server.listening().getFirst();
    return new InetSocketAddress(lp.address(), lp.port());
  }
}
