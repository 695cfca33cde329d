package org.trunkline.server.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trunkline.core.call.Cdr;
import org.trunkline.core.trace.Pcap;
import org.trunkline.core.trace.TracedMessage;
import org.trunkline.core.trace.Tshark;
import org.trunkline.server.TrunklineServer;
import org.trunkline.server.config.ConfigLoader;
import org.trunkline.server.storage.Trace;
import org.trunkline.server.storage.TraceQuery;
import org.trunkline.server.storage.TraceStore;
import org.trunkline.server.storage.TraceSummary;
import org.trunkline.stack.ListenPoint;
import org.trunkline.stack.Sipp;
import org.trunkline.stack.TraceTap;
import org.trunkline.stack.Transport;

/**
 * SIP traces through the running server (issue 7): a SIPp carrier (ip trunk {@code carrier1},
 * 127.0.0.20) calls a SIPp PBX (ip trunk {@code pbx}); the call's trace holds both legs' messages
 * in order with their addresses and is found by either Call-ID, number, trunk and source; trunks'
 * own REGISTER and OPTIONS exchanges are their own trace; a blocked database drops traces and the
 * call does not notice.
 */
class TracesEndToEndTest {
  @TempDir Path dir;
  private TrunklineServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private String dbUrl() {
    return "jdbc:h2:file:" + dir.resolve("db");
  }

  /**
   * @param traces more keys of the traces section ({@code queue: 4})
   */
  private void start(String traces, String trunksAndRoutes) throws Exception {
    Path file = dir.resolve("trunkline.yaml");
    Files.writeString(
        file,
        "listen:\n"
            + "  - {name: public, transport: udp, address: 127.0.0.1, port: 0}\n"
            + "database: {url: \""
            + dbUrl()
            + "\"}\n"
            + "api: {enabled: false}\n"
            + "traces: {path: \""
            + dir.resolve("traces")
            + "\""
            + (traces.isEmpty() ? "" : ", " + traces)
            + "}\n"
            + trunksAndRoutes);
    server = TrunklineServer.start(ConfigLoader.load(file), Clock.systemUTC());
  }

  private InetSocketAddress sip() {
    ListenPoint lp = server.listening().getFirst();
    return new InetSocketAddress(lp.address(), lp.port());
  }

  private TraceStore traces() {
    return server.traces().orElseThrow();
  }

  private Process pbx(String scenario, int port) throws Exception {
    Path d = Files.createDirectories(dir.resolve(scenario + "-" + port));
    Process p = Sipp.startUas(d, scenario, port, "u1", 1, List.of());
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

  private static String firstLine(TracedMessage m) {
    String text = new String(m.bytes(), StandardCharsets.UTF_8);
    return text.substring(0, text.indexOf("\r\n"));
  }

  /** "IN INVITE", "OUT 200 OK"... with the peer's IP. */
  private static String step(TracedMessage m) {
    String line = firstLine(m);
    String what =
        line.startsWith("SIP/2.0 ") ? line.substring(8) : line.substring(0, line.indexOf(' '));
    return m.direction() + " " + what + " " + m.remote().getAddress().getHostAddress();
  }

  private static final String TWO_TRUNKS =
      "trunks:\n"
          + "  - {name: carrier1, mode: ip, peers: [\"127.0.0.20\"]}\n"
          + "  - {name: pbx, mode: ip, peers: [\"127.0.0.1\"], target: \"sip:127.0.0.1:%d\","
          + " health: off}\n"
          + "routes:\n"
          + "  - {prefix: \"+7495\", trunks: [pbx]}\n";

  @Test
  void aCallsTraceHoldsBothLegsInOrderAndIsFoundByEitherCallIdNumberTrunkAndSource()
      throws Exception {
    int p = Sipp.freePortFor("u1");
    Process callee = pbx("uas-call", p);
    start("", TWO_TRUNKS.formatted(p));

    call("uac-call", "+74951234567");
    Sipp.expectSuccess(callee, dir.resolve("uas-call-" + p), Duration.ofSeconds(20));
    Cdr cdr = lastCdr();

    // both legs end with the 200 to their BYE: 7 messages on the A-leg, 6 on the B-leg at least
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(steps(cdr.id())).hasSizeGreaterThanOrEqualTo(12));
    Trace trace = traces().find(cdr.id()).orElseThrow();
    assertThat(trace.id()).isEqualTo(cdr.id());
    assertThat(trace.callIds()).containsExactly(cdr.aCallId(), cdr.bCallId());
    List<TracedMessage> ms = trace.messages();
    assertThat(ms).extracting(TracedMessage::epochMicros).isSorted();
    assertThat(ms).allSatisfy(m -> assertThat(m.correlationId()).isEqualTo(cdr.id()));
    List<String> steps = ms.stream().map(TracesEndToEndTest::step).toList();
    // the caller's side and the callee's side, each in the order of its leg
    assertThat(steps.stream().filter(s -> s.endsWith("127.0.0.20")).toList())
        .containsSubsequence(
            "IN INVITE 127.0.0.20",
            "OUT 180 Ringing 127.0.0.20",
            "OUT 200 OK 127.0.0.20",
            "IN ACK 127.0.0.20",
            "IN BYE 127.0.0.20",
            "OUT 200 OK 127.0.0.20");
    assertThat(steps.stream().filter(s -> s.endsWith("127.0.0.1")).toList())
        .containsSubsequence(
            "OUT INVITE 127.0.0.1",
            "IN 180 Ringing 127.0.0.1",
            "IN 200 OK 127.0.0.1",
            "OUT ACK 127.0.0.1",
            "OUT BYE 127.0.0.1",
            "IN 200 OK 127.0.0.1");
    // across the legs: the caller's INVITE first, the B-leg INVITE before the A-leg's 200
    assertThat(steps.getFirst()).isEqualTo("IN INVITE 127.0.0.20");
    assertThat(steps.indexOf("OUT INVITE 127.0.0.1"))
        .isLessThan(steps.indexOf("OUT 200 OK 127.0.0.20"));
    TracedMessage bInvite = ms.get(steps.indexOf("OUT INVITE 127.0.0.1"));
    assertThat(bInvite.remote().getPort()).isEqualTo(p);
    assertThat(bInvite.local()).isEqualTo(sip());
    assertThat(ms.getFirst().local()).isEqualTo(sip());

    // found by either leg's Call-ID, and in searches
    assertThat(traces().find(cdr.aCallId()).orElseThrow().id()).isEqualTo(cdr.id());
    assertThat(traces().find(cdr.bCallId()).orElseThrow().id()).isEqualTo(cdr.id());
    // a search by number or trunk goes through the CDRs in the database: this call's is there once
    // the CDR writer's batch after the call's end committed (within its 400 ms nap)
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() ->
            assertThat(ids(new TraceQuery(null, null, null, "+7495", null, null, null, 10)))
                .containsExactly(cdr.id()));
    assertThat(ids(new TraceQuery(null, null, null, null, "pbx", null, null, 10)))
        .containsExactly(cdr.id());
    assertThat(ids(new TraceQuery(null, null, null, null, null, "127.0.0.20", null, 10)))
        .containsExactly(cdr.id());
    assertThat(ids(new TraceQuery(null, null, cdr.bCallId(), null, null, null, null, 10)))
        .containsExactly(cdr.id());
    assertThat(ids(TraceQuery.newest(10))).containsExactly(cdr.id());
    TraceSummary s = traces().search(TraceQuery.newest(1)).getFirst();
    assertThat(s.startLine()).startsWith("INVITE sip:+74951234567@");
    assertThat(s.cdr().status()).isEqualTo(200);
    assertThat(ids(new TraceQuery(null, null, null, "+4930", null, null, null, 10))).isEmpty();
    assertThat(traces().counters()).containsEntry("dropped", 0L).containsEntry("failed", 0L);
  }

  private List<String> ids(TraceQuery q) throws Exception {
    return traces().search(q).stream().map(TraceSummary::id).toList();
  }

  @Test
  void aTrunksRegisterAndOptionsAreItsOwnTrace() throws Exception {
    int port = Sipp.freePortFor("u1");
    Process alive = pbx("uas-options-200", port);
    start(
        "",
        "trunks:\n"
            + "  - {name: acme, mode: register-in, username: acme, password: s3cret}\n"
            + "  - {name: carrier1, mode: ip, peers: [\"127.0.0.20\"], target: \"sip:127.0.0.1:"
            + port
            + "\", health: {interval: 1s, up-after: 1, down-after: 1}}\n");
    Sipp.expectSuccess(alive, dir.resolve("uas-options-200-" + port), Duration.ofSeconds(20));
    Path d = Files.createDirectories(dir.resolve("register-in"));
    Sipp.runAndExpectSuccess(
        d,
        "register-in",
        sip(),
        "127.0.0.10",
        "u1",
        1,
        Duration.ofSeconds(30),
        List.of("-s", "acme", "-au", "acme", "-ap", "s3cret"));

    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> {
          List<String> acme = steps("trunk:acme");
          assertThat(acme)
              .containsSubsequence(
                  "IN REGISTER 127.0.0.10",
                  "OUT 401 Unauthorized 127.0.0.10",
                  "IN REGISTER 127.0.0.10",
                  "OUT 200 OK 127.0.0.10");
          assertThat(steps("trunk:carrier1"))
              .containsSubsequence("OUT OPTIONS 127.0.0.1", "IN 200 OK 127.0.0.1");
        });
    assertThat(ids(new TraceQuery(null, null, null, null, "acme", null, null, 10)))
        .containsExactly("trunk:acme");
  }

  private List<String> steps(String id) throws Exception {
    return traces().find(id).map(Trace::messages).orElse(List.of()).stream()
        .map(TracesEndToEndTest::step)
        .toList();
  }

  @Test
  void aStalledWriterDropsTracesCountsThemAndNeverDelaysACall() throws Exception {
    int p = Sipp.freePortFor("u1");
    Process callee = pbx("uas-call", p);
    start("queue: 4", TWO_TRUNKS.formatted(p));
    // The writer drains and appends under the store's monitor: holding it stalls the writer as a
    // disk that stopped answering would, and each thread's ring of 4 fills at once.
    synchronized (traces()) {
      long t0 = System.nanoTime();
      call("uac-call", "+74951234567");
      Duration took = Duration.ofNanos(System.nanoTime() - t0);
      Sipp.expectSuccess(callee, dir.resolve("uas-call-" + p), Duration.ofSeconds(20));
      // the call takes its 200 ms pause and loopback round trips; SIPp start-up is most of it
      assertThat(took).isLessThan(Duration.ofSeconds(5));
      assertThat(lastCdr().status()).isEqualTo(200);
      // 12 messages and 2 links; at most 4 wait in each capturing thread's ring
      int rings = traces().rings();
      assertThat(rings).isBetween(1, 3);
      assertThat(traces().counters().get("dropped")).isGreaterThanOrEqualTo(14 - 4L * rings);
    }
    long captured = traces().counters().get("captured");
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> {
          var n = traces().counters();
          assertThat(n.get("written") + n.get("dropped")).isGreaterThanOrEqualTo(captured);
          assertThat(n.get("queued")).isZero();
        });
    assertThat(server.sip().snapshot()).containsEntry("trace_errors", 0L);
  }

  @Test
  void everyMessageOfACallReachesAHepCollectorWithTheCallsId() throws Exception {
    int p = Sipp.freePortFor("u1");
    Process callee = pbx("uas-call", p);
    try (DatagramSocket collector = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      collector.setSoTimeout(10_000);
      int port = collector.getLocalPort();
      start(
          "hep: {collector: \"udp:127.0.0.1:" + port + "\", node-id: 7}", TWO_TRUNKS.formatted(p));

      call("uac-call", "+74951234567");
      Sipp.expectSuccess(callee, dir.resolve("uas-call-" + p), Duration.ofSeconds(20));
      Cdr cdr = lastCdr();

      // Each leg ends with the 200 to its BYE: once the trace holds both, every message of the call
      // was captured. HEP sends each captured message (a retransmission too: a slow machine made
      // SIPp retransmit, and the collector got more than 12), after waiting for its Call-ID's link.
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(() -> {
            List<String> steps = steps(cdr.id());
            assertThat(steps).containsSubsequence("IN BYE 127.0.0.20", "OUT 200 OK 127.0.0.20");
            assertThat(steps).containsSubsequence("OUT BYE 127.0.0.1", "IN 200 OK 127.0.0.1");
          });
      long[] sent = {0};
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(() -> {
            var n = traces().counters();
            assertThat(n.get("hep_sent")).isGreaterThanOrEqualTo(12L).isEqualTo(n.get("captured"));
            assertThat(n).containsEntry("hep_dropped", 0L).containsEntry("hep_failed", 0L);
            sent[0] = n.get("hep_sent");
          });

      // what the collector received, as UDP datagrams, into a pcap for tshark's HEP dissector: a
      // datagram sent on loopback is in the collector's buffer when the send returns
      List<TracedMessage> received = new ArrayList<>();
      for (long i = 0; i < sent[0]; i++) {
        DatagramPacket d = new DatagramPacket(new byte[65_535], 65_535);
        collector.receive(d);
        received.add(
            new TracedMessage(
                TraceTap.nowMicros(),
                TraceTap.Direction.IN,
                Transport.UDP,
                new InetSocketAddress(InetAddress.getLoopbackAddress(), port),
                (InetSocketAddress) d.getSocketAddress(),
                Arrays.copyOfRange(d.getData(), 0, d.getLength()),
                ""));
      }
      Path pcap = Files.write(dir.resolve("hep.pcap"), Pcap.toBytes(received));
      List<String> decoded =
          Tshark.fields(
              pcap,
              "sip",
              Tshark.hepOn(port),
              "hep.capture_id",
              "hep.correlation_id",
              "sip.Call-ID",
              "sip.CSeq.method");
      assertThat(decoded).hasSize((int) sent[0]);
      assertThat(decoded).allSatisfy(l -> assertThat(l).startsWith("7|" + cdr.id() + "|"));
      String prefix = "7|" + cdr.id() + "|";
      assertThat(new java.util.HashSet<>(decoded))
          .contains(
              prefix + cdr.aCallId() + "|INVITE",
              prefix + cdr.aCallId() + "|ACK",
              prefix + cdr.aCallId() + "|BYE",
              prefix + cdr.bCallId() + "|INVITE",
              prefix + cdr.bCallId() + "|ACK",
              prefix + cdr.bCallId() + "|BYE");
    }
  }
}
