package org.trunkline.server.trunks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.trunkline.stack.TestPorts;

/**
 * One baresip (Debian package {@code baresip}, installed by .ci/run) as a bounded child process: a
 * customer PBX with one account, its own config directory {@code dir} (config, accounts, and its
 * output with the SIP trace in {@code baresip.out}), sending from and listening on {@code
 * 127.0.0.1} at a free port. Commands are typed on its stdin (the {@code menu} module reading keys
 * through {@code stdio}). {@link #close} ends it: {@code /quit}, then SIGTERM twice, then SIGKILL.
 *
 * <p>Not thread-safe: one test thread drives it.
 */
final class Baresip implements AutoCloseable {
  private static final Duration EXIT = Duration.ofSeconds(2);
  private static final Duration START = Duration.ofSeconds(10);

  private final Path dir;
  private final int port;
  private final Process process;
  private final OutputStream stdin;

  private Baresip(Path dir, int port, Process process) {
    this.dir = dir;
    this.port = port;
    this.process = process;
    this.stdin = process.getOutputStream();
  }

  /**
   * Starts baresip registering {@code user} with {@code password} to the registrar at {@code
   * registrar}, every {@code regint} seconds.
   */
  static Baresip start(
      Path dir, InetSocketAddress registrar, String user, String password, int regint)
      throws IOException {
    return start(dir, registrar, user, password, regint, "", List.of());
  }

  /**
   * Like the other, with {@code accountParams} appended to the account line ({@code
   * ;answermode=auto}) and {@code config} lines added to its config ({@code module\tg711.so}).
   */
  static Baresip start(
      Path dir,
      InetSocketAddress registrar,
      String user,
      String password,
      int regint,
      String accountParams,
      List<String> config)
      throws IOException {
    Path binary = binary();
    Files.createDirectories(dir);
    Files.writeString(
        dir.resolve("accounts"),
        "<sip:"
            + user
            + "@"
            + registrar.getAddress().getHostAddress()
            + ":"
            + registrar.getPort()
            + ";transport=udp>;auth_pass="
            + password
            + ";regint="
            + regint
            + accountParams
            + "\n");
    // a port free now may be taken before baresip binds it (the machine is shared): try again
    for (int attempt = 1; ; attempt++) {
      Baresip b = startOn(binary, dir, freePort(), config);
      await()
          .atMost(START)
          .until(() -> !b.process.isAlive() || b.output().contains("baresip is ready."));
      if (b.process.isAlive() || !b.output().contains("Address already in use") || attempt == 3) {
        assertThat(b.process.isAlive()).as("baresip started; it said:\n%s", b.tail()).isTrue();
        return b;
      }
      Files.move(dir.resolve("baresip.out"), dir.resolve("baresip-" + attempt + ".out"));
    }
  }

  private static Baresip startOn(Path binary, Path dir, int port, List<String> config)
      throws IOException {
    // only what a registering UA needs: no audio driver, no codec, no NAT helpers
    Files.writeString(
        dir.resolve("config"),
        String.join(
            "\n",
            "poll_method\tepoll",
            "sip_listen\t127.0.0.1:" + port,
            "module_path\t/usr/lib/baresip/modules",
            "module\tstdio.so",
            "module_tmp\taccount.so",
            "module_app\tmenu.so",
            String.join("\n", config),
            ""));
    Process p =
        new ProcessBuilder(binary.toString(), "-f", dir.toString(), "-s")
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("baresip.out").toFile())
            .start();
    return new Baresip(dir, port, p);
  }

  /** The address baresip sends from and listens on. */
  String source() {
    return "127.0.0.1:" + port;
  }

  /** Everything baresip printed so far (its SIP trace included). */
  String output() {
    try {
      Path out = dir.resolve("baresip.out");
      return Files.exists(out) ? Files.readString(out, StandardCharsets.ISO_8859_1) : "";
    } catch (IOException e) {
      return "(unreadable: " + e + ")";
    }
  }

  /** Waits until baresip's output contains {@code text}. */
  void awaitOutput(String text, Duration limit) {
    await()
        .atMost(limit)
        .untilAsserted(() -> assertThat(output()).as("baresip output").contains(text));
  }

  /** Types {@code /command} ({@code /dial sip:...}, {@code /hangup}) on its stdin. */
  void command(String command) throws IOException {
    stdin.write(("/" + command + "\n").getBytes(StandardCharsets.US_ASCII));
    stdin.flush();
  }

  /** Types {@code /quit}: baresip unregisters its accounts, then exits. */
  void quit() throws IOException {
    stdin.write("/quit\n".getBytes(StandardCharsets.US_ASCII));
    stdin.flush();
  }

  /** Waits at most {@code limit} for baresip to exit by itself; its exit code, or empty. */
  Optional<Integer> awaitExit(Duration limit) throws InterruptedException {
    return process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)
        ? Optional.of(process.exitValue())
        : Optional.empty();
  }

  @Override
  public void close() throws Exception {
    if (process.isAlive()) {
      try {
        quit();
      } catch (IOException e) {
        // its stdin is already closed: the signals below still end it
      }
      // an unanswered un-REGISTER would keep it waiting for Timer F (32 s): then a first SIGTERM
      // only repeats the quit, a second one exits at once, and SIGKILL is the last resort
      for (int signals = 0; !process.waitFor(EXIT.toMillis(), TimeUnit.MILLISECONDS); signals++) {
        if (signals < 2) {
          process.destroy();
        } else {
          process.destroyForcibly().waitFor(EXIT.toMillis(), TimeUnit.MILLISECONDS);
          break;
        }
      }
    }
    stdin.close();
  }

  private static Path binary() {
    String path = System.getenv().getOrDefault("PATH", "");
    Optional<Path> found =
        Stream.of(path.split(File.pathSeparator))
            .filter(d -> !d.isEmpty())
            .map(d -> Path.of(d, "baresip"))
            .filter(Files::isExecutable)
            .findFirst();
    if (found.isPresent()) {
      return found.get();
    }
    String message = "baresip not found on PATH " + path + ": .ci/run must install baresip";
    // CI installs it, so there its absence is a failure; elsewhere the test is skipped
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      throw new IllegalStateException(message);
    }
    Assumptions.abort(message + " (skipped outside CI)");
    throw new AssertionError("unreachable");
  }

  /**
   * A port P on 127.0.0.1 where baresip can listen: SIP over UDP and TCP on P, and over TLS on P+1
   * (it opens all three, whatever the account's transport). {@link TestPorts} reserves P with the
   * ports above it, outside the kernel's ephemeral range, so nothing else takes P+1 meanwhile.
   */
  private static int freePort() {
    return TestPorts.reserve();
  }

  /** How often {@code text} occurs in the output. */
  int count(String text) {
    String out = output();
    int n = 0;
    for (int i = out.indexOf(text); i >= 0; i = out.indexOf(text, i + text.length())) {
      n++;
    }
    return n;
  }

  /** The distinct values of {@code regex}'s first group in the output, in order. */
  Set<String> distinct(String regex) {
    Set<String> values = new LinkedHashSet<>();
    Matcher m = Pattern.compile(regex).matcher(output());
    while (m.find()) {
      values.add(m.group(1));
    }
    return values;
  }

  /** The last lines of baresip's output, for assertion messages. */
  String tail() {
    List<String> lines = output().lines().toList();
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 80), lines.size()));
  }
}
