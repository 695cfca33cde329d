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
import org.trunkline.server.api.RunningServer;
import org.trunkline.stack.ListenPoint;
import org.trunkline.stack.Sipp;

/**
 * {@code trunkline trace list|show|explain} in-process against a running server after a SIPp call
 * through it, and {@code GET /api/traces} as the commands read it.
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

  @Test
  void listShowAndExplainACallThroughTheServer() throws Exception {
    int p = Sipp.freePortFor("u1");
    Path uas = Files.createDirectories(dir.resolve("uas"));
    Process callee = Sipp.startUas(uas, "uas-call", p, "u1", 1, List.of());
    Sipp.awaitBound(p, null, null);
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
            assertThat(run("trace", "show", "--api", running.url(), cdr.aCallId())).isZero();
            assertThat(out.toString().lines().filter(l -> l.contains(" -> "))).hasSize(12);
          });
      assertThat(out.toString())
          .startsWith("trace " + cdr.id() + ", Call-IDs " + cdr.aCallId() + ", " + cdr.bCallId())
          .contains("UDP  127.0.0.20:")
          .contains("-> " + lp.address() + ":" + lp.port() + "  INVITE sip:+74951234567@")
          .contains("-> 127.0.0.1:" + p + "  INVITE sip:+74951234567@");

      assertThat(run("trace", "show", "--full", "--api", running.url(), cdr.id())).isZero();
      assertThat(out.toString()).contains("Call-ID: " + cdr.bCallId());

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
      assertThat(out.toString()).contains("ended with 200");

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
