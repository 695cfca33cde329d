package org.trunkline.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trunkline.server.api.RunningServer;

/** {@code trunkline trunks} and {@code trunkline reload} in-process against a running server. */
class ApiCommandsTest {
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
  void trunksPrintsTheTableAndJsonPrintsTheAnswer() throws Exception {
    try (RunningServer running =
        RunningServer.start(
            dir,
            """
            trunks:
              - {name: acme, mode: register-in, username: acme, password: s3cret}
              - {name: carrier1, mode: ip, peers: ["203.0.113.10:5060", "198.51.100.0/28"]}
            """)) {
      assertThat(run("trunks", "--api", running.url())).isZero();
      assertThat(err.toString()).isEmpty();
      assertThat(out.toString())
          .isEqualTo(
              """
              NAME      MODE         STATE         SINCE  REASON            CALLS  CONTACTS / PEERS
              acme      register-in  unregistered  -      no contact bound  0      -
              carrier1  ip           active        -      not probed        0      203.0.113.10:5060
                                                                                   198.51.100.0/28
              """);

      assertThat(run("trunks", "--json", "--api", running.url() + "/")).isZero();
      assertThat(out.toString())
          .isEqualTo(running.get("/api/trunks").body())
          .contains("\"name\": \"carrier1\"");
    }
  }

  @Test
  void trunksShowsTheSourcesBannedNowAfterTheTable() throws Exception {
    try (RunningServer running =
        RunningServer.start(
            dir,
            """
            trunks:
              - {name: acme, mode: register-in, username: acme, password: s3cret}
            ingress: {ban: {failures: 2, window: 60s, duration: 10m}}
            """)) {
      assertThat(run("trunks", "--api", running.url())).isZero();
      assertThat(out.toString()).doesNotContain("BANNED");

      var lp = running.server.listening().getFirst();
      java.net.InetSocketAddress sip = new java.net.InetSocketAddress(lp.address(), lp.port());
      for (int i = 0; i < 2; i++) {
        org.trunkline.stack.Sipp.runAndExpectSuccess(
            Files.createDirectories(dir.resolve("wrong-" + i)),
            "register-in-refused",
            sip,
            "127.0.0.14",
            "u1",
            1,
            java.time.Duration.ofSeconds(30),
            java.util.List.of("-s", "acme", "-au", "acme", "-ap", "nope"));
      }

      assertThat(running.get("/api/counters").body()).contains("\"banned_sources\"");
      assertThat(run("trunks", "--api", running.url())).isZero();
      assertThat(out.toString())
          .containsPattern(
              "\n\nBANNED SOURCE  UNTIL\n127\\.0\\.0\\.14     "
                  + "(\\d\\d:\\d\\d:\\d\\d|\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d)\n$");
    }
  }

  @Test
  void reloadPrintsWhatChangedOrTheErrorLines() throws Exception {
    try (RunningServer running = RunningServer.start(dir, "")) {
      running.rewrite("trunks:\n  - {name: delta, mode: ip, peers: [192.0.2.1]}\n");
      assertThat(run("reload", "--api", running.url())).isZero();
      assertThat(out.toString()).isEqualTo("reloaded: 1 change\n  added trunk delta (ip)\n");

      assertThat(run("reload", "--api", running.url())).isZero();
      assertThat(out.toString()).isEqualTo("reloaded: no trunk changes\n");

      running.rewrite("trunks:\n  - {name: delta, mode: ip, peers: [192.0.2.1/8]}\n");
      assertThat(run("reload", "--api", running.url())).isEqualTo(1);
      assertThat(out.toString()).isEmpty();
      assertThat(err.toString())
          .isEqualTo(
              running.file
                  + ":6: trunks[0].peers[0]: 192.0.2.1/8 has host bits set; did you mean"
                  + " 192.0.0.0/8?\n"
                  + "reload rejected: the server keeps its running config\n");
    }
  }

  @Test
  void withNoServerRunningTheyExitTwoWithOneLine() throws Exception {
    // a port nobody listens on: reserved for this JVM, outside the kernel's ephemeral range
    int port = org.trunkline.stack.TestPorts.reserve();
    Path config =
        Files.writeString(
            dir.resolve("c.yaml"),
            "listen: [{transport: udp, address: 127.0.0.1}]\napi: {port: " + port + "}\n");

    assertThat(run("trunks", "--config", config.toString())).isEqualTo(2);
    assertThat(err.toString())
        .isEqualTo(
            "no Trunkline running at http://127.0.0.1:"
                + port
                + " (connection refused); start it with ./trunkline run\n");
    assertThat(out.toString()).isEmpty();

    assertThat(run("reload", "-c", config.toString())).isEqualTo(2);
    assertThat(err.toString()).startsWith("no Trunkline running at http://127.0.0.1:" + port + " ");
  }

  @Test
  void theConfigMustNameAReachableApi() throws Exception {
    Path off = Files.writeString(dir.resolve("off.yaml"), "api: {enabled: false}\n");
    assertThat(run("trunks", "-c", off.toString())).isEqualTo(2);
    assertThat(err.toString())
        .isEqualTo(
            "the API is off in "
                + off
                + " (api.enabled: false): trunkline cannot reach the server\n");

    Path any = Files.writeString(dir.resolve("any.yaml"), "api: {port: 0}\n");
    assertThat(run("trunks", "-c", any.toString())).isEqualTo(2);
    assertThat(err.toString())
        .isEqualTo(any + ": api.port is 0 (any free port): name the server's API with --api URL\n");

    Path bad = Files.writeString(dir.resolve("bad.yaml"), "api: {port: 99999}\n");
    assertThat(run("reload", "-c", bad.toString())).isEqualTo(1);
    assertThat(err.toString())
        .isEqualTo(bad + ":1: api.port: must be 1..65535 (or 0 for any free port), got 99999\n");

    assertThat(run("trunks", "--api", "localhost:8060")).isEqualTo(2);
    assertThat(err.toString())
        .isEqualTo("--api: must be a URL like http://127.0.0.1:8060, got localhost:8060\n");
  }
}
