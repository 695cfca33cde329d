package org.trunkline.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * SIPp (Debian package sip-tester, installed by .ci/run) as the real peer: each scenario in
 * src/test/resources/sipp runs 20 calls over UDP and over TCP and must complete every one.
 */
class SippTest {
  static SipServer server;
  static InetSocketAddress udp;
  static InetSocketAddress tcp;

  @BeforeAll
  static void start() throws Exception {
    server =
        new SipServer(
            List.of(
                new ListenPoint(Transport.UDP, "127.0.0.1", 0),
                new ListenPoint(Transport.TCP, "127.0.0.1", 0)));
    List<InetSocketAddress> bound = server.start();
    udp = bound.get(0);
    tcp = bound.get(1);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @ParameterizedTest(name = "{0} over {1}")
  @CsvSource({
    "options, u1",
    "options, t1",
    "invite-404, u1",
    "invite-404, t1",
    "bad-via-400, u1",
    "bad-via-400, t1"
  })
  void scenarioCompletesEveryCall(String scenario, String transport, @TempDir Path dir)
      throws Exception {
    Path xml = Path.of("src/test/resources/sipp", scenario + ".xml").toAbsolutePath();
    InetSocketAddress target = transport.equals("u1") ? udp : tcp;
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "sipp",
                "127.0.0.1:" + target.getPort(),
                "-sf",
                xml.toString(),
                "-t",
                transport,
                "-i",
                "127.0.0.1",
                "-p",
                Integer.toString(freePort(transport)),
                "-m",
                "20",
                "-r",
                "50",
                "-recv_timeout",
                "5000",
                "-timeout",
                "30s",
                "-timeout_error",
                "-nostdin",
                "-trace_err",
                "-error_file",
                dir.resolve("errors.log").toString(),
                "-trace_stat",
                "-stf",
                dir.resolve("stats.csv").toString()));
    Process p =
        new ProcessBuilder(cmd)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("sipp.out").toFile())
            .start();
    boolean ended = p.waitFor(60, TimeUnit.SECONDS);
    if (!ended) {
      p.destroyForcibly();
    }
    String errors = read(dir.resolve("errors.log").toFile());
    assertThat(ended).as("sipp ended by itself").isTrue();
    assertThat(p.exitValue())
        .as(
            "sipp exit code (0: every call succeeded); errors: %s; output: %s",
            errors, tail(dir.resolve("sipp.out")))
        .isZero();
    String stats = Files.readString(dir.resolve("stats.csv"));
    assertThat(stats).as("stats file written").contains("SuccessfulCall(C)");
  }

  private static int freePort(String transport) throws Exception {
    if (transport.equals("u1")) {
      try (DatagramSocket s = new DatagramSocket(0)) {
        return s.getLocalPort();
      }
    }
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static String read(File f) throws Exception {
    return f.exists() ? Files.readString(f.toPath()) : "";
  }

  private static String tail(Path p) throws Exception {
    String s = Files.exists(p) ? Files.readString(p) : "";
    return s.length() > 3000 ? s.substring(s.length() - 3000) : s;
  }
}
