package org.trunkline.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the shaded {@code trunkline.jar} as the launcher does: a separate JVM, real exit codes. */
class TrunklineJarIT {
  private static final Path JAR =
      Path.of(System.getProperty("trunkline.jar", "target/trunkline.jar"));

  @TempDir Path dir;

  record Result(int exitCode, String out, String err) {}

  private Result trunkline(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("--enable-native-access=ALL-UNNAMED");
    command.add("-jar");
    command.add(JAR.toAbsolutePath().toString());
    command.addAll(List.of(args));
    Path out = dir.resolve("stdout.txt");
    Path err = dir.resolve("stderr.txt");
    Process process =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      throw new AssertionError(
          "trunkline "
              + String.join(" ", args)
              + " still running after 60 s; stderr:\n"
              + Files.readString(err));
    }
    return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
  }

  @Test
  void printsItsVersion() throws Exception {
    Result result = trunkline("--version");

    assertThat(result.exitCode()).isZero();
    assertThat(result.out()).isEqualTo("trunkline " + Version.current() + "\n");
  }

  @Test
  void checkAcceptsTheDemoConfig() throws Exception {
    Path demo = Path.of("../conf/trunkline.yaml").toAbsolutePath().normalize();
    Result result = trunkline("check", "--config", demo.toString());

    assertThat(result.err()).isEmpty();
    assertThat(result.out())
        .isEqualTo(demo + ": ok (2 listen points, database jdbc:h2:file:./data/trunkline)\n");
    assertThat(result.exitCode()).isZero();
  }

  @Test
  void checkRejectsABadConfig() throws Exception {
    Files.writeString(
        dir.resolve("bad.yaml"), "lisen:\n  - {transport: sctp, address: 127.0.0.1}\n");

    Result result = trunkline("check", "-c", "bad.yaml");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.out()).isEmpty();
    assertThat(result.err())
        .isEqualTo(
            "bad.yaml:1: unknown key 'lisen' (did you mean 'listen'?)\n"
                + "bad.yaml:1: listen: missing (required)\n");
  }

  @Test
  void checkReportsEveryTrunkMistakeInOneRun() throws Exception {
    Files.writeString(
        dir.resolve("trunks.yaml"),
        """
        listen: [{name: public, transport: udp, address: 127.0.0.1}]
        trunks:
          - {name: acme, mode: register-in, username: acme, password: ""}
          - {name: acme, mode: ipp, peers: [203.0.113.10]}
          - {name: c1, mode: ip, peers: [198.51.100.1/28]}
          - {name: g, mode: cross-connect, listen: pubic}
        """);

    Result result = trunkline("check", "-c", "trunks.yaml");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.out()).isEmpty();
    assertThat(result.err())
        .isEqualTo(
            "trunks.yaml:3: trunks[0].password: must not be empty\n"
                + "trunks.yaml:4: trunks[1].mode: must be register-in, register-out, ip or"
                + " cross-connect, got ipp (did you mean 'ip'?)\n"
                + "trunks.yaml:4: trunks[1].name: 'acme' is already the name of trunks[0]\n"
                + "trunks.yaml:5: trunks[2].peers[0]: 198.51.100.1/28 has host bits set;"
                + " did you mean 198.51.100.0/28?\n"
                + "trunks.yaml:6: trunks[3].listen: no listen entry is named pubic"
                + " (did you mean 'public'?)\n");
  }

  @Test
  void runExitsWhenItsConfigIsBad() throws Exception {
    Result result = trunkline("run");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err()).isEqualTo("conf/trunkline.yaml: cannot read: no such file\n");
  }

  @Test
  void runExitsWithOneLineWhenTheDatabaseIsLocked() throws Exception {
    String url = "jdbc:h2:file:" + dir.resolve("data/trunkline");
    Files.writeString(
        dir.resolve("locked.yaml"),
        "listen: [{transport: udp, address: 127.0.0.1, port: 0}]\n"
            + "database: {url: \""
            + url
            + "\"}\n"
            + "warmup: {enabled: false}\n");

    // An embedded H2 database is locked by the process that has it open: this test JVM.
    try (Connection holder = DriverManager.getConnection(url)) {
      Result result = trunkline("run", "--config", "locked.yaml");

      assertThat(result.exitCode()).isEqualTo(1);
      assertThat(result.out()).isEmpty();
      assertThat(result.err().lines().filter(line -> !line.matches("^\\d\\d:\\d\\d:.*")))
          .singleElement()
          .asString()
          .startsWith("cannot open database " + url + ": Database may be already in use");
      assertThat(holder.isValid(1)).isTrue();
    }
  }

  @Test
  void runAnswersOptionsOverUdpAndTcpAndStopsCleanlyOnSigterm() throws Exception {
    Files.writeString(
        dir.resolve("run.yaml"),
        "listen:\n"
            + "  - {transport: udp, address: 127.0.0.1, port: 0}\n"
            + "  - {transport: tcp, address: 127.0.0.1, port: 0}\n"
            + "api: {port: 0}\n"
            // the start-up warm-up, rounds smaller than its default (4,000 and 1,000)
            + "warmup: {registrations: 1000, calls: 250, max-time: 60s}\n"
            // requests from no trunk are refused (403); loopback is a trunk here
            + "trunks: [{name: local, mode: ip, peers: [127.0.0.1]}]\n");
    Path out = dir.resolve("run.out");
    Process process =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-jar",
                JAR.toAbsolutePath().toString(),
                "run",
                "--config",
                "run.yaml")
            .directory(dir.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
            .redirectOutput(out.toFile())
            .redirectError(dir.resolve("run.err").toFile())
            .start();
    try {
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> Files.readString(out).contains("trunkline ready\n") || !process.isAlive());
      String printed = Files.readString(out);
      assertThat(printed).contains("trunkline ready");
      assertThat(printed).startsWith("warming up (at most 60 s; warmup: {enabled: false}");
      Matcher udp =
          Pattern.compile("listening on sip:127\\.0\\.0\\.1:(\\d+);transport=udp").matcher(printed);
      Matcher tcp =
          Pattern.compile("listening on sip:127\\.0\\.0\\.1:(\\d+);transport=tcp").matcher(printed);
      assertThat(udp.find()).isTrue();
      assertThat(tcp.find()).isTrue();
      assertThat(printed)
          .containsPattern("\napi on http://127\\.0\\.0\\.1:\\d+\ntrunkline ready\n");

      try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
        socket.setSoTimeout(5000);
        byte[] req = options("run-udp", socket.getLocalPort()).getBytes(StandardCharsets.US_ASCII);
        socket.send(
            new DatagramPacket(
                req, req.length, InetAddress.getLoopbackAddress(), Integer.parseInt(udp.group(1))));
        byte[] buf = new byte[4096];
        DatagramPacket answer = new DatagramPacket(buf, buf.length);
        socket.receive(answer);
        assertThat(new String(buf, 0, answer.getLength(), StandardCharsets.UTF_8))
            .startsWith("SIP/2.0 200 OK\r\n")
            .contains("Call-ID: run-udp");
      }
      try (Socket socket =
          new Socket(InetAddress.getLoopbackAddress(), Integer.parseInt(tcp.group(1)))) {
        socket.setSoTimeout(5000);
        socket
            .getOutputStream()
            .write(options("run-tcp", socket.getLocalPort()).getBytes(StandardCharsets.US_ASCII));
        byte[] buf = new byte[12];
        int n = socket.getInputStream().readNBytes(buf, 0, buf.length);
        assertThat(new String(buf, 0, n, StandardCharsets.US_ASCII)).isEqualTo("SIP/2.0 200 ");
      }
    } finally {
      process.destroy(); // SIGTERM
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
    assertThat(Files.readString(out)).endsWith("trunkline stopped\n");
    assertThat(process.exitValue()).isIn(0, 143);
    // the warm-up ran before the listen points opened, and its server's own lines were not logged
    String log = Files.readString(dir.resolve("run.err"));
    assertThat(log)
        .containsPattern(
            "warm-up: \\d+ rounds, \\d+ registrations \\(0 failed\\), \\d+ calls \\(0 failed\\) in ")
        .containsOnlyOnce(" started, Trunkline ");
    assertThat(log.indexOf("Warmup: warm-up: ")).isLessThan(log.indexOf(" started, Trunkline "));
  }

  /** Starts {@code run --config FILE} in {@link #dir}; the caller stops it. */
  /**
   * {@code trunkline run --config CONFIG}, with SIGHUP at its default action: a build started under
   * nohup passes SIGHUP on as ignored, and the server's reload on SIGHUP never ran (the test timed
   * out waiting for it). {@code launcher} goes before java: {@code nohup} to start it ignored.
   */
  private Process startRun(String config, Path out, String... launcher) throws IOException {
    List<String> command =
        new ArrayList<>(
            launcher.length > 0 ? List.of(launcher) : List.of("env", "--default-signal=HUP"));
    command.addAll(
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "--enable-native-access=ALL-UNNAMED",
            "-jar",
            JAR.toAbsolutePath().toString(),
            "run",
            "--config",
            config));
    return new ProcessBuilder(command)
        .directory(dir.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
        .redirectOutput(out.toFile())
        .redirectError(dir.resolve(config + ".err").toFile())
        .start();
  }

  private static void stop(Process process) throws InterruptedException {
    process.destroy(); // SIGTERM
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }

  /** A port the server binds for its API seconds later: one no other socket takes meanwhile. */
  private static int freePort() {
    return org.trunkline.stack.TestPorts.reserve();
  }

  @Test
  void trunksShowsTheRunningServersTrunksAndReloadAppliesAnEditedFile() throws Exception {
    // The CLI finds the API through the config file, so the port must be a fixed one.
    int apiPort = freePort();
    String head =
        "listen: [{transport: udp, address: 127.0.0.1, port: 0}]\n"
            + "api: {port: "
            + apiPort
            + "}\n"
            + "warmup: {enabled: false}\n"
            + "trunks:\n"
            + "  - {name: acme, mode: register-in, username: acme, password: s3cret}\n";
    Path config = dir.resolve("api.yaml");
    Files.writeString(config, head);
    Path out = dir.resolve("api.out");
    Process process = startRun("api.yaml", out);
    try {
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> Files.readString(out).contains("trunkline ready\n") || !process.isAlive());
      assertThat(Files.readString(out)).contains("api on http://127.0.0.1:" + apiPort + "\n");

      Result trunks = trunkline("trunks", "--config", "api.yaml");
      assertThat(trunks.err()).isEmpty();
      assertThat(trunks.out())
          .isEqualTo(
              "NAME  MODE         STATE         SINCE  REASON            CALLS  CONTACTS / PEERS\n"
                  + "acme  register-in  unregistered  -      no contact bound  0      -\n");
      assertThat(trunks.exitCode()).isZero();

      Files.writeString(config, head + "  - {name: carrier1, mode: ip, peers: [192.0.2.1]}\n");
      Result reload = trunkline("reload", "--config", "api.yaml");
      assertThat(reload.out()).isEqualTo("reloaded: 1 change\n  added trunk carrier1 (ip)\n");
      assertThat(reload.exitCode()).isZero();
      assertThat(trunkline("trunks", "-c", "api.yaml").out())
          .contains("\ncarrier1  ip  ", "192.0.2.1\n");

      Files.writeString(config, head + "  - {name: carrier1, mode: ip}\n");
      Result broken = trunkline("reload", "--config", "api.yaml");
      assertThat(broken.exitCode()).isEqualTo(1);
      assertThat(broken.out()).isEmpty();
      assertThat(broken.err())
          .isEqualTo(
              "api.yaml:6: trunks[1].peers: missing (required for ip trunks)\n"
                  + "reload rejected: the server keeps its running config\n");
      assertThat(trunkline("trunks", "--json", "-c", "api.yaml").out())
          .contains("\"name\": \"carrier1\"");

      // SIGHUP reloads too, and the server keeps running.
      Files.writeString(config, head);
      new ProcessBuilder("kill", "-HUP", Long.toString(process.pid())).start().waitFor();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> !trunkline("trunks", "-c", "api.yaml").out().contains("carrier1"));
      assertThat(process.isAlive()).isTrue();
    } finally {
      stop(process);
    }
    assertThat(Files.readString(dir.resolve("api.yaml.err")))
        .contains("reloaded api.yaml: removed trunk carrier1 (ip)");
  }

  @Test
  void aServerThatInheritedSighupIgnoredSaysItWillNotReloadOnIt() throws Exception {
    Files.writeString(
        dir.resolve("ignored.yaml"),
        "listen: [{transport: udp, address: 127.0.0.1, port: 0}]\napi: {enabled: false}\n");
    Path out = dir.resolve("ignored.out");
    Process process = startRun("ignored.yaml", out, "nohup");
    try {
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> Files.readString(out).contains("trunkline ready\n") || !process.isAlive());
      assertThat(Files.readString(out)).contains("trunkline ready\n");
      assertThat(Files.readString(dir.resolve("ignored.yaml.err")))
          .contains(
              "SIGHUP is ignored by this process (inherited, e.g. from nohup): it will not reload"
                  + " the config; use trunkline reload");
    } finally {
      stop(process);
    }
  }

  @Test
  void trunksAndCdrWithNoServerRunningSaySoAndExitTwo() throws Exception {
    int apiPort = freePort();
    Files.writeString(
        dir.resolve("none.yaml"),
        "listen: [{transport: udp, address: 127.0.0.1}]\napi: {port: " + apiPort + "}\n");

    Result result = trunkline("trunks", "--config", "none.yaml");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.out()).isEmpty();
    assertThat(result.err())
        .isEqualTo(
            "no Trunkline running at http://127.0.0.1:"
                + apiPort
                + " (connection refused); start it with ./trunkline run\n");

    Result cdr = trunkline("cdr", "--config", "none.yaml", "--number", "+7495", "--since", "1h");
    assertThat(cdr.exitCode()).isEqualTo(2);
    assertThat(cdr.out()).isEmpty();
    assertThat(cdr.err()).isEqualTo(result.err());
  }

  private static String options(String callId, int port) {
    return "OPTIONS sip:127.0.0.1 SIP/2.0\r\n"
        + "Via: SIP/2.0/UDP 127.0.0.1:"
        + port
        + ";branch=z9hG4bK-"
        + callId
        + "\r\n"
        + "Max-Forwards: 70\r\n"
        + "From: <sip:it@127.0.0.1>;tag=it\r\n"
        + "To: <sip:127.0.0.1>\r\n"
        + "Call-ID: "
        + callId
        + "\r\n"
        + "CSeq: 1 OPTIONS\r\n"
        + "Content-Length: 0\r\n\r\n";
  }
}
