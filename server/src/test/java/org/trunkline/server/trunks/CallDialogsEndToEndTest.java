package org.trunkline.server.trunks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trunkline.core.call.Cdr;
import org.trunkline.server.TrunklineServer;
import org.trunkline.server.config.ConfigLoader;
import org.trunkline.stack.ListenPoint;
import org.trunkline.stack.Sipp;

/**
 * The dialog features of a call through the running server, each against SIPp peers: RFC 4028
 * session timers per leg (422, refreshes by UPDATE and re-INVITE, a call whose refresh does not
 * come or fails is hung up on both legs), reliable provisionals towards the caller (RFC 3262), 420
 * for unknown extensions, REFER per trunk policy, re-INVITE glare (491), and loops (482, 483).
 * Short session intervals come from the config ({@code calls: {session-expires: 4, min-se: 1}}).
 */
class CallDialogsEndToEndTest {
  @TempDir Path dir;
  private TrunklineServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private void start(String config) throws Exception {
    start("  - {name: public, transport: udp, address: 127.0.0.1, port: 0}\n", config);
  }

  private void start(String listen, String config) throws Exception {
    Path file = dir.resolve("trunkline.yaml");
    Files.writeString(
        file,
        "listen:\n"
            + listen
            + "database: {url: \"jdbc:h2:file:"
            + dir.resolve("db")
            + "\"}\n"
            + "api: {enabled: false}\n"
            + config);
    server = TrunklineServer.start(ConfigLoader.load(file), Clock.systemUTC());
  }

  /** A carrier (127.0.0.20) and a PBX at {@code port}; +7495 routes to the PBX. */
  private static String onePbx(int port, String more) {
    return "trunks:\n"
        + "  - {name: carrier1, mode: ip, peers: [\"127.0.0.20\"]}\n"
        + "  - {name: pbx, mode: ip, peers: [\"127.0.0.1\"], target: \"sip:127.0.0.1:"
        + port
        + "\", health: off}\n"
        + "routes:\n"
        + "  - {prefix: \"+7495\", trunks: [pbx]}\n"
        + more;
  }

  private static final String SHORT_TIMERS = "calls: {session-expires: 4, min-se: 1}\n";

  private InetSocketAddress sip() {
    ListenPoint lp = server.listening().getFirst();
    return new InetSocketAddress(lp.address(), lp.port());
  }

  private Process pbx(String scenario, int port) throws Exception {
    Path d = Files.createDirectories(dir.resolve(scenario + "-" + port));
    Process p = Sipp.startUas(d, scenario, port, "u1", 1, List.of("-trace_msg"));
    Sipp.awaitBound(port, p, d);
    return p;
  }

  private void expectPbx(Process p, String scenario, int port) throws Exception {
    Sipp.expectSuccess(p, dir.resolve(scenario + "-" + port), Duration.ofSeconds(30));
  }

  /** Runs a caller scenario from the carrier's address; returns its directory. */
  private Path call(String scenario, String number) throws Exception {
    Path d = Files.createDirectories(dir.resolve(scenario + "-" + System.nanoTime()));
    Sipp.runAndExpectSuccess(
        d,
        scenario,
        sip(),
        "127.0.0.20",
        "u1",
        1,
        Duration.ofSeconds(30),
        List.of("-s", number, "-trace_msg"));
    return d;
  }

  private Cdr lastCdr() {
    await().atMost(Duration.ofSeconds(10)).until(() -> !server.core().calls().cdrs(1).isEmpty());
    return server.core().calls().cdrs(1).getFirst();
  }

  // ---- RFC 4028 session timers ----

  @Test
  void bothLegsAreRefreshedByUsUpdateTowardsTheCallerReInviteTowardsTheCallee() throws Exception {
    int p = Sipp.freePortFor("u1");
    Process callee = pbx("uas-call-st", p);
    start(onePbx(p, SHORT_TIMERS));

    call("uac-call-st", "+74951234567");

    expectPbx(callee, "uas-call-st", p);
    Cdr cdr = lastCdr();
    assertThat(cdr.status()).isEqualTo(200);
    assertThat(cdr.reason()).isEqualTo("BYE from caller");
    assertThat(Duration.between(cdr.answer(), cdr.end()))
        .as("two refreshes of the caller's leg at 2 s intervals")
        .isGreaterThanOrEqualTo(Duration.ofSeconds(4));
  }

  @Test
  void aCalleeThatTakesTheRefresherRoleAndNeverRefreshesIsHungUpOnBothLegs() throws Exception {
    int p = Sipp.freePortFor("u1");
    Process callee = pbx("uas-call-st-silent", p);
    start(onePbx(p, SHORT_TIMERS));

    call("uac-call-hungup-st", "+74951234567");

    expectPbx(callee, "uas-call-st-silent", p);
    Cdr cdr = lastCdr();
    assertThat(cdr.status()).isEqualTo(200);
    assertThat(cdr.reason()).isEqualTo("session expired: no refresh from the callee within 2 s");
    assertThat(cdr.hangup()).isEqualTo("callee");
    // §10: a 2 s session the peer refreshes ends 2 - 2/3 s after the answer without one
    assertThat(Duration.between(cdr.answer(), cdr.end()))
        .isBetween(Duration.ofMillis(1200), Duration.ofMillis(2000));
  }

  @Test
  void aRefreshAnswered481EndsTheCallOnBothLegs() throws Exception {
    int p = Sipp.freePortFor("u1");
    Process callee = pbx("uas-call-st-481", p);
    start(onePbx(p, SHORT_TIMERS));

    call("uac-call-hungup-st", "+74951234567");

    expectPbx(callee, "uas-call-st-481", p);
    Cdr cdr = lastCdr();
    assertThat(cdr.reason()).isEqualTo("session refresh failed: 481 from the callee");
    assertThat(cdr.hangup()).isEqualTo("callee");
  }

  @Test
  void aSessionIntervalBelowOurMinSeIsRefused422() throws Exception {
    start(onePbx(9, "calls: {session-expires: 1800, min-se: 60}\n"));

    call("uac-call-422", "+74951234567");

    Cdr cdr = lastCdr();
    assertThat(cdr.status()).isEqualTo(422);
    assertThat(cdr.toTrunk()).isEmpty();
    assertThat(cdr.reason()).isEqualTo("session interval below Min-SE 60");
  }

  @Test
  void aCalleesMinSeIsHonouredByAnotherInviteInTheSameLeg() throws Exception {
    int p = Sipp.freePortFor("u1");
    Process callee = pbx("uas-call-422", p);
    start(onePbx(p, ""));

    call("uac-call", "+74951234567");

    expectPbx(callee, "uas-call-422", p);
    Cdr cdr = lastCdr();
    assertThat(cdr.status()).isEqualTo(200);
    assertThat(cdr.attempts()).as("a 422 retry is not a failover").isEqualTo("pbx: 200");
  }

  @Test
  void ourRefreshAnswered491IsRetriedAfterTheSection14_1Wait() throws Exception {
    int p = Sipp.freePortFor("u1");
    Process callee = pbx("uas-call-st-491", p);
    start(onePbx(p, "calls: {session-expires: 10, min-se: 1}\n"));

    call("uac-call-hungup-st", "+74951234567");

    expectPbx(callee, "uas-call-st-491", p);
    Cdr cdr = lastCdr();
    assertThat(cdr.reason()).isEqualTo("BYE from callee");
    // the refresh at 5 s got 491; its retry waited 2.1..4 s (we chose the callee's Call-ID)
    assertThat(Duration.between(cdr.answer(), cdr.end()))
        .isBetween(Duration.ofMillis(7100), Duration.ofMillis(9500));
  }

  @Test
  void aCallersOwnRefreshByUpdateIsAnsweredHereAndNotRelayed() throws Exception {
    int p = Sipp.freePortFor("u1");
    Process callee = pbx("uas-call", p);
    start(onePbx(p, SHORT_TIMERS));

    call("uac-call-st-refresher", "+74951234567");

    expectPbx(callee, "uas-call", p);
    assertThat(lastCdr().reason()).isEqualTo("BYE from caller");
  }

  // ---- RFC 3262 towards the caller ----

  @Test
  void aCallerThatRequires100relGetsTheCalleesEarlyMediaReliablyAndThe200AfterItsPrack()
      throws Exception {
    int p = Sipp.freePortFor("u1");
    Process callee = pbx("uas-call-183-200", p);
    start(onePbx(p, ""));

    Path caller = call("uac-call-100rel", "+74951234567");

    expectPbx(callee, "uas-call-183-200", p);
    assertThat(received(caller, "SIP/2.0 183 "))
        .as("the 183 was retransmitted while the caller had not PRACKed it")
        .isGreaterThanOrEqualTo(2);
    Cdr cdr = lastCdr();
    assertThat(cdr.status()).isEqualTo(200);
    assertThat(cdr.reason()).isEqualTo("BYE from caller");
  }

  @Test
  void aCallerThatSupports100relGetsAReliableProvisionalOfTheCalleeReliably() throws Exception {
    int p = Sipp.freePortFor("u1");
    Process callee = pbx("uas-call-100rel", p);
    start(onePbx(p, ""));

    call("uac-call-183-prack", "+74951234567");

    expectPbx(callee, "uas-call-100rel", p);
    assertThat(lastCdr().status()).isEqualTo(200);
  }

  @Test
  void aLateOfferCallerAnswersTheCalleesOfferInAReliable183InItsPrackAndOurPrackCarriesIt()
      throws Exception {
    int p = Sipp.freePortFor("u1");
    Process callee = pbx("uas-call-late-100rel", p);
    start(onePbx(p, ""));

    Path caller = call("uac-call-late-100rel", "+74951234567");

    // the callee's scenario checks our PRACK carries an answer (RFC 3262 §5) and our ACK carries
    // nothing (the offer was answered already); without a relay, both SDPs cross unchanged
    expectPbx(callee, "uas-call-late-100rel", p);
    assertThat(receivedText(caller)).contains("m=audio 6000 RTP/AVP 0");
    assertThat(receivedText(dir.resolve("uas-call-late-100rel-" + p)))
        .contains("PRACK sip:")
        .contains("m=audio 7010 RTP/AVP 0");
    assertThat(lastCdr().status()).isEqualTo(200);
  }

  @Test
  void anExtensionWeLackIsRefused420WithUnsupported() throws Exception {
    start(onePbx(9, ""));

    call("uac-call-420", "+74951234567");

    assertThat(server.core().calls().counters()).containsEntry("calls_started", 0L);
  }

  // ---- REFER ----

  @Test
  void aReferIsRefused403ByDefaultAndTheCallGoesOn() throws Exception {
    int p = Sipp.freePortFor("u1");
    Process callee = pbx("uas-call", p);
    start(onePbx(p, ""));

    call("uac-call-refer", "+74951234567");

    expectPbx(callee, "uas-call", p);
    assertThat(receivedText(dir.resolve("uas-call-" + p))).doesNotContain("REFER ");
    assertThat(lastCdr().reason()).isEqualTo("BYE from caller");
  }

  @Test
  void aReferCrossesWhenBothTrunksPassItAndItsNotifyComesBack() throws Exception {
    int p = Sipp.freePortFor("u1");
    Process callee = pbx("uas-call-refer", p);
    start(
        onePbx(p, "")
            .replace("peers: [\"127.0.0.20\"]}", "peers: [\"127.0.0.20\"], refer: pass}")
            .replace("health: off}", "health: off, refer: pass}"));

    Path caller = call("uac-call-refer-pass", "+74951234567");

    expectPbx(callee, "uas-call-refer", p);
    assertThat(receivedText(caller))
        .as("the callee's side stays hidden in the relayed NOTIFY")
        .contains("NOTIFY ")
        .doesNotContain("pbx@");
    assertThat(lastCdr().reason()).isEqualTo("BYE from caller");
  }

  /**
   * RFC 3311 §5.1: an UPDATE with an offer in the early dialog (after the reliable 183 and its
   * PRACK, before the 200) crosses the call both ways: the caller's reaches the callee at the
   * Contact of its 183 with its early tag, the callee's reaches the caller, each 200 with its
   * answer comes back, and the call is then answered as usual.
   */
  @Test
  void anUpdateWithAnOfferInTheEarlyDialogCrossesFromEitherSide() throws Exception {
    int p = Sipp.freePortFor("u1");
    Process callee = pbx("uas-call-early-update", p);
    start(onePbx(p, ""));

    call("uac-call-early-update", "+74951234567");

    expectPbx(callee, "uas-call-early-update", p);
    Cdr cdr = lastCdr();
    assertThat(cdr.status()).isEqualTo(200);
    assertThat(cdr.reason()).isEqualTo("BYE from caller");
  }

  // ---- re-INVITE glare ----

  /**
   * Offers that cross in one dialog get 491 and the retry succeeds: two re-INVITEs (RFC 3261
   * §14.2), and two UPDATEs with offers (RFC 3311 §5.2).
   */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"glare", "update-glare"})
  void offersThatCrossAreAnswered491AndTheRetrySucceeds(String scenario) throws Exception {
    int p = Sipp.freePortFor("u1");
    Process callee = pbx("uas-call-" + scenario, p);
    start(onePbx(p, ""));

    call("uac-call-" + scenario, "+74951234567");

    expectPbx(callee, "uas-call-" + scenario, p);
    Cdr cdr = lastCdr();
    assertThat(cdr.status()).isEqualTo(200);
    assertThat(cdr.reason()).isEqualTo("BYE from caller");
  }

  // ---- Max-Forwards and loops ----

  @Test
  void maxForwardsIsDecrementedAcrossTheCallAndZeroIsRefused483() throws Exception {
    int p = Sipp.freePortFor("u1");
    Process callee = pbx("uas-call-mf4", p);
    start(onePbx(p, ""));

    call("uac-call-mf0", "+74951234567");
    call("uac-call-mf5", "+74951234567");

    expectPbx(callee, "uas-call-mf4", p);
    assertThat(server.core().calls().counters())
        .as("the 483 was given before any call started")
        .containsEntry("calls_started", 1L);
  }

  @Test
  void aCallRoutedBackToUsIsRefused482() throws Exception {
    int port = Sipp.freePortFor("u1");
    start(
        "  - {name: public, transport: udp, address: 127.0.0.1, port: "
            + port
            + "}\n"
            + "  - {name: xc, transport: udp, address: 127.0.0.2, port: 0}\n",
        "trunks:\n"
            + "  - {name: carrier1, mode: ip, peers: [\"127.0.0.20\"]}\n"
            + "  - {name: back, mode: cross-connect, listen: xc, target: \"sip:127.0.0.1:"
            + port
            + "\", health: off}\n"
            + "  - {name: self, mode: ip, peers: [\"127.0.0.2\"]}\n"
            + "routes:\n"
            + "  - {prefix: \"+7495\", trunks: [back]}\n");

    call("uac-call-loop", "+74951234567");

    await().atMost(Duration.ofSeconds(10)).until(() -> server.core().calls().cdrs(2).size() == 2);
    List<Cdr> cdrs = server.core().calls().cdrs(2);
    assertThat(cdrs)
        .anySatisfy(c -> {
          assertThat(c.fromTrunk()).isEqualTo("self");
          assertThat(c.status()).isEqualTo(482);
          assertThat(c.reason()).isEqualTo("loop detected");
        })
        .anySatisfy(c -> {
          assertThat(c.fromTrunk()).isEqualTo("carrier1");
          assertThat(c.toTrunk()).isEqualTo("back");
          assertThat(c.status()).isEqualTo(482);
        });
  }

  /** Every message a SIPp run received (its -trace_msg log). */
  private static String receivedText(Path run) throws Exception {
    Path log;
    try (var files = Files.list(run)) {
      log = files.filter(f -> f.toString().endsWith("_messages.log")).findFirst().orElseThrow();
    }
    StringBuilder out = new StringBuilder();
    for (String block : Files.readString(log).split("-{20,}")) {
      if (block.contains("message received")) {
        out.append(block).append('\n');
      }
    }
    return out.toString();
  }

  /** How many received messages of a SIPp run start with {@code startLine}. */
  private static long received(Path run, String startLine) throws Exception {
    return receivedText(run).lines().filter(l -> l.startsWith(startLine)).count();
  }
}
