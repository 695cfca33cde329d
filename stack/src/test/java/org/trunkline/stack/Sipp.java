package org.trunkline.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs SIPp (Debian package sip-tester, installed by .ci/run) as a bounded child process against a
 * server on loopback, with its scenario from src/test/resources/sipp, and asserts that it ended by
 * itself with every call successful. Its files (errors.log, stats.csv, sipp.out) go to {@code dir}.
 */
public final class Sipp {
  private Sipp() {}

  /**
   * @param transport SIPp's {@code -t} value: {@code u1} or {@code t1}
   * @param extra further SIPp options (rates, timeouts, traces)
   */
  public static void runAndExpectSuccess(
      Path dir,
      String scenario,
      InetSocketAddress target,
      String transport,
      int calls,
      Duration limit,
      List<String> extra)
      throws Exception {
    runAndExpectSuccess(dir, scenario, target, "127.0.0.1", transport, calls, limit, extra);
  }

  /**
   * Like the other, with SIPp sending from {@code localIp} (any 127.0.0.0/8 address on Linux) to
   * {@code target}'s address and port.
   */
  public static void runAndExpectSuccess(
      Path dir,
      String scenario,
      InetSocketAddress target,
      String localIp,
      String transport,
      int calls,
      Duration limit,
      List<String> extra)
      throws Exception {
    Path xml = Path.of("src/test/resources/sipp", scenario + ".xml").toAbsolutePath();
    int port = TestPorts.reserve();
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "sipp",
                target.getAddress().getHostAddress() + ":" + target.getPort(),
                "-sf",
                xml.toString(),
                "-t",
                transport,
                "-i",
                localIp,
                "-p",
                Integer.toString(port),
                "-m",
                Integer.toString(calls),
                "-timeout_error",
                "-nostdin",
                "-trace_err",
                "-error_file",
                dir.resolve("errors.log").toString(),
                "-trace_stat",
                "-stf",
                dir.resolve("stats.csv").toString()));
    cmd.addAll(extra);
    try {
      expectSuccess(start(dir, cmd), dir, limit);
    } finally {
      TestPorts.release(port); // SIPp has ended (expectSuccess kills it if it had not)
    }
  }

  /**
   * Starts SIPp as a UAS on {@code 127.0.0.1:port}, answering {@code calls} calls of its scenario;
   * wait for it with {@link #expectSuccess}.
   */
  public static Process startUas(
      Path dir, String scenario, int port, String transport, int calls, List<String> extra)
      throws Exception {
    Path xml = Path.of("src/test/resources/sipp", scenario + ".xml").toAbsolutePath();
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "sipp",
                "-sf",
                xml.toString(),
                "-t",
                transport,
                "-i",
                "127.0.0.1",
                "-p",
                Integer.toString(port),
                "-m",
                Integer.toString(calls),
                "-timeout",
                "60s",
                "-timeout_error",
                "-nostdin",
                "-trace_err",
                "-error_file",
                dir.resolve("errors.log").toString(),
                "-trace_stat",
                "-stf",
                dir.resolve("stats.csv").toString()));
    cmd.addAll(extra);
    return start(dir, cmd);
  }

  /**
   * Waits until SIPp has bound UDP {@code port} on 127.0.0.1 (it binds shortly after it starts).
   * Fails at once with its output if it has exited.
   */
  public static void awaitBound(int port, Process sipp, Path dir) {
    awaitBound("127.0.0.1", port, sipp, dir);
  }

  /**
   * Waits until {@code sipp} (when null: any process) has bound UDP {@code ip:port}, as the
   * kernel's socket tables show; fails at once with its output if it has exited. It does not probe
   * by binding the port: SIPp binding it in that moment exited with errno 98 under load.
   */
  public static void awaitBound(String ip, int port, Process sipp, Path dir) {
    java.net.InetAddress address;
    try {
      address = java.net.InetAddress.getByName(ip);
    } catch (java.net.UnknownHostException e) {
      throw new IllegalArgumentException("not an address: " + ip, e);
    }
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> {
          if (sipp != null && !sipp.isAlive()) {
            throw new AssertionError(
                "sipp exited with "
                    + sipp.exitValue()
                    + ": "
                    + (dir == null ? "" : read(dir.resolve("sipp.out"))));
          }
          return BoundSockets.udp(address, port, sipp == null ? null : sipp.pid());
        });
  }

  /**
   * A port for a SIPp peer ({@code -t u1} or {@code t1}) that nothing else on the machine takes
   * meanwhile ({@link TestPorts}); it stays reserved for the rest of the test JVM.
   */
  public static int freePortFor(String transport) throws Exception {
    return TestPorts.reserve();
  }

  private static Process start(Path dir, List<String> cmd) throws Exception {
    return new ProcessBuilder(cmd)
        .directory(dir.toFile())
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("sipp.out").toFile())
        .start();
  }

  /** Waits for {@code p} to end by itself within {@code limit} with every call successful. */
  public static void expectSuccess(Process p, Path dir, Duration limit) throws Exception {
    boolean ended = p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS);
    if (!ended) {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    assertThat(ended).as("sipp ended by itself").isTrue();
    assertThat(p.exitValue())
        .as(
            "sipp exit code (0: every call succeeded); errors: %s; output: %s",
            read(dir.resolve("errors.log")), tail(read(dir.resolve("sipp.out"))))
        .isZero();
    assertThat(read(dir.resolve("stats.csv")))
        .as("stats file written; output: %s", tail(read(dir.resolve("sipp.out"))))
        .contains("SuccessfulCall(C)");
  }

  /**
   * The file as text; bytes that are not UTF-8 become U+FFFD. SIPp's screen output (sipp.out) is
   * not always UTF-8, and Files.readString threw MalformedInputException on it while building an
   * assertion message, failing a call that had succeeded.
   */
  public static String read(Path p) throws Exception {
    return Files.exists(p)
        ? new String(Files.readAllBytes(p), java.nio.charset.StandardCharsets.UTF_8)
        : "";
  }

  private static String tail(String s) {
    return s.length() > 3000 ? s.substring(s.length() - 3000) : s;
  }
}
