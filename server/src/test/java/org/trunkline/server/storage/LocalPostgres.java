package org.trunkline.server.storage;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL for a test class. Register it as {@code @RegisterExtension static final
 * LocalPostgres PG = new LocalPostgres();} and use {@link #url()}, {@link #user()} and {@link
 * #password()}.
 *
 * <p>With {@code -Dpg.url=jdbc:postgresql://...} (and optionally {@code -Dpg.user}, {@code
 * -Dpg.password}) it uses that server. Otherwise it runs its own: the newest {@code
 * /usr/lib/postgresql/VERSION/bin}, a fresh cluster in a temporary directory (owned by {@code
 * postgres} when the tests run as root, since initdb refuses root), listening on 127.0.0.1 on a
 * free port with its socket in that directory. It is stopped by the PID in {@code postmaster.pid}
 * after the class, and the directory is deleted.
 *
 * <p>When the binaries are missing the class is skipped, except under {@code CI=true}, where that
 * is a failure: {@code .ci/run} installs the {@code postgresql} package.
 */
public final class LocalPostgres implements BeforeAllCallback, AfterAllCallback {
  private static final Logger log = LoggerFactory.getLogger(LocalPostgres.class);
  private static final Path INSTALL_ROOT = Path.of("/usr/lib/postgresql");
  private static final String SUPERUSER = "postgres";
  private static final String DATABASE = "trunkline";
  private static final long INITDB_TIMEOUT_S = 60;
  private static final int START_TIMEOUT_S = 30;
  private static final int STOP_TIMEOUT_S = 15;
  private static final int PORT_ATTEMPTS = 3;

  private String url;
  private String user;
  private String password;
  private Path dir;
  private long postmasterPid = -1;
  private Thread shutdownHook;

  public String url() {
    if (url == null) throw new IllegalStateException("LocalPostgres is not started");
    return url;
  }

  public String user() {
    return user;
  }

  public String password() {
    return password;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    String given = System.getProperty("pg.url");
    if (given != null && !given.isBlank()) {
      url = given;
      user = System.getProperty("pg.user", SUPERUSER);
      password = System.getProperty("pg.password", "");
      return;
    }
    try {
      start();
    } catch (Exception | Error e) {
      stop();
      throw e;
    }
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    stop();
  }

  private void start() throws Exception {
    Path bin = findBinaries();
    long began = System.nanoTime();
    dir = Files.createTempDirectory("trunkline-pg");
    boolean root = ((Integer) Files.getAttribute(dir, "unix:uid")) == 0;
    if (root) chownToPostgres(dir);
    Path data = dir.resolve("data");
    shutdownHook = new Thread(this::stopQuietly, "LocalPostgres-stop");
    Runtime.getRuntime().addShutdownHook(shutdownHook);

    run(
            root,
            INITDB_TIMEOUT_S,
            "initdb",
            bin.resolve("initdb").toString(),
            "-D",
            data.toString(),
            "-U",
            SUPERUSER,
            "--auth=trust",
            "-E",
            "UTF8",
            "--no-locale",
            "--no-sync")
        .orThrow();
    long initialised = System.nanoTime();

    int port = -1;
    for (int attempt = 1; postmasterPid < 0; attempt++) {
      port = freePort();
      Path serverLog = dir.resolve("postgres-" + port + ".log"); // written by the postmaster
      Result result =
          run(
              root,
              START_TIMEOUT_S + 10,
              "pg_ctl start",
              bin.resolve("pg_ctl").toString(),
              "-D",
              data.toString(),
              "-l",
              serverLog.toString(),
              "-o", // pg_ctl hands these to the postmaster through sh, hence the quotes
              "-c listen_addresses=127.0.0.1 -p "
                  + port
                  + " -k '"
                  + dir
                  + "' -c fsync=off -c synchronous_commit=off -c full_page_writes=off",
              "-w",
              "-t",
              Integer.toString(START_TIMEOUT_S),
              "start");
      Optional<Long> pid = readPostmasterPid(data);
      if (result.exitCode == 0 && pid.isPresent()) {
        postmasterPid = pid.get();
        break;
      }
      pid.ifPresent(this::stopPostmaster);
      String serverOutput = Files.exists(serverLog) ? Files.readString(serverLog) : "";
      boolean portTaken = serverOutput.contains("could not bind");
      if (!portTaken || attempt == PORT_ATTEMPTS) {
        throw new IllegalStateException(
            "PostgreSQL did not start on 127.0.0.1:" + port + ":\n" + result.output + serverOutput);
      }
    }
    long started = System.nanoTime();

    user = SUPERUSER;
    password = "";
    String base = "jdbc:postgresql://127.0.0.1:" + port + "/";
    String options = "?connectTimeout=10&socketTimeout=60";
    try (Connection c = DriverManager.getConnection(base + "postgres" + options, user, password);
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + DATABASE);
    }
    url = base + DATABASE + options;
    log.info(
        "PostgreSQL from {} on 127.0.0.1:{} (pid {}) ready in {} ms: initdb {} ms, start {} ms,"
            + " create database {} ms",
        bin,
        port,
        postmasterPid,
        millis(began, System.nanoTime()),
        millis(began, initialised),
        millis(initialised, started),
        millis(started, System.nanoTime()));
  }

  private static long millis(long from, long to) {
    return TimeUnit.NANOSECONDS.toMillis(to - from);
  }

  /** The newest {@code /usr/lib/postgresql/VERSION/bin} with an initdb, or a skip / CI failure. */
  private static Path findBinaries() throws IOException {
    List<Path> candidates = new ArrayList<>();
    if (Files.isDirectory(INSTALL_ROOT)) {
      try (Stream<Path> versions = Files.list(INSTALL_ROOT)) {
        versions
            .map(v -> v.resolve("bin"))
            .filter(b -> Files.isExecutable(b.resolve("initdb")))
            .filter(b -> Files.isExecutable(b.resolve("pg_ctl")))
            .forEach(candidates::add);
      }
    }
    return candidates.stream()
        .max(Comparator.comparing(LocalPostgres::majorVersion))
        .orElseGet(() ->
            unavailable(
                "PostgreSQL binaries not found (no "
                    + INSTALL_ROOT
                    + "/*/bin/initdb): .ci/run must install postgresql"));
  }

  private static Double majorVersion(Path bin) {
    try {
      return Double.valueOf(bin.getParent().getFileName().toString());
    } catch (NumberFormatException e) {
      return -1.0;
    }
  }

  /** Fails under {@code CI=true}, where the tool must be installed; skips the class elsewhere. */
  private static <T> T unavailable(String message) {
    if ("true".equalsIgnoreCase(System.getenv("CI"))) throw new IllegalStateException(message);
    Assumptions.abort(message + " (skipped outside CI)");
    throw new AssertionError("unreachable");
  }

  private static void chownToPostgres(Path path) throws IOException {
    UserPrincipalLookupService users = path.getFileSystem().getUserPrincipalLookupService();
    UserPrincipal owner;
    try {
      owner = users.lookupPrincipalByName(SUPERUSER);
    } catch (UserPrincipalNotFoundException e) {
      owner =
          unavailable(
              "Running as root but there is no user '"
                  + SUPERUSER
                  + "' to run initdb as: .ci/run must install postgresql");
    }
    PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class);
    view.setOwner(owner);
    try {
      GroupPrincipal group = users.lookupPrincipalByGroupName(SUPERUSER);
      view.setGroup(group);
    } catch (UserPrincipalNotFoundException e) {
      // the owner is enough: the directory is 0700
    }
  }

  /**
   * A port for the postmaster, which binds it seconds later: one from {@link
   * org.trunkline.stack.TestPorts} (outside the kernel's ephemeral range, held by this JVM), not a
   * closed port-0 socket's ephemeral port that another process may be given meanwhile.
   */
  private static int freePort() {
    return org.trunkline.stack.TestPorts.reserve();
  }

  private static Optional<Long> readPostmasterPid(Path data) throws IOException {
    Path pidFile = data.resolve("postmaster.pid");
    if (!Files.exists(pidFile)) return Optional.empty();
    return Files.readAllLines(pidFile).stream().findFirst().map(String::trim).map(Long::valueOf);
  }

  private record Result(String what, int exitCode, String output) {
    Result orThrow() {
      if (exitCode != 0) {
        throw new IllegalStateException(
            what + " failed with exit code " + exitCode + ":\n" + output);
      }
      return this;
    }
  }

  /**
   * Runs a PostgreSQL tool, as user postgres when we are root, with a bounded wait; stdin is
   * /dev/null and the output goes to a file, so a daemon that keeps a descriptor cannot block us.
   */
  private Result run(boolean asPostgres, long timeoutSeconds, String what, String... command)
      throws IOException, InterruptedException {
    List<String> full = new ArrayList<>();
    if (asPostgres) full.addAll(List.of("runuser", "-u", SUPERUSER, "--"));
    full.addAll(List.of(command));
    Path output = Files.createTempFile(dir, what.replace(' ', '-'), ".out");
    try {
      ProcessBuilder builder =
          new ProcessBuilder(full)
              .directory(dir.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .redirectErrorStream(true)
              .redirectOutput(output.toFile());
      builder.environment().keySet().removeIf(name -> name.startsWith("PG"));
      builder.environment().put("LC_ALL", "C");
      Process process = builder.start();
      if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        throw new IllegalStateException(
            what + " did not finish in " + timeoutSeconds + " s:\n" + Files.readString(output));
      }
      return new Result(what, process.exitValue(), Files.readString(output));
    } finally {
      Files.deleteIfExists(output);
    }
  }

  private void stopQuietly() {
    try {
      stop();
    } catch (Exception e) {
      log.warn("could not stop the test PostgreSQL in {}", dir, e);
    }
  }

  private synchronized void stop() throws IOException {
    if (shutdownHook != null && Thread.currentThread() != shutdownHook) {
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running or about to
      }
    }
    shutdownHook = null;
    if (dir == null) return;
    if (postmasterPid < 0) readPostmasterPid(dir.resolve("data")).ifPresent(p -> postmasterPid = p);
    if (postmasterPid > 0) {
      long stopping = System.nanoTime();
      stopPostmaster(postmasterPid);
      log.info(
          "PostgreSQL pid {} stopped in {} ms", postmasterPid, millis(stopping, System.nanoTime()));
    }
    postmasterPid = -1;
    deleteRecursively(dir);
    dir = null;
    url = null;
  }

  /**
   * Fast shutdown: SIGINT to the postmaster (only if that PID really is a postgres process), then
   * wait for it to remove its {@code postmaster.pid}, its last act (its exit can be seen late: the
   * postmaster was daemonised, so whoever is PID 1 reaps it). SIGKILL if that takes more than
   * {@link #STOP_TIMEOUT_S}.
   */
  private void stopPostmaster(long pid) {
    Optional<ProcessHandle> found = ProcessHandle.of(pid);
    if (found.isEmpty()) return;
    ProcessHandle handle = found.get();
    String command = handle.info().command().orElse("/postgres");
    if (!command.endsWith("/postgres")) {
      log.warn("pid {} from postmaster.pid is {}, not postgres: left alone", pid, command);
      return;
    }
    Path pidFile = dir.resolve("data").resolve("postmaster.pid");
    try {
      Process kill =
          new ProcessBuilder("kill", "-INT", Long.toString(pid))
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (!kill.waitFor(5, TimeUnit.SECONDS)) kill.destroyForcibly();
      Awaitility.await("PostgreSQL pid " + pid + " to shut down")
          .atMost(Duration.ofSeconds(STOP_TIMEOUT_S))
          .pollDelay(Duration.ZERO)
          .pollInterval(Duration.ofMillis(20))
          .until(() -> !Files.exists(pidFile) || !handle.isAlive());
    } catch (ConditionTimeoutException | IOException e) {
      log.warn("PostgreSQL pid {} did not stop on SIGINT, killing it", pid, e);
      handle.destroyForcibly();
      try {
        handle.onExit().get(5, TimeUnit.SECONDS);
      } catch (Exception stillThere) {
        log.warn("PostgreSQL pid {} is still running", pid, stillThere);
      }
    } catch (InterruptedException e) {
      handle.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private static void deleteRecursively(Path root) throws IOException {
    if (!Files.exists(root)) return;
    try (Stream<Path> paths = Files.walk(root)) {
      paths
          .sorted(Comparator.reverseOrder())
          .forEach(p -> {
            try {
              Files.deleteIfExists(p);
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          });
    }
  }
}
