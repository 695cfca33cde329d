package org.trunkline.server.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trunkline.core.call.Cdr;
import org.trunkline.core.call.CdrMedia;
import org.trunkline.media.MediaRelay;
import org.trunkline.server.TrunklineServer;
import org.trunkline.server.config.ConfigLoader;
import org.trunkline.server.storage.CdrQuery;
import org.trunkline.server.trunks.SippTrace;
import org.trunkline.stack.ListenPoint;
import org.trunkline.stack.Sipp;

/**
 * Calls whose media is anchored on the relay (issue 8), through the running server: a SIPp carrier
 * (ip trunk {@code carrier1}, 127.0.0.20, media on 127.0.0.20) calls a SIPp PBX (SIP on 127.0.0.1,
 * media on 127.0.0.30) behind a trunk; the carrier's trunk relays. Each side's SDP names only the
 * relay (127.0.0.1 and its ports), real RTP (SIPp's G.711 A-law speech, echoed by the PBX) crosses
 * it, the CDR has its stats and recording, and every port goes back to the pool however the call
 * ends.
 */
class MediaCallsEndToEndTest {
  private static final Pattern AUDIO = Pattern.compile("m=audio ([0-9]+) ");

  @TempDir Path dir;
  private TrunklineServer server;
  private int base;
  private int pairs;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  /**
   * A server with a relay of {@code ports} ports (a random block, so parallel builds rarely meet)
   * and the given media keys, and a PBX trunk towards {@code pbxPorts} in route order.
   */
  private void start(int ports, String mediaKeys, String carrierKeys, int... pbxPorts)
      throws Exception {
    base = 20000 + 2 * ThreadLocalRandom.current().nextInt(0, 10000);
    pairs = ports / 2;
    StringBuilder trunks = new StringBuilder("trunks:\n");
    trunks.append("  - {name: carrier1, mode: ip, peers: [\"127.0.0.20\"]").append(carrierKeys);
    trunks.append("}\n");
    List<String> names = new ArrayList<>();
    for (int i = 0; i < pbxPorts.length; i++) {
      String name = "pbx" + i;
      names.add(name);
      trunks
          .append("  - {name: ")
          .append(name)
          .append(", mode: ip, peers: [\"127.0.0.1:")
          .append(pbxPorts[i])
          .append("\"], target: \"sip:127.0.0.1:")
          .append(pbxPorts[i])
          .append("\", health: off}\n");
    }
    Path file = dir.resolve("trunkline.yaml");
    Files.writeString(
        file,
        "listen:\n"
            + "  - {name: public, transport: udp, address: 127.0.0.1, port: 0}\n"
            + "database: {url: \"jdbc:h2:file:"
            + dir.resolve("db")
            + "\"}\n"
            + "api: {enabled: false}\n"
            + "media: {address: 127.0.0.1, ports: "
            + base
            + "-"
            + (base + ports - 1)
            + ", latch-window: 5s, check-interval: 100ms, threads: 1, recording-dir: \""
            + dir.resolve("recordings")
            + "\""
            + mediaKeys
            + "}\n"
            + trunks
            + "routes:\n"
            + "  - {prefix: \"+7495\", trunks: ["
            + String.join(", ", names)
            + "], failover-on: [503]}\n");
    server = TrunklineServer.start(ConfigLoader.load(file), Clock.systemUTC());
  }

  private MediaRelay relay() {
    return server.media().orElseThrow();
  }

  private InetSocketAddress sip() {
    ListenPoint lp = server.listening().getFirst();
    return new InetSocketAddress(lp.address(), lp.port());
  }

  private Path run(String name) throws IOException {
    return Files.createDirectories(dir.resolve(name + "-" + System.nanoTime()));
  }

  private Process pbx(Path d, String scenario, int port, String... extra) throws Exception {
    List<String> args = new ArrayList<>(List.of("-trace_msg"));
    args.addAll(List.of(extra));
    Process p = Sipp.startUas(d, scenario, port, "u1", 1, args);
    Sipp.awaitBound(port, p, d);
    return p;
  }

  private void call(Path d, String scenario, String... extra) throws Exception {
    List<String> args = new ArrayList<>(List.of("-s", "+74951234567", "-trace_msg"));
    args.addAll(List.of(extra));
    Sipp.runAndExpectSuccess(
        d, scenario, sip(), "127.0.0.20", "u1", 1, Duration.ofSeconds(40), args);
  }

  private Cdr lastCdr() {
    await().atMost(Duration.ofSeconds(10)).until(() -> !server.core().calls().cdrs(1).isEmpty());
    return server.core().calls().cdrs(1).getFirst();
  }

  /** Every port back in the pool and no session left: nothing leaked. */
  private void awaitAllPortsFree() {
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> {
          assertThat(relay().sessions()).as("open media sessions").isZero();
          assertThat(relay().freePortPairs()).as("free port pairs").isEqualTo(pairs);
        });
  }

  /** The port of the first audio line of the last message with SDP in {@code text}. */
  private int audioPort(String text) {
    Matcher m = AUDIO.matcher(text);
    int port = -1;
    while (m.find()) {
      port = Integer.parseInt(m.group(1));
    }
    return port;
  }

  @Test
  void aRelayedCallCarriesAudioHidesBothSidesAndIsRecorded() throws Exception {
    int p = Sipp.freePortFor("u1");
    int calleeMedia = Sipp.freePortFor("u1");
    int callerMedia = Sipp.freePortFor("u1");
    start(40, "", ", media: relay, record: true", p);
    Path callee = run("callee");
    Process pbx =
        pbx(
            callee,
            "uas-relay-rtp",
            p,
            "-mi",
            "127.0.0.30",
            "-mp",
            Integer.toString(calleeMedia),
            "-rtp_echo");

    Path caller = run("caller");
    call(caller, "uac-relay-rtp", "-mi", "127.0.0.20", "-mp", Integer.toString(callerMedia));

    Sipp.expectSuccess(pbx, callee, Duration.ofSeconds(20));
    // topology hiding in the SDP: each side sees the relay's address and a port of its pool only
    String toCaller = SippTrace.messagesReceived(caller);
    String toCallee = SippTrace.messagesReceived(callee);
    assertThat(toCaller).contains("c=IN IP4 127.0.0.1").doesNotContain("127.0.0.30");
    assertThat(toCallee).contains("c=IN IP4 127.0.0.1").doesNotContain("127.0.0.20");
    assertThat(audioPort(toCaller)).isBetween(base, base + 39).isNotEqualTo(calleeMedia);
    assertThat(audioPort(toCallee)).isBetween(base, base + 39).isNotEqualTo(callerMedia);

    Cdr cdr = lastCdr();
    assertThat(cdr.status()).isEqualTo(200);
    CdrMedia media = cdr.media();
    assertThat(media).as("media stats in the CDR").isNotNull();
    // SIPp's pcaps hold 236 packets of speech and 10 of a digit; the PBX echoes what reaches it
    assertThat(media.caller().packets()).isBetween(200L, 246L);
    assertThat(media.callee().packets()).isBetween(200L, 246L);
    assertThat(media.dtmf()).as("RFC 4733 digits seen").startsWith("1");
    assertThat(media.caller().mos()).isGreaterThan(3.5);
    assertThat(media.callee().mos()).isGreaterThan(3.5);
    // the digit's end packet is sent three times with one sequence number (SIPp's
    // dtmf_2833_1.pcap, as RFC 4733 2.5.1.4 says), so 2 duplicates each way (the PBX echoes);
    // over loopback nothing comes out of order
    assertThat(media.caller().duplicates()).isEqualTo(2);
    assertThat(media.caller().late()).isZero();
    assertThat(media.callee().duplicates()).isEqualTo(2);
    assertThat(media.callee().late()).isZero();
    assertThat(media.oneWay()).isEmpty();
    // the recording: a stereo 8 kHz 16-bit WAV as long as the speech (7.0 s)
    Path wav = Path.of(media.recording());
    assertThat(wav).exists().hasFileName(cdr.id() + ".wav");
    assertThat(wavSeconds(wav)).isBetween(6.0, 8.5);
    // the same in the database, as the API and `trunkline cdr` read it
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> !server.database().cdrStore().find(CdrQuery.newest(1)).isEmpty());
    Cdr stored = server.database().cdrStore().find(CdrQuery.newest(1)).getFirst();
    assertThat(stored.media()).isEqualTo(media);
    awaitAllPortsFree();
  }

  @Test
  void holdAndResumeCrossTheRelay() throws Exception {
    int p = Sipp.freePortFor("u1");
    start(40, "", ", media: relay", p);
    Path callee = run("callee");
    Process pbx = pbx(callee, "uas-call-hold-resume", p);

    call(run("caller"), "uac-relay-hold-resume");

    Sipp.expectSuccess(pbx, callee, Duration.ofSeconds(20));
    String toCallee = SippTrace.messagesReceived(callee);
    assertThat(toCallee).contains("a=sendonly").doesNotContain("127.0.0.20");
    assertThat(lastCdr().media()).isNotNull();
    awaitAllPortsFree();
  }

  @Test
  void aLateOfferIsRelayedFromTheCalleesAnswerToTheCallersAck() throws Exception {
    int p = Sipp.freePortFor("u1");
    start(40, "", ", media: relay", p);
    Path callee = run("callee");
    Process pbx = pbx(callee, "uas-relay-late", p, "-mi", "127.0.0.30");

    Path caller = run("caller");
    call(caller, "uac-relay-late", "-mi", "127.0.0.20");

    Sipp.expectSuccess(pbx, callee, Duration.ofSeconds(20));
    // the callee's offer reached the caller as the relay's, the caller's answer the callee so too
    assertThat(SippTrace.messagesReceived(caller)).doesNotContain("127.0.0.30");
    String toCallee = SippTrace.messagesReceived(callee);
    assertThat(toCallee).contains("ACK ").doesNotContain("127.0.0.20");
    assertThat(audioPort(toCallee)).isBetween(base, base + 39);
    assertThat(lastCdr().media()).isNotNull();
    awaitAllPortsFree();
  }

  @Test
  void aCalleesOfferInAReliable183IsRelayedAndTheCallersPrackAnswersIt() throws Exception {
    int p = Sipp.freePortFor("u1");
    start(40, "", ", media: relay", p);
    Path callee = run("callee");
    Process pbx = pbx(callee, "uas-call-late-100rel", p, "-mi", "127.0.0.30");

    Path caller = run("caller");
    call(caller, "uac-call-late-100rel", "-mi", "127.0.0.20");

    Sipp.expectSuccess(pbx, callee, Duration.ofSeconds(20));
    // RFC 3262 §5 through the relay: the caller got the relay's offer, the callee the relay's
    // answer in our PRACK
    String toCaller = SippTrace.messagesReceived(caller);
    assertThat(toCaller).contains("SIP/2.0 183 ").doesNotContain("127.0.0.30");
    String toCallee = SippTrace.messagesReceived(callee);
    String prack = toCallee.substring(toCallee.indexOf("PRACK sip:"));
    assertThat(prack).contains("application/sdp").doesNotContain("127.0.0.20");
    assertThat(audioPort(prack)).isBetween(base, base + 39);
    assertThat(lastCdr().media()).isNotNull();
    awaitAllPortsFree();
  }

  @Test
  void theCalleesTrunkRelaysAndFiltersTheCodecsOfItsOffers() throws Exception {
    int p = Sipp.freePortFor("u1");
    // only the callee's trunk relays (either trunk is enough), and it takes no PCMU
    start(40, "", "", p);
    server.close();
    Path file = dir.resolve("trunkline.yaml");
    Files.writeString(
        file,
        Files.readString(file)
            .replace(
                "health: off}",
                "health: off, media: relay, codecs: {remove: [PCMU], prefer: [PCMA]}}"));
    server = TrunklineServer.start(ConfigLoader.load(file), Clock.systemUTC());
    Path callee = run("callee");
    Process pbx = pbx(callee, "uas-relay-rtp", p, "-mi", "127.0.0.30");

    Path caller = run("caller");
    call(caller, "uac-relay-codecs", "-mi", "127.0.0.20");

    Sipp.expectSuccess(pbx, callee, Duration.ofSeconds(20));
    String toCallee = SippTrace.messagesReceived(callee);
    assertThat(toCallee).contains("a=rtpmap:8 PCMA/8000").doesNotContain("PCMU");
    assertThat(toCallee).doesNotContain("127.0.0.20");
    assertThat(SippTrace.messagesReceived(caller)).doesNotContain("127.0.0.30");
    assertThat(lastCdr().media()).isNotNull();
    awaitAllPortsFree();
  }

  @Test
  void cancelAndFailoverGiveEveryPortBack() throws Exception {
    int cancelled = Sipp.freePortFor("u1");
    start(40, "", ", media: relay", cancelled);
    Path callee = run("callee");
    Process pbx = pbx(callee, "uas-call-cancel", cancelled);
    call(run("caller"), "uac-call-cancel");
    Sipp.expectSuccess(pbx, callee, Duration.ofSeconds(20));
    assertThat(lastCdr().status()).isEqualTo(487);
    awaitAllPortsFree();
    server.close();
    server = null;

    int dead = Sipp.freePortFor("u1");
    int alive = Sipp.freePortFor("u1");
    start(40, "", ", media: relay", dead, alive);
    Path first = run("first");
    Path second = run("second");
    Process out = pbx(first, "uas-call-503", dead);
    Process in = pbx(second, "uas-call", alive);
    call(run("caller"), "uac-relay-call");
    Sipp.expectSuccess(out, first, Duration.ofSeconds(20));
    Sipp.expectSuccess(in, second, Duration.ofSeconds(20));
    Cdr cdr = lastCdr();
    assertThat(cdr.attempts()).isEqualTo("pbx0: 503, pbx1: 200");
    assertThat(cdr.media()).isNotNull();
    // the second PBX got the relay's address like the first
    assertThat(SippTrace.messagesReceived(second))
        .contains("c=IN IP4 127.0.0.1")
        .doesNotContain("127.0.0.20");
    awaitAllPortsFree();
  }

  @Test
  void aRelayedCallIsRefused503WhenThePortPoolIsEmpty() throws Exception {
    int p = Sipp.freePortFor("u1");
    // one pair: a call needs two (one per leg)
    start(2, "", ", media: relay", p);

    call(run("caller"), "uac-relay-503");

    Cdr cdr = lastCdr();
    assertThat(cdr.status()).isEqualTo(503);
    assertThat(cdr.cause()).isEqualTo(34);
    assertThat(cdr.reason()).startsWith("media: ").contains("port pool exhausted");
    awaitAllPortsFree();
  }

  @Test
  void aSilentCallIsEndedByTheMediaTimeout() throws Exception {
    int p = Sipp.freePortFor("u1");
    start(40, ", silence-timeout: 1s", ", media: relay", p);
    Path callee = run("callee");
    Process pbx = pbx(callee, "uas-call", p);

    // no RTP either way: the relay reports silence and both legs get a BYE
    call(run("caller"), "uac-relay-hungup");

    Sipp.expectSuccess(pbx, callee, Duration.ofSeconds(20));
    Cdr cdr = lastCdr();
    assertThat(cdr.status()).isEqualTo(200);
    assertThat(cdr.hangup()).isEqualTo("media");
    assertThat(cdr.reason()).startsWith("media timeout: no RTP on stream 0 for 1 s");
    assertThat(cdr.media().caller().packets()).isZero();
    awaitAllPortsFree();
  }

  /** The length of a PCM WAV's data in seconds. */
  private static double wavSeconds(Path wav) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(wav)).order(ByteOrder.LITTLE_ENDIAN);
    int channels = b.getShort(22);
    int rate = b.getInt(24);
    int bits = b.getShort(34);
    int at = 12;
    while (at + 8 <= b.limit()) {
      int id = b.getInt(at);
      int size = b.getInt(at + 4);
      if (id == 0x61746164) { // "data"
        return size / (double) (rate * channels * bits / 8);
      }
      at += 8 + size;
    }
    throw new AssertionError("no data chunk in " + wav);
  }
}
