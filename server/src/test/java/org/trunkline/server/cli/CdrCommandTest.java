package org.trunkline.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trunkline.core.call.Cdr;
import org.trunkline.server.api.RunningServer;

/** {@code trunkline cdr} in-process against a running server whose database has CDRs. */
class CdrCommandTest {
  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
  private static final ZoneId MOSCOW = ZoneId.of("Europe/Moscow"); // UTC+3, no DST

  @TempDir Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    out.getBuffer().setLength(0);
    err.getBuffer().setLength(0);
    return TrunklineCommand.commandLine(
            new PrintWriter(out),
            new PrintWriter(err),
            Clock.fixed(T0.plusSeconds(3600), ZoneOffset.UTC),
            MOSCOW)
        .execute(args);
  }

  private static Cdr cdr(
      String id,
      String from,
      String to,
      String caller,
      String called,
      Instant start,
      int status,
      String reason,
      String attempts) {
    return new Cdr(
        id,
        from,
        to,
        caller,
        called,
        "a-" + id + "@pbx",
        to.isEmpty() ? "" : "b-" + id + "@trunkline",
        start,
        status == 200 ? start.plusSeconds(3) : null,
        start.plusSeconds(status == 200 ? 3 + 754 : 1),
        status,
        reason,
        attempts);
  }

  @Test
  void findsANumberAsThePbxSentItOrAfterNumbering() throws Exception {
    try (RunningServer running = RunningServer.start(dir, "")) {
      var store = running.server.database().cdrStore();
      // the PBX sent national forms; its trunk's numbering made them E.164
      store.write(
          new Cdr(
              "c1",
              "pbx",
              "carrier1",
              "+74951234567",
              "+74997654321",
              "a-c1@pbx",
              "b-c1@trunkline",
              T0,
              null,
              T0.plusSeconds(1),
              486,
              "486 Busy Here from carrier1",
              "carrier1: 486",
              "84951234567",
              "84997654321",
              "74997654321",
              null,
              17,
              ""));
      await().atMost(Duration.ofSeconds(10)).until(() -> store.written() == 1);

      for (String n : List.of("84951234567", "8499765", "+7495123", "+74997654321")) {
        assertThat(run("cdr", "--api", running.url(), "--number", n)).as(n).isZero();
        assertThat(out.toString()).as(n).contains("carrier1: 486");
      }
      for (String n : List.of("84951234568", "7495", "+8495")) {
        assertThat(run("cdr", "--api", running.url(), "--number", n)).as(n).isZero();
        assertThat(out.toString()).as(n).isEqualTo("no CDRs found\n");
      }
    }
  }

  @Test
  void printsTheTableFilteredOrTheJson() throws Exception {
    try (RunningServer running = RunningServer.start(dir, "")) {
      var store = running.server.database().cdrStore();
      store.write(
          cdr(
              "c1",
              "carrier1",
              "pbx",
              "+15551230000",
              "+74951234567",
              T0,
              200,
              "BYE from caller",
              "pbx: 200"));
      store.write(
          cdr(
              "c2",
              "acme",
              "carrier2",
              "+74951234500",
              "+4930123456",
              T0.plusSeconds(60),
              486,
              "486 Busy Here from carrier2",
              "carrier1: 503, carrier2: 486"));
      await().atMost(Duration.ofSeconds(10)).until(() -> store.written() == 2);

      assertThat(run("cdr", "--api", running.url())).isZero();
      assertThat(err.toString()).isEmpty();
      assertThat(out.toString())
          .isEqualTo(
              """
              START                DURATION  FROM-TRUNK  CALLER        TO-TRUNK  CALLED        STATUS  REASON                       ATTEMPTS
              2026-03-01 13:01:00  -         acme        +74951234500  carrier2  +4930123456   486     486 Busy Here from carrier2  carrier1: 503, carrier2: 486
              2026-03-01 13:00:00  12:34     carrier1    +15551230000  pbx       +74951234567  200     BYE from caller              pbx: 200
              """);

      assertThat(run("cdr", "--api", running.url(), "--number", "+7495123456")).isZero();
      assertThat(out.toString()).contains("pbx: 200").doesNotContain("acme");
      assertThat(run("cdr", "--api", running.url(), "--trunk", "carrier2", "--status", "4xx"))
          .isZero();
      assertThat(out.toString()).contains("acme").doesNotContain("pbx: 200");
      assertThat(run("cdr", "--api", running.url(), "--call-id", "b-c1@trunkline")).isZero();
      assertThat(out.toString().lines()).hasSize(2).last().asString().contains("pbx: 200");
      // local times are this machine's zone (here Moscow); ages count back from now (T0 + 1 h)
      assertThat(run("cdr", "--api", running.url(), "--since", "2026-03-01 13:00:30")).isZero();
      assertThat(out.toString()).contains("acme").doesNotContain("pbx: 200");
      assertThat(run("cdr", "--api", running.url(), "--since", "2h", "--until", "59m")).isZero();
      assertThat(out.toString()).contains("pbx: 200").doesNotContain("acme");
      assertThat(run("cdr", "--api", running.url(), "--since", "2026-03-02")).isZero();
      assertThat(out.toString()).isEqualTo("no CDRs found\n");
      assertThat(run("cdr", "--api", running.url(), "--limit", "1")).isZero();
      assertThat(out.toString().lines()).hasSize(2).last().asString().contains("acme");

      assertThat(run("cdr", "--json", "--api", running.url(), "--number", "+1555")).isZero();
      assertThat(out.toString())
          .isEqualTo(running.get("/api/cdrs?number=%2B1555").body())
          .contains("\"b_call_id\": \"b-c1@trunkline\"");

      assertThat(run("cdr", "--format", "csv", "--api", running.url(), "--number", "+1555"))
          .isZero();
      List<String> csv = out.toString().lines().toList();
      assertThat(csv).hasSize(2);
      assertThat(csv.get(0)).startsWith("id,from_trunk,to_trunk,caller,called,");
      assertThat(csv.get(1))
          .contains(",carrier1,pbx,+15551230000,+74951234567,")
          .contains("b-c1@trunkline");
      assertThat(run("cdr", "--format", "xml", "--api", running.url())).isEqualTo(2);
      assertThat(err.toString()).isEqualTo("--format: must be table, csv or json, got xml\n");
    }
  }

  @Test
  void mistakesAndNoServerExitTwoWithOneLine() throws Exception {
    try (RunningServer running = RunningServer.start(dir, "")) {
      assertThat(run("cdr", "--api", running.url(), "--limit", "5000")).isEqualTo(2);
      assertThat(err.toString()).isEqualTo("--limit: must be 1..1000, got 5000\n");
      assertThat(run("cdr", "--api", running.url(), "--status", "busy")).isEqualTo(2);
      assertThat(err.toString())
          .isEqualTo("--status: must be a SIP status 100..699 or a class 1xx..6xx, got busy\n");
      assertThat(run("cdr", "--api", running.url(), "--since", "yesterday")).isEqualTo(2);
      assertThat(err.toString())
          .isEqualTo(
              "--since: must be a time like 2026-03-01T10:00:00Z, 2026-03-01 10:00 or 2026-03-01,"
                  + " or an age like 30m, 2h or 7d; got yesterday\n");
      assertThat(out.toString()).isEmpty();
    }

    // a port nobody listens on: reserved for this JVM, outside the kernel's ephemeral range
    int port = org.trunkline.stack.TestPorts.reserve();
    Path config =
        Files.writeString(
            dir.resolve("c.yaml"),
            "listen: [{transport: udp, address: 127.0.0.1}]\napi: {port: " + port + "}\n");
    assertThat(run("cdr", "--config", config.toString(), "--number", "+7")).isEqualTo(2);
    assertThat(err.toString())
        .isEqualTo(
            "no Trunkline running at http://127.0.0.1:"
                + port
                + " (connection refused); start it with ./trunkline run\n");
    assertThat(out.toString()).isEmpty();
  }
}
