package org.trunkline.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trunkline.stack.Sipp;
import org.trunkline.stack.TestPorts;

/**
 * ARCHITECTURE.md, Storage: {@code kill -9} loses at most the last second of CDRs. The shaded jar
 * runs as its own process with an H2 file database; SIPp makes {@link #CALLS} calls through it,
 * then one more once their CDRs are stored; a second after that call ended the process is killed
 * with SIGKILL, and the database file, opened afresh, has every one of their CDRs; the API showed
 * them all before that second was over.
 */
class CdrKillIT {
  private static final Path JAR =
      Path.of(System.getProperty("trunkline.jar", "target/trunkline.jar"));
  private static final int CALLS = 30;
  private static final Duration LIMIT = Duration.ofSeconds(60);

  /** ARCHITECTURE.md, Storage: a kill -9 loses at most the last second of CDRs. */
  private static final Duration BOUND = Duration.ofSeconds(1);

  private static final String CARRIER = "127.0.0.20";
  private static final String PBX = "127.0.0.21";

  @TempDir Path dir;

  @Test
  void aKilledServerKeptTheCdrsOfEveryCallThatEndedASecondBefore() throws Exception {
    int pbxPort = Sipp.freePortFor("u1");
    int apiPort = TestPorts.reserve(); // bound by the server seconds later
    String url = "jdbc:h2:file:" + dir.resolve("data/trunkline");
    Files.writeString(
        dir.resolve("kill.yaml"),
        "listen: [{name: public, transport: udp, address: 127.0.0.1, port: 0}]\n"
            + "database: {url: \""
            + url
            + "\"}\n"
            + "api: {port: "
            + apiPort
            + "}\n"
            + "warmup: {enabled: false}\n"
            + "trunks:\n"
            + "  - {name: carrier1, mode: ip, peers: [\""
            + CARRIER
            + "\"]}\n"
            + "  - {name: pbx, mode: ip, peers: [\""
            + PBX
            + "\"], target: \"sip:"
            + PBX
            + ":"
            + pbxPort
            + "\", health: off}\n"
            + "routes:\n"
            + "  - {prefix: \"+7495\", trunks: [pbx]}\n");
    Path out = dir.resolve("run.out");
    Process server =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-jar",
                JAR.toAbsolutePath().toString(),
                "run",
                "--config",
                "kill.yaml")
            .directory(dir.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
            .redirectOutput(out.toFile())
            .redirectError(dir.resolve("run.err").toFile())
            .start();
    Set<String> callIds;
    try {
      await()
          .atMost(LIMIT)
          .until(() -> Files.readString(out).contains("trunkline ready\n") || !server.isAlive());
      Matcher udp =
          Pattern.compile("listening on sip:127\\.0\\.0\\.1:(\\d+);transport=udp")
              .matcher(Files.readString(out));
      assertThat(udp.find()).as("started: %s", Files.readString(dir.resolve("run.err"))).isTrue();
      InetSocketAddress sip = new InetSocketAddress("127.0.0.1", Integer.parseInt(udp.group(1)));

      Path pbxDir = Files.createDirectories(dir.resolve("pbx"));
      Process pbx = Sipp.startUas(pbxDir, "uas-call", pbxPort, "u1", CALLS + 1, List.of("-i", PBX));
      Sipp.awaitBound(PBX, pbxPort, pbx, pbxDir);
      Path callerDir = Files.createDirectories(dir.resolve("carrier"));
      Sipp.runAndExpectSuccess(
          callerDir,
          "uac-call",
          sip,
          CARRIER,
          "u1",
          CALLS,
          LIMIT,
          List.of("-s", "+74951234567", "-r", "10", "-l", "10"));
      await().atMost(LIMIT).until(() -> cdrCallIds(apiPort).size() == CALLS);
      // The writer sleeps now (its queue is empty): the next CDR wakes it and waits its whole nap
      // (400 ms) for a commit, which the API sees, then for H2 to store that commit in the file
      // (within WRITE_DELAY, 500 ms, of H2's previous store). A nap near the bound fails here
      // every time, not by chance of where the last call fell between two batches.
      Path lastDir = Files.createDirectories(dir.resolve("carrier-last"));
      Sipp.runAndExpectSuccess(
          lastDir, "uac-call", sip, CARRIER, "u1", 1, LIMIT, List.of("-s", "+74951234567"));
      Instant lastEnded = Instant.now(); // its BYE was answered when SIPp ended
      Sipp.expectSuccess(pbx, pbxDir, LIMIT);
      Instant killAt = lastEnded.plus(BOUND);
      await()
          .atMost(max(Duration.between(Instant.now(), killAt), Duration.ofMillis(1)))
          .pollInterval(Duration.ofMillis(50))
          .until(() -> cdrCallIds(apiPort).size() == CALLS + 1);
      callIds = cdrCallIds(apiPort);
      await().atMost(BOUND.plusSeconds(5)).until(() -> Instant.now().isAfter(killAt));
    } finally {
      new ProcessBuilder("kill", "-KILL", Long.toString(server.pid())).start().waitFor();
      if (!server.waitFor(30, TimeUnit.SECONDS)) {
        server.destroyForcibly();
      }
    }
    assertThat(server.exitValue()).as("killed by SIGKILL").isEqualTo(128 + 9);
    assertThat(Files.readString(out)).doesNotContain("trunkline stopped");

    Set<String> stored = new HashSet<>();
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT a_call_id FROM cdr WHERE from_trunk = 'carrier1'")) {
      while (rs.next()) {
        stored.add(rs.getString(1));
      }
    }
    assertThat(stored).hasSize(CALLS + 1).isEqualTo(callIds);
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  /** The A-leg Call-IDs of the CDRs {@code GET /api/cdrs} returns. */
  private static Set<String> cdrCallIds(int apiPort) throws IOException, InterruptedException {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + apiPort + "/api/cdrs?limit=1000"))
                    .timeout(Duration.ofSeconds(5))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    Set<String> ids = new HashSet<>();
    Matcher m = Pattern.compile("\"a_call_id\"\\s*:\\s*\"([^\"]+)\"").matcher(r.body());
    while (m.find()) {
      ids.add(m.group(1));
    }
    return ids;
  }
}
