package org.trunkline.server.trunks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.DatagramSocket;
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
 * Calls between trunks through the running server: a SIPp carrier (ip trunk {@code carrier1},
 * 127.0.0.20) calls a number routed by prefix to SIPp PBXs behind ip trunks; the call is set up,
 * torn down, failed over and refused as the routes say, and each ends in a CDR.
 */
class CallsEndToEndTest {
  @TempDir Path dir;
  private TrunklineServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private void start(String trunksAndRoutes) throws Exception {
    start("", trunksAndRoutes);
  }

  private void start(String moreListen, String trunksAndRoutes) throws Exception {
    start(moreListen, trunksAndRoutes, org.trunkline.stack.transaction.TransactionConfig.DEFAULT);
  }

  private void start(
      String moreListen,
      String trunksAndRoutes,
      org.trunkline.stack.transaction.TransactionConfig timers)
      throws Exception {
    Path file = dir.resolve("trunkline.yaml");
    Files.writeString(
        file,
        "listen:\n"
            + "  - {name: public, transport: udp, address: 127.0.0.1, port: 0}\n"
            + moreListen
            + "database: {url: \"jdbc:h2:file:"
            + dir.resolve("db")
            + "\"}\n"
            + "api: {enabled: false}\n"
            + trunksAndRoutes);
    server = TrunklineServer.start(ConfigLoader.load(file), Clock.systemUTC(), timers);
  }

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

  private void call(String scenario, String number) throws Exception {
    Path d = Files.createDirectories(dir.resolve(scenario + "-" + System.nanoTime()));
    Sipp.runAndExpectSuccess(
        d, scenario, sip(), "127.0.0.20", "u1", 1, Duration.ofSeconds(30), List.of("-s", number));
  }

  private Cdr lastCdr() {
    await().atMost(Duration.ofSeconds(10)).until(() -> !server.core().calls().cdrs(1).isEmpty());
    return server.core().calls().cdrs(1).getFirst();
  }

  @Test
  void aCallIsRoutedByPrefixAnsweredAndHungUp() throws Exception {
    int p = Sipp.freePortFor("u1");
    Process callee = pbx("uas-call", p);
    start(
        "trunks:\n"
            + "  - {name: carrier1, mode: ip, peers: [\"127.0.0.20\"]}\n"
            + "  - {name: pbx, mode: ip, peers: [\"127.0.0.1\"], target: \"sip:127.0.0.1:"
            + p
            + "\", health: off}\n"
            + "routes:\n"
            + "  - {prefix: \"+7495\", trunks: [pbx]}\n");

    call("uac-call", "+74951234567");

    Sipp.expectSuccess(callee, dir.resolve("uas-call-" + p), Duration.ofSeconds(20));
    Cdr cdr = lastCdr();
    assertThat(cdr.fromTrunk()).isEqualTo("carrier1");
    assertThat(cdr.toTrunk()).isEqualTo("pbx");
    assertThat(cdr.called()).isEqualTo("+74951234567");
    assertThat(cdr.caller()).isEqualTo("+15551230000");
    assertThat(cdr.status()).isEqualTo(200);
    assertThat(cdr.answer()).isNotNull();
    assertThat(cdr.reason()).isEqualTo("BYE from caller");
    assertThat(cdr.hangup()).isEqualTo("caller");
    assertThat(cdr.cause()).isEqualTo(16);
    assertThat(cdr.ringing()).isNotNull().isBeforeOrEqualTo(cdr.answer());
    assertThat(cdr.bCallId()).isNotEqualTo(cdr.aCallId()).endsWith("@trunkline");
    // topology hiding on the wire: the callee saw nothing of the caller's side in any header
    // (the SDP passes unchanged until the media relay anchors it)
    String seen = headersReceivedBy(dir.resolve("uas-call-" + p));
    assertThat(seen).contains("INVITE sip:+74951234567@").contains("BYE ");
    assertThat(seen).doesNotContain("127.0.0.20").doesNotContain(cdr.aCallId());
    assertThat(server.core().calls().counters())
        .containsEntry("calls_answered", 1L)
        .containsEntry("calls_active", 0L);
  }

  @Test
  void aCalleesLate2xxCopyAfterTheCallEndedIsAckedAgain() throws Exception {
    // the call hands its Accepted B-leg INVITE to an ACK-only owner when it ends (issue 6):
    // RFC 6026 still holds, a copy of the 2xx within Timer M gets our ACK again
    int p = Sipp.freePortFor("u1");
    Process callee = pbx("uas-call-2xx-again", p);
    start(String.format(ONE_PBX, p));

    call("uac-call", "+74951234567");

    Sipp.expectSuccess(callee, dir.resolve("uas-call-2xx-again-" + p), Duration.ofSeconds(20));
    assertThat(lastCdr().reason()).isEqualTo("BYE from caller");
    String seen = headersReceivedBy(dir.resolve("uas-call-2xx-again-" + p));
    assertThat(java.util.regex.Pattern.compile("(?m)^ACK ").matcher(seen).results().count())
        .as("two ACKs: the first, and one for the copy of the 2xx")
        .isEqualTo(2);
  }

  @Test
  void a503FromTheFirstTrunkFailsOverToTheNext() throws Exception {
    int dead = Sipp.freePortFor("u1");
    int alive = Sipp.freePortFor("u1");
    Process out = pbx("uas-call-503", dead);
    Process callee = pbx("uas-call", alive);
    start(
        "trunks:\n"
            + "  - {name: carrier1, mode: ip, peers: [\"127.0.0.20\"]}\n"
            + "  - {name: first, mode: ip, peers: [\"127.0.0.1:"
            + dead
            + "\"], target: \"sip:127.0.0.1:"
            + dead
            + "\", health: off}\n"
            + "  - {name: second, mode: ip, peers: [\"127.0.0.1:"
            + alive
            + "\"], target: \"sip:127.0.0.1:"
            + alive
            + "\", health: off}\n"
            + "routes:\n"
            + "  - {prefix: \"+7\", trunks: [carrier1, first, second]}\n"
            + "  - {prefix: \"+7495\", trunks: [first, second], failover-on: [503]}\n");

    call("uac-call", "+74951234567");

    Sipp.expectSuccess(out, dir.resolve("uas-call-503-" + dead), Duration.ofSeconds(20));
    Sipp.expectSuccess(callee, dir.resolve("uas-call-" + alive), Duration.ofSeconds(20));
    Cdr cdr = lastCdr();
    assertThat(cdr.toTrunk()).isEqualTo("second");
    assertThat(cdr.attempts()).isEqualTo("first: 503, second: 200");
    assertThat(cdr.status()).isEqualTo(200);
  }

  @Test
  void aNumberNoRouteCoversIs404AtOnce() throws Exception {
    start(
        "trunks:\n"
            + "  - {name: carrier1, mode: ip, peers: [\"127.0.0.20\"]}\n"
            + "routes:\n"
            + "  - {prefix: \"+7495\", trunks: [carrier1]}\n");

    call("uac-call-404", "+4930123456");
    // +7495 routes only back to the calling trunk: no hairpin, so no route either
    call("uac-call-404", "+74951234567");

    assertThat(server.core().calls().counters()).containsEntry("calls_failed", 2L);
    // refused attempts have their CDR too
    Cdr cdr = lastCdr();
    assertThat(cdr.status()).isEqualTo(404);
    assertThat(cdr.cause()).isEqualTo(3);
    assertThat(cdr.toTrunk()).isEmpty();
    assertThat(cdr.reason()).isEqualTo("no route to +74951234567");
  }

  @Test
  void numbersAreRewrittenInAndOutByTheTrunksRules() throws Exception {
    int p = Sipp.freePortFor("u1");
    Process callee = pbx("uas-call-national", p);
    start(
        "trunks:\n"
            + "  - {name: carrier1, mode: ip, peers: [\"127.0.0.20\"],"
            + " numbering: {in: [{match: '^8(\\d{10})$', replace: '+7$1'}]}}\n"
            + "  - {name: pbx, mode: ip, peers: [\"127.0.0.1\"], target: \"sip:127.0.0.1:"
            + p
            + "\", health: off, numbering: {out: [{match: '^\\+7(\\d+)$', replace: '8$1'}]}}\n"
            + "routes:\n"
            + "  - {prefix: \"+7495\", trunks: [pbx]}\n");

    call("uac-call", "84951234567");

    Sipp.expectSuccess(callee, dir.resolve("uas-call-national-" + p), Duration.ofSeconds(20));
    Cdr cdr = lastCdr();
    assertThat(cdr.called()).as("kept in our (E.164) form").isEqualTo("+74951234567");
    assertThat(cdr.calledDialed()).as("as the caller dialed it").isEqualTo("84951234567");
    assertThat(cdr.calledSent()).as("as the callee's trunk wants it").isEqualTo("84951234567");
    assertThat(cdr.toTrunk()).isEqualTo("pbx");
    assertThat(cdr.status()).isEqualTo(200);
  }

  private static final String ONE_PBX =
      "trunks:\n"
          + "  - {name: carrier1, mode: ip, peers: [\"127.0.0.20\"]}\n"
          + "  - {name: pbx, mode: ip, peers: [\"127.0.0.1\"], target: \"sip:127.0.0.1:%d\","
          + " health: off}\n"
          + "routes:\n"
          + "  - {prefix: \"+7495\", trunks: [pbx]}\n";

  @Test
  void theCalleeHangsUpAndTheCallerGetsTheBye() throws Exception {
    int p = Sipp.freePortFor("u1");
    Process callee = pbx("uas-call-hangup", p);
    start(String.format(ONE_PBX, p));

    call("uac-call-hungup", "+74951234567");

    Sipp.expectSuccess(callee, dir.resolve("uas-call-hangup-" + p), Duration.ofSeconds(20));
    Cdr cdr = lastCdr();
    assertThat(cdr.status()).isEqualTo(200);
    assertThat(cdr.reason()).isEqualTo("BYE from callee");
    assertThat(cdr.hangup()).isEqualTo("callee");
  }

  @Test
  void aCancelWhileRingingCancelsTheCalleeToo() throws Exception {
    int p = Sipp.freePortFor("u1");
    Process callee = pbx("uas-call-cancel", p);
    start(String.format(ONE_PBX, p));

    call("uac-call-cancel", "+74951234567");

    Sipp.expectSuccess(callee, dir.resolve("uas-call-cancel-" + p), Duration.ofSeconds(20));
    Cdr cdr = lastCdr();
    assertThat(cdr.status()).isEqualTo(487);
    assertThat(cdr.answer()).isNull();
    assertThat(cdr.reason()).isEqualTo("cancelled by caller");
  }

  @Test
  void aCalleeAnsweringAcrossTheCancelIsAckedAndHungUpAndTheCdrSaysSo() throws Exception {
    // RFC 3261 §9.1: the callee's 200 crosses our CANCEL; the caller already has its 487
    int p = Sipp.freePortFor("u1");
    Process callee = pbx("uas-call-cancel-race", p);
    start(String.format(ONE_PBX, p));
    Path caller = Files.createDirectories(dir.resolve("uac-call-cancel-quiet"));

    Sipp.runAndExpectSuccess(
        caller,
        "uac-call-cancel-quiet",
        sip(),
        "127.0.0.20",
        "u1",
        1,
        Duration.ofSeconds(30),
        List.of("-s", "+74951234567", "-trace_msg"));

    // the callee got our ACK for its 2xx and a BYE (its scenario fails without either)
    Sipp.expectSuccess(callee, dir.resolve("uas-call-cancel-race-" + p), Duration.ofSeconds(20));
    String calleeSaw = headersReceivedBy(dir.resolve("uas-call-cancel-race-" + p));
    assertThat(calleeSaw).contains("CANCEL sip:").contains("ACK sip:").contains("BYE sip:");
    Cdr cdr = lastCdr();
    assertThat(cdr.status()).isEqualTo(487);
    assertThat(cdr.answer()).as("the caller was never connected").isNull();
    assertThat(cdr.hangup()).isEmpty();
    assertThat(cdr.cause()).isEqualTo(16); // Q.850 for a 487
    assertThat(cdr.reason())
        .startsWith("cancelled by caller; callee answered ")
        .endsWith(" ms after the CANCEL, released with BYE");
    assertThat(cdr.attempts()).isEqualTo("cancelled by caller, pbx: 200");
    assertThat(cdr.toTrunk()).isEqualTo("pbx");
    assertThat(cdr.end()).isAfterOrEqualTo(cdr.start());
    // the caller heard nothing of the call after its 487 (its ACK was absorbed)
    String callerSaw = headersReceivedBy(caller);
    assertThat(
            callerSaw
                .lines()
                .filter(l -> l.matches("SIP/2\\.0 [0-9]{3} .*|[A-Z]+ sips?:.* SIP/2\\.0"))
                .map(l -> l.startsWith("SIP/2.0 ") ? l.substring(8, 11) : l.split(" ")[0])
                .filter(start -> !start.equals("100")))
        .containsExactly("180", "200", "487");
    assertThat(server.core().calls().counters()).containsEntry("calls_active", 0L);
  }

  @Test
  void holdAndInfoCrossTheCallInItsDialogs() throws Exception {
    int p = Sipp.freePortFor("u1");
    Process callee = pbx("uas-call-hold", p);
    start(String.format(ONE_PBX, p));

    call("uac-call-hold", "+74951234567");

    Sipp.expectSuccess(callee, dir.resolve("uas-call-hold-" + p), Duration.ofSeconds(20));
    Cdr cdr = lastCdr();
    assertThat(cdr.status()).isEqualTo(200);
    assertThat(cdr.hangup()).isEqualTo("caller");
    String seen = headersReceivedBy(dir.resolve("uas-call-hold-" + p));
    assertThat(seen).contains("CSeq: 2 INVITE").contains("INFO ").contains("CSeq: 4 BYE");
    assertThat(seen).doesNotContain("127.0.0.20");
  }

  @Test
  void aReInviteWithoutAnOfferGetsTheCalleesOfferAndTheCallersAnswerInTheAcks() throws Exception {
    int p = Sipp.freePortFor("u1");
    Process callee = pbx("uas-call-reinvite-late", p);
    start(String.format(ONE_PBX, p));

    // the caller's SIPp checks the callee's offer in the 200; the callee's, the answer in its ACK
    call("uac-call-reinvite-late", "+74951234567");

    Sipp.expectSuccess(callee, dir.resolve("uas-call-reinvite-late-" + p), Duration.ofSeconds(20));
    Cdr cdr = lastCdr();
    assertThat(cdr.status()).isEqualTo(200);
    assertThat(cdr.hangup()).isEqualTo("caller");
    String seen = headersReceivedBy(dir.resolve("uas-call-reinvite-late-" + p));
    assertThat(seen).contains("CSeq: 2 INVITE").doesNotContain("127.0.0.20");
  }

  @Test
  void aReInviteWhose2xxTheCallerNeverAcksEndsTheCallAndTheCalleesOfferIsAckedAnyway()
      throws Exception {
    int p = Sipp.freePortFor("u1");
    Process callee = pbx("uas-call-reinvite-noack", p);
    start("", String.format(ONE_PBX, p), shortT1()); // our 200 is given up after 6.4 s

    // the caller's SIPp never ACKs and waits for our BYE; the callee's checks our ACK of its offer
    // (without an answer) and gets our BYE too
    call("uac-call-reinvite-noack", "+74951234567");

    Sipp.expectSuccess(callee, dir.resolve("uas-call-reinvite-noack-" + p), Duration.ofSeconds(20));
    Cdr cdr = lastCdr();
    assertThat(cdr.status()).isEqualTo(200);
    assertThat(cdr.reason()).isEqualTo("no ACK from the caller for our 2xx to its re-INVITE");
  }

  @Test
  void aCallWhose200TheCallerNeverAcksEndsWithAByeToBothSides() throws Exception {
    int p = Sipp.freePortFor("u1");
    Process callee = pbx("uas-call", p);
    start("", String.format(ONE_PBX, p), shortT1());

    call("uac-call-noack", "+74951234567"); // waits for our BYE

    Sipp.expectSuccess(callee, dir.resolve("uas-call-" + p), Duration.ofSeconds(20));
    Cdr cdr = lastCdr();
    assertThat(cdr.status()).isEqualTo(200);
    assertThat(cdr.reason()).isEqualTo("no ACK from the caller for our 200");
  }

  /** T1 = 100 ms: a 2xx of ours is given up after 64*T1 = 6.4 s. */
  private static org.trunkline.stack.transaction.TransactionConfig shortT1() {
    var d = org.trunkline.stack.transaction.TransactionConfig.DEFAULT;
    return new org.trunkline.stack.transaction.TransactionConfig(
        Duration.ofMillis(100),
        d.t2(),
        d.t4(),
        d.trying100(),
        d.nonInviteAnswer(),
        d.inviteAnswer());
  }

  @Test
  void identityCrossesOnlyBetweenTrustedTrunksAndOtherHeadersByPolicy() throws Exception {
    int p = Sipp.freePortFor("u1");
    Process callee = pbx("uas-call", p);
    start(
        "trunks:\n"
            + "  - {name: carrier1, mode: ip, peers: [\"127.0.0.20\"], trusted: true,"
            + " numbering: {in: [{match: '^8(\\d{10})$', replace: '+7$1'}]}}\n"
            + "  - {name: pbx, mode: ip, peers: [\"127.0.0.1\"], target: \"sip:127.0.0.1:"
            + p
            + "\", health: off, trusted: true}\n"
            + "routes:\n"
            + "  - {prefix: \"+7495\", trunks: [pbx]}\n");

    call("uac-call-pai", "+74951234567");

    Sipp.expectSuccess(callee, dir.resolve("uas-call-" + p), Duration.ofSeconds(20));
    String seen = headersReceivedBy(dir.resolve("uas-call-" + p));
    assertThat(seen)
        .as("the asserted identity, in E.164 by the caller trunk's numbering, on our host")
        .contains("P-Asserted-Identity: <sip:+74957770000@127.0.0.1:" + sip().getPort() + ">")
        .doesNotContain("@127.0.0.20")
        .contains("Diversion: <sip:+74951110000@carrier.example>;reason=unconditional")
        .doesNotContain("X-Internal");
  }

  @Test
  void anUntrustedCallersAssertedIdentityIsDropped() throws Exception {
    int p = Sipp.freePortFor("u1");
    Process callee = pbx("uas-call", p);
    start(
        "trunks:\n"
            + "  - {name: carrier1, mode: ip, peers: [\"127.0.0.20\"]}\n"
            + "  - {name: pbx, mode: ip, peers: [\"127.0.0.1\"], target: \"sip:127.0.0.1:"
            + p
            + "\", health: off, trusted: true}\n"
            + "routes:\n"
            + "  - {prefix: \"+7495\", trunks: [pbx]}\n"
            + "calls: {pass-headers: [P-Asserted-Identity, X-Internal]}\n");

    call("uac-call-pai", "+74951234567");

    Sipp.expectSuccess(callee, dir.resolve("uas-call-" + p), Duration.ofSeconds(20));
    String seen = headersReceivedBy(dir.resolve("uas-call-" + p));
    assertThat(seen)
        .doesNotContain("P-Asserted-Identity")
        .doesNotContain("Diversion")
        .contains("X-Internal: secret");
  }

  @Test
  void aTrunkThatDoesNotAnswerInTimeIsLeftForTheNextAndHungUpWhenItAnswersLate() throws Exception {
    int late = Sipp.freePortFor("u1");
    int alive = Sipp.freePortFor("u1");
    Process slow = pbx("uas-call-late", late);
    Process callee = pbx("uas-call", alive);
    start(
        "trunks:\n"
            + "  - {name: carrier1, mode: ip, peers: [\"127.0.0.20\"]}\n"
            + "  - {name: slow, mode: ip, peers: [\"127.0.0.1:"
            + late
            + "\"], target: \"sip:127.0.0.1:"
            + late
            + "\", health: off}\n"
            + "  - {name: pbx, mode: ip, peers: [\"127.0.0.1:"
            + alive
            + "\"], target: \"sip:127.0.0.1:"
            + alive
            + "\", health: off}\n"
            + "routes:\n"
            + "  - {prefix: \"+7495\", trunks: [slow, pbx], trying-timeout: 300ms}\n");

    call("uac-call", "+74951234567");

    Sipp.expectSuccess(callee, dir.resolve("uas-call-" + alive), Duration.ofSeconds(20));
    // the late answer was ACKed and hung up, so its SIPp ended its call successfully too
    Sipp.expectSuccess(slow, dir.resolve("uas-call-late-" + late), Duration.ofSeconds(20));
    Cdr cdr = lastCdr();
    assertThat(cdr.toTrunk()).isEqualTo("pbx");
    assertThat(cdr.attempts()).isEqualTo("slow: no answer within 300 ms, pbx: 200");
  }

  @Test
  void aCarrierThatAnswersNothingIsFoundDownByItsProbesAndSkipped() throws Exception {
    // a carrier that receives everything and answers nothing: no OPTIONS answer, no INVITE answer
    try (DatagramSocket dead = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
      java.util.Queue<String> deadGot = new java.util.concurrent.ConcurrentLinkedQueue<>();
      Thread reader =
          Thread.ofVirtual()
              .start(() -> {
                byte[] buf = new byte[65535];
                while (!dead.isClosed()) {
                  java.net.DatagramPacket p = new java.net.DatagramPacket(buf, buf.length);
                  try {
                    dead.receive(p);
                  } catch (java.io.IOException closed) {
                    return;
                  }
                  String text =
                      new String(
                          p.getData(), 0, p.getLength(), java.nio.charset.StandardCharsets.UTF_8);
                  deadGot.add(text.substring(0, Math.max(0, text.indexOf(' '))));
                }
              });
      int alive = Sipp.freePortFor("u1");
      Process callee = pbx("uas-call", alive);
      // short SIP timers: the probe's OPTIONS times out (Timer F) in well under a second
      start(
          "",
          "trunks:\n"
              + "  - {name: carrier1, mode: ip, peers: [\"127.0.0.20\"]}\n"
              + "  - {name: dead, mode: ip, peers: [\"127.0.0.1:"
              + dead.getLocalPort()
              + "\"], target: \"sip:127.0.0.1:"
              + dead.getLocalPort()
              + "\", health: {interval: 1s, up-after: 1, down-after: 1}}\n"
              + "  - {name: pbx, mode: ip, peers: [\"127.0.0.1:"
              + alive
              + "\"], target: \"sip:127.0.0.1:"
              + alive
              + "\", health: off}\n"
              + "routes:\n"
              + "  - {prefix: \"+7495\", trunks: [dead, pbx]}\n",
          org.trunkline.stack.TestTimers.FAST);
      await()
          .atMost(Duration.ofSeconds(40))
          .until(() ->
              server.core().trunks().stream()
                  .anyMatch(t -> t.name().equals("dead") && t.state().equals("down")));
      assertThat(deadGot).as("the probes reached the dead carrier").contains("OPTIONS");

      call("uac-call", "+74951234567");

      Sipp.expectSuccess(callee, dir.resolve("uas-call-" + alive), Duration.ofSeconds(20));
      Cdr cdr = lastCdr();
      assertThat(cdr.status()).isEqualTo(200);
      assertThat(cdr.toTrunk()).isEqualTo("pbx");
      assertThat(cdr.attempts()).as("the down carrier was not tried").isEqualTo("pbx: 200");
      assertThat(deadGot).as("no INVITE to the down carrier").doesNotContain("INVITE");
      dead.close();
      reader.join(Duration.ofSeconds(5));
    }
  }

  private static final String PBX_AND_CARRIER =
      "trunks:\n"
          + "  - {name: acme, mode: register-in, username: acme, password: s3cret,"
          + " numbers: [\"+74951234*\"]}\n"
          + "  - {name: carrier1, mode: ip, peers: [\"127.0.0.20\"], target: \"sip:127.0.0.1:%d\","
          + " health: off}\n"
          + "routes:\n"
          + "  - {prefix: \"+49\", trunks: [carrier1]}\n";

  @Test
  void aCallFromACarrierReachesARegisteredPbxAtItsRegisteredAddress() throws Exception {
    start(String.format(PBX_AND_CARRIER, 9));
    int contact = Sipp.freePortFor("u1");
    Path reg = Files.createDirectories(dir.resolve("register"));
    Sipp.runAndExpectSuccess(
        reg,
        "register-in",
        sip(),
        "127.0.0.10",
        "u1",
        1,
        Duration.ofSeconds(30),
        List.of("-s", "acme", "-au", "acme", "-ap", "s3cret", "-p", Integer.toString(contact)));
    // the PBX now listens where it registered from
    Path d = Files.createDirectories(dir.resolve("pbx"));
    Process pbx =
        Sipp.startUas(
            d, "uas-call-registered", contact, "u1", 1, List.of("-i", "127.0.0.10", "-trace_msg"));
    Sipp.awaitBound("127.0.0.10", contact, pbx, d);

    call("uac-call", "+74951234567");

    Sipp.expectSuccess(pbx, d, Duration.ofSeconds(20));
    Cdr cdr = lastCdr();
    assertThat(cdr.fromTrunk()).isEqualTo("carrier1");
    assertThat(cdr.toTrunk()).isEqualTo("acme");
    assertThat(cdr.status()).isEqualTo(200);
  }

  @Test
  void aRegisteredPbxsCallIsChallengedThenRoutedToTheCarrier() throws Exception {
    int p = Sipp.freePortFor("u1");
    Process carrier = pbx("uas-call-national", p);
    start(
        String.format(PBX_AND_CARRIER, p)
            .replace(
                "health: off}",
                "health: off," + " numbering: {out: [{match: '^\\+7(\\d+)$', replace: '8$1'}]}}")
            .replace("prefix: \"+49\"", "prefix: \"+7495\""));
    // acme's own numbers are +74951234*: call another +7495 number, routed to carrier1
    Path d = Files.createDirectories(dir.resolve("uac-auth"));
    Sipp.runAndExpectSuccess(
        d,
        "uac-call-auth",
        sip(),
        "127.0.0.10",
        "u1",
        1,
        Duration.ofSeconds(30),
        List.of("-s", "+74959990000", "-au", "acme", "-ap", "s3cret"));

    Sipp.expectSuccess(carrier, dir.resolve("uas-call-national-" + p), Duration.ofSeconds(20));
    Cdr cdr = lastCdr();
    assertThat(cdr.fromTrunk()).isEqualTo("acme");
    assertThat(cdr.toTrunk()).isEqualTo("carrier1");
    assertThat(cdr.calledSent()).isEqualTo("84959990000");
  }

  @Test
  void aCallToACrossConnectTrunkLeavesFromItsOwnAddress() throws Exception {
    int p = Sipp.freePortFor("u1");
    Path d = Files.createDirectories(dir.resolve("xc"));
    Process far = Sipp.startUas(d, "uas-call-xc", p, "u1", 1, List.of("-i", "127.0.0.3"));
    Sipp.awaitBound("127.0.0.3", p, far, d);
    start(
        "  - {name: xc, transport: udp, address: 127.0.0.2, port: 0}\n",
        "trunks:\n"
            + "  - {name: carrier1, mode: ip, peers: [\"127.0.0.20\"]}\n"
            + "  - {name: gamma, mode: cross-connect, listen: xc, peers: [\"127.0.0.3\"],"
            + " target: \"sip:127.0.0.3:"
            + p
            + "\", health: off}\n"
            + "routes:\n"
            + "  - {prefix: \"+7495\", trunks: [gamma]}\n");

    call("uac-call", "+74951234567");

    Sipp.expectSuccess(far, d, Duration.ofSeconds(20));
    Cdr cdr = lastCdr();
    assertThat(cdr.toTrunk()).isEqualTo("gamma");
    assertThat(cdr.status()).isEqualTo(200);
  }

  @Test
  void aReliable183IsPrackedByUsAndRelayedWithItsEarlyMedia() throws Exception {
    int p = Sipp.freePortFor("u1");
    Process callee = pbx("uas-call-100rel", p);
    start(String.format(ONE_PBX, p));

    call("uac-call-183", "+74951234567");

    Sipp.expectSuccess(callee, dir.resolve("uas-call-100rel-" + p), Duration.ofSeconds(20));
    Cdr cdr = lastCdr();
    assertThat(cdr.status()).isEqualTo(200);
    assertThat(cdr.ringing()).isNotNull();
  }

  @Test
  void aPbxWeRegisterToCallsThroughUsAndIsCalledAtItsRegistrar() throws Exception {
    int registrar = Sipp.freePortFor("u1");
    int carrier = Sipp.freePortFor("u1");
    Path regDir = Files.createDirectories(dir.resolve("registrar"));
    Process reg = Sipp.startUas(regDir, "uas-register-challenge", registrar, "u1", 1, List.of());
    Sipp.awaitBound(registrar, reg, regDir);
    Process callee = pbx("uas-call", carrier);
    start(
        "trunks:\n"
            + "  - {name: beta, mode: register-out, registrar: \"sip:127.0.0.1:"
            + registrar
            + "\", username: trunk77, password: pw, expires: 600}\n"
            + "  - {name: carrier1, mode: ip, peers: [\"127.0.0.20\"], target: \"sip:127.0.0.1:"
            + carrier
            + "\", health: off}\n"
            + "routes:\n"
            + "  - {prefix: \"+7495\", trunks: [carrier1]}\n");
    Sipp.expectSuccess(reg, regDir, Duration.ofSeconds(20));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> server.core().trunks().stream().anyMatch(t -> t.state().equals("registered")));

    // the PBX calls from its registrar's address: beta's call, routed to carrier1
    Path d = Files.createDirectories(dir.resolve("from-beta"));
    Sipp.runAndExpectSuccess(
        d,
        "uac-call",
        sip(),
        "127.0.0.1",
        "u1",
        1,
        Duration.ofSeconds(30),
        List.of("-s", "+74951234567"));

    Sipp.expectSuccess(callee, dir.resolve("uas-call-" + carrier), Duration.ofSeconds(20));
    Cdr cdr = lastCdr();
    assertThat(cdr.fromTrunk()).isEqualTo("beta");
    assertThat(cdr.toTrunk()).isEqualTo("carrier1");
  }

  @Test
  void aCallWhoseCalleeForgotTheDialogIsHungUpByTheDialogCheck() throws Exception {
    int p = Sipp.freePortFor("u1");
    Process callee = pbx("uas-call-dead", p);
    start(String.format(ONE_PBX, p) + "calls: {dialog-check: 1s}\n");

    call("uac-call-dead", "+74951234567");

    Sipp.expectSuccess(callee, dir.resolve("uas-call-dead-" + p), Duration.ofSeconds(20));
    Cdr cdr = lastCdr();
    assertThat(cdr.reason()).isEqualTo("dialog check failed: 481 from the callee");
    assertThat(cdr.hangup()).isEqualTo("callee");
  }

  private static String headersReceivedBy(Path run) throws Exception {
    return SippTrace.headersReceived(run);
  }
}
