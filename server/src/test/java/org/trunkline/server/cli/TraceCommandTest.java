package org.trunkline.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trunkline.core.call.Cdr;
import org.trunkline.core.trace.Tshark;
import org.trunkline.server.api.RunningServer;
import org.trunkline.stack.ListenPoint;
import org.trunkline.stack.Sipp;

/**
 * {@code trunkline trace list|show|explain|pcap} in-process against a running server after a SIPp
 * call through it (the pcap read back by tshark), and {@code GET /api/traces} as the commands read
 * it.
 */
class TraceCommandTest {
  @TempDir Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    out.getBuffer().setLength(0);
    err.getBuffer().setLength(0);
    return TrunklineCommand.commandLine(
            new PrintWriter(out), new PrintWriter(err), Clock.systemUTC(), ZoneOffset.UTC)
        .execute(args);
  }

  private String pcap() {
    return dir.resolve("call.pcap").toString();
  }

  @Test
  void listShowExplainAndPcapACallThroughTheServer() throws Exception {
    int p = Sipp.freePortFor("u1");
    Path uas = Files.createDirectories(dir.resolve("uas"));
    Process callee = Sipp.startUas(uas, "uas-call", p, "u1", 1, List.of());
    Sipp.awaitBound(p, callee, uas);
    try (RunningServer running =
        RunningServer.start(
            dir,
            "trunks:\n"
                + "  - {name: carrier1, mode: ip, peers: [\"127.0.0.20\"]}\n"
                + "  - {name: pbx, mode: ip, peers: [\"127.0.0.1\"], target: \"sip:127.0.0.1:"
                + p
                + "\", health: off}\n"
                + "routes:\n"
                + "  - {prefix: \"+7495\", trunks: [pbx]}\n")) {
      ListenPoint lp = running.server.listening().getFirst();
      Sipp.runAndExpectSuccess(
          Files.createDirectories(dir.resolve("uac")),
          "uac-call",
          new InetSocketAddress(lp.address(), lp.port()),
          "127.0.0.20",
          "u1",
          1,
          Duration.ofSeconds(30),
          List.of("-s", "+74951234567"));
      Sipp.expectSuccess(callee, uas, Duration.ofSeconds(20));
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> !running.server.core().calls().cdrs(1).isEmpty());
      Cdr cdr = running.server.core().calls().cdrs(1).getFirst();
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(() -> {
            assertThat(run("trace", "pcap", "--api", running.url(), cdr.aCallId(), "-o", pcap()))
                .isZero();
            assertThat(err.toString()).startsWith("wrote 12 messages of trace " + cdr.id());
          });
      // tshark reads exactly the messages of both legs, in order, with their addresses
      String sip = lp.address() + ":" + lp.port();
      List<String> decoded =
          Tshark.fields(
              dir.resolve("call.pcap"),
              "sip",
              List.of(),
              "ip.src",
              "udp.srcport",
              "ip.dst",
              "udp.dstport",
              "sip.Method",
              "sip.Status-Code",
              "sip.Call-ID");
      assertThat(decoded).hasSize(12);
      List<String> steps =
          decoded.stream()
              .map(l -> l.split("\\|", -1))
              .map(f -> f[0] + ":" + f[1] + ">" + f[2] + ":" + f[3] + " " + f[4] + f[5])
              .toList();
      String caller = decoded.getFirst().split("\\|")[0] + ":" + decoded.getFirst().split("\\|")[1];
      String pbx = "127.0.0.1:" + p;
      assertThat(caller).startsWith("127.0.0.20:");
      // each leg in its order
      assertThat(steps.stream().filter(x -> x.contains(caller)))
          .containsExactly(
              caller + ">" + sip + " INVITE",
              sip + ">" + caller + " 180",
              sip + ">" + caller + " 200",
              caller + ">" + sip + " ACK",
              caller + ">" + sip + " BYE",
              sip + ">" + caller + " 200");
      assertThat(steps.stream().filter(x -> x.contains(pbx)))
          .containsExactly(
              sip + ">" + pbx + " INVITE",
              pbx + ">" + sip + " 180",
              pbx + ">" + sip + " 200",
              sip + ">" + pbx + " ACK",
              sip + ">" + pbx + " BYE",
              pbx + ">" + sip + " 200");
      // and exactly the stored messages, in the stored order
      List<String> stored =
          TraceJson.fetch(null, running.url(), cdr.id()).messages().stream()
              .map(m -> {
                boolean in = m.direction() == org.trunkline.stack.TraceTap.Direction.IN;
                var from = in ? m.remote() : m.local();
                var to = in ? m.local() : m.remote();
                String line = new String(m.bytes(), java.nio.charset.StandardCharsets.UTF_8);
                line = line.substring(0, line.indexOf('\r'));
                String what =
                    line.startsWith("SIP/2.0 ")
                        ? line.substring(8, 11)
                        : line.substring(0, line.indexOf(' '));
                return from.getAddress().getHostAddress()
                    + ":"
                    + from.getPort()
                    + ">"
                    + to.getAddress().getHostAddress()
                    + ":"
                    + to.getPort()
                    + " "
                    + what;
              })
              .toList();
      assertThat(steps).containsExactlyElementsOf(stored);
      assertThat(decoded.stream().map(l -> l.substring(l.lastIndexOf('|') + 1)).distinct())
          .containsExactlyInAnyOrder(cdr.aCallId(), cdr.bCallId());

      assertThat(
              run("trace", "show", "--ascii", "--width", "120", "--api", running.url(), cdr.id()))
          .isZero();
      assertThat(out.toString())
          .contains("(us)")
          .contains("|-- INVITE (SDP) -")
          .contains("180 Ringing")
          .contains("BYE");
      assertThat(run("trace", "show", "--full", "--api", running.url(), cdr.bCallId())).isZero();
      assertThat(out.toString())
          .contains("Call-ID: " + cdr.bCallId())
          .contains("Call-ID: " + cdr.aCallId());

      assertThat(run("trace", "list", "--api", running.url(), "--number", "+7495")).isZero();
      assertThat(out.toString().lines().toList()).hasSize(2).first().asString().startsWith("FIRST");
      assertThat(out.toString().lines().toList().get(1))
          .contains(cdr.id())
          .contains("12")
          .contains("carrier1")
          .contains("pbx")
          .contains("200")
          .contains("INVITE sip:+74951234567@");

      assertThat(run("trace", "explain", "--api", running.url(), cdr.bCallId())).isZero();
      assertThat(out.toString()).isNotBlank().doesNotContain("no messages");

      assertThat(run("trace", "show", "--api", running.url(), "nothing@nowhere")).isEqualTo(1);
      assertThat(err.toString()).isEqualTo("no trace with call id or Call-ID nothing@nowhere\n");
      assertThat(run("trace", "list", "--api", running.url(), "--status", "7xx")).isEqualTo(2);
      assertThat(err.toString())
          .startsWith("--status: must be a SIP status 100..699 or a class 1xx..6xx");

      assertThat(running.get("/api/counters").body())
          .contains("\"traces\"")
          .contains("\"dropped\": 0");
    }
  }
}
