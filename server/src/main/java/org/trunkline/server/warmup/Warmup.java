package org.trunkline.server.warmup;

import java.io.IOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.channels.Selector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;
import javax.management.JMException;
import javax.management.ObjectName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trunkline.server.TrunklineServer;
import org.trunkline.server.config.ConfigLoader;
import org.trunkline.server.config.TrunklineConfig;
import org.trunkline.server.config.WarmupConfig;
import org.trunkline.stack.ListenPoint;
import org.trunkline.stack.transaction.TransactionConfig;

/**
 * What {@code trunkline run} does before it opens its own listen points: a throwaway server on
 * 127.0.0.1 (any free port, an H2 file database and traces in a temporary directory, no admin API,
 * no HEP) takes REGISTERs with digest and calls from peers in this JVM, then is closed and its
 * directory deleted. The JIT compiles the server's code meanwhile, so the real server's first
 * traffic runs compiled: without it the first 100,000 registrations after a start cost 1.9x a warm
 * server's CPU and their response time p99 is hundreds of milliseconds (bench/RESULTS.md).
 *
 * <p>The throwaway server runs the same code as the real one with the real config's choices that
 * change its paths (SIP event loops, call loop, traces on or off). Nothing of it reaches the real
 * database, traces, CDRs or counters. A failure is logged and the real start goes on.
 */
public final class Warmup {
  private static final Logger log = LoggerFactory.getLogger(Warmup.class);
  private static final String PASSWORD = "warmup";

  /** Whether a warm-up is running now (its server's log lines are filtered). */
  private static volatile boolean running;

  private Warmup() {}

  /**
   * HotSpot compiler directives that keep the warm-up's own peers (the PBX, caller and callee
   * sending and reading the traffic) out of C2: on 2 cores the warm-up's C2 thread is busy for the
   * whole warm-up and its queue is what decides how much of the server is compiled when the listen
   * points open; the peers' C2 compilations were ~1.4 s of its ~15 s (stop 25, JFR). They run at
   * C1's level 1 instead, fast enough for a few thousand messages a second.
   */
  static final String PEERS_OFF_C2 =
      "[{match: [\"org/trunkline/server/warmup/Calls*.*\", \"org/trunkline/server/warmup/Exchanges*.*\","
          + " \"org/trunkline/server/warmup/Peer*.*\", \"org/trunkline/server/warmup/Registrations*.*\","
          + " \"org/trunkline/server/warmup/SipText*.*\", \"org/trunkline/server/warmup/Failures*.*\"],"
          + " c2: {Exclude: true}}]";

  /** The fewest rounds, however quiet the JIT is after the first. */
  static final int MIN_ROUNDS = 2;

  /**
   * The throwaway server's transaction timers: RFC 3261's divided by 20 (T1 25 ms: Timer F, J and
   * the challenge window 1.6 s, T4 250 ms). A round lasts a few seconds, the real T1's timers 32 s:
   * with them, what a server does once its first transactions end (the completed ones forgotten,
   * the challenges' window passing, the timer wheel's turns) would never run in a round and would
   * throw the real server's compiled code back to the interpreter 32 s into its first traffic (stop
   * 24: the registrar's fill, DigestStage::apply's code, at RecentChallenges.expire).
   */
  static final TransactionConfig TIMERS =
      new TransactionConfig(
          Duration.ofMillis(25),
          Duration.ofMillis(200),
          Duration.ofMillis(250),
          TransactionConfig.DEFAULT.trying100(),
          TransactionConfig.DEFAULT.nonInviteAnswer(),
          TransactionConfig.DEFAULT.inviteAnswer());

  /**
   * Nonces tracked per realm by the throwaway server: a round challenges 2,000 or more, so it
   * forgets the oldest, as the real server does past its 16,384.
   */
  static final int TRACKED_NONCES = 1024;

  /**
   * What a warm-up did.
   *
   * @param rounds how many rounds of registrations and calls ran
   * @param registrations REGISTERs with digest answered 200: new contacts, refreshes, removals
   * @param cutShort whether {@code max-time} ended it before the JIT was done
   * @param failures why registrations and calls failed ({@code "REGISTER 403 Forbidden x 2"}), or
   *     ""
   * @param perRound each round's milliseconds and the JIT's milliseconds in it, {@code 812/904,
   *     ...}
   * @param callsByKind the calls answered, by how they went on: {@code CALLER_BYE 40, CALLEE_BYE
   *     40, CANCEL 20, HOLD_THEN_BYE 20}
   */
  public record Report(
      int rounds,
      int registrations,
      int registrationsFailed,
      int calls,
      int callsFailed,
      Duration elapsed,
      Duration compiling,
      boolean cutShort,
      String perRound,
      String failures,
      String callsByKind) {
    /** This report with the warm-up's whole time, the JIT's time and the final wait's outcome. */
    Report finished(Duration elapsed, Duration compiling, boolean compilerQuiet) {
      return new Report(
          rounds,
          registrations,
          registrationsFailed,
          calls,
          callsFailed,
          elapsed,
          compiling,
          cutShort || !compilerQuiet,
          perRound,
          failures,
          callsByKind);
    }

    /** One line for the log. */
    public String describe() {
      return String.format(
              "warm-up: %d rounds, %d registrations (%d failed), %d calls (%d failed) in %.1f s,"
                  + " JIT %.1f s%s",
              rounds,
              registrations,
              registrationsFailed,
              calls,
              callsFailed,
              elapsed.toMillis() / 1000.0,
              compiling.toMillis() / 1000.0,
              cutShort ? " (stopped at max-time)" : "")
          + (failures.isEmpty() ? "" : "; failed: " + failures);
    }
  }

  static boolean running() {
    return running;
  }

  /**
   * Runs the warm-up that {@code config.warmup()} asks for, before the real server starts.
   *
   * @return what it did, or null when it is off or could not run (logged)
   */
  public static Report run(TrunklineConfig config) {
    WarmupConfig w = config.warmup();
    if (!w.enabled() || (w.registrations() == 0 && w.calls() == 0)) {
      return null;
    }
    long start = System.nanoTime();
    long deadline = start + w.maxTime().toNanos();
    long compiledBefore = compileMillis();
    Path dir = null;
    Thread cleanup = null;
    running = true;
    try {
      dir = Files.createTempDirectory("trunkline-warmup-");
      // a SIGTERM during the warm-up still leaves no directory behind
      Path created = dir;
      cleanup = new Thread(() -> delete(created), "trunkline-warmup-cleanup");
      Runtime.getRuntime().addShutdownHook(cleanup);
      boolean directive = peersOffC2(dir);
      Report report;
      try {
        report = exercise(config, w, dir, start, deadline);
      } finally {
        if (directive) {
          diagnostic("compilerDirectivesRemove");
        }
      }
      boolean quiet = awaitCompilerQuiet(deadline);
      Report done =
          report.finished(
              Duration.ofNanos(System.nanoTime() - start),
              Duration.ofMillis(compileMillis() - compiledBefore),
              quiet);
      running = false;
      log.info(done.describe());
      log.debug("warm-up rounds, ms of the round / ms of the JIT in it: {}", done.perRound());
      log.debug("warm-up calls by kind: {}", done.callsByKind());
      return done;
    } catch (IOException | RuntimeException e) {
      running = false;
      log.warn("warm-up failed, starting without it: {}", e.toString());
      log.debug("warm-up failed", e);
      return null;
    } finally {
      running = false;
      if (cleanup != null) {
        try {
          Runtime.getRuntime().removeShutdownHook(cleanup);
        } catch (IllegalStateException shuttingDown) {
          // the hook deletes the directory
        }
      }
      if (dir != null) {
        delete(dir);
      }
    }
  }

  private static Report exercise(
      TrunklineConfig real, WarmupConfig w, Path dir, long start, long deadline)
      throws IOException {
    try (Selector selector = Selector.open();
        Peer pbx = new Peer(selector);
        Peer caller = new Peer(selector);
        Peer callee = new Peer(selector)) {
      int users = (w.registrations() + 1) / 2; // per round: new, refreshed, removed
      Path file = dir.resolve("warmup.yaml");
      String yaml = yaml(real, dir, users, caller.port(), callee.port());
      TrunklineConfig config;
      try {
        config = ConfigLoader.parse(file, yaml);
      } catch (org.trunkline.server.config.ConfigException e) {
        throw new IllegalStateException("the warm-up's own config: " + e.getMessage(), e);
      }
      Failures failures = new Failures();
      Registrations registrations = new Registrations(selector, pbx, PASSWORD, failures);
      Calls calls = new Calls(selector, caller, callee, failures);
      int rounds = 0;
      int passes = 0;
      StringBuilder perRound = new StringBuilder();
      boolean converged = false;
      boolean done = true;
      while (done && !converged) {
        long roundStart = System.nanoTime();
        long jitBefore = compileMillis();
        // Each round on a new server (the same database): what a fresh server does first, with
        // its new sockets, tables and caches, is then in the JIT's profile too, as it will be
        // for the real server.
        TrunklineServer server;
        try {
          server = TrunklineServer.start(config, Clock.systemUTC(), TIMERS);
        } catch (org.trunkline.server.StartupException e) {
          throw new IllegalStateException(e.getMessage(), e);
        }
        try {
          ListenPoint point = server.listening().get(0);
          InetSocketAddress address = new InetSocketAddress(point.address(), point.port());
          registrations.target(address);
          calls.target(address);
          done =
              users == 0
                  || (registrations.pass(users, Registrations.Kind.NEW, passes++, deadline)
                      && registrations.pass(users, Registrations.Kind.REFRESH, passes++, deadline));
          done = done && (w.calls() == 0 || calls.place(w.calls(), deadline));
          done =
              done
                  && (users == 0
                      || registrations.pass(users, Registrations.Kind.REMOVE, passes++, deadline));
        } finally {
          server.close();
        }
        rounds++;
        long roundMillis = (System.nanoTime() - roundStart) / 1_000_000;
        // On 2 cores the traffic leaves the C2 compiler thread a third of the CPU: let it
        // compile what the round queued before the next round runs.
        done = done && awaitCompilerQuiet(deadline);
        long jitMillis = compileMillis() - jitBefore;
        // a round that gave the JIT hardly any work: what the traffic runs is compiled
        converged = rounds >= MIN_ROUNDS && jitMillis <= Math.max(100, roundMillis / 10);
        perRound.append(rounds == 1 ? "" : ", ").append(roundMillis).append('/').append(jitMillis);
      }
      return new Report(
          rounds,
          registrations.ok(),
          registrations.failed(),
          calls.ok(),
          calls.failed(),
          Duration.ofNanos(System.nanoTime() - start),
          Duration.ZERO,
          !converged,
          perRound.toString(),
          failures.toString(),
          calls.byKind());
    }
  }

  /**
   * The throwaway server's config: the real one's SIP loops and traces, its own everything else.
   */
  static String yaml(TrunklineConfig real, Path dir, int users, int callerPort, int calleePort) {
    StringBuilder y = new StringBuilder(64 * users + 1024);
    y.append("listen:\n  - {name: warmup, transport: udp, address: 127.0.0.1, port: 0}\n");
    y.append("database: {url: \"jdbc:h2:file:")
        .append(dir.resolve("db").resolve("trunkline").toAbsolutePath())
        // registrations written in many small transactions, so the writer's code (and H2's under
        // it) runs often in a round; a fill of 100,000 new contacts compiled it otherwise (stop 24:
        // about 450 ms of C2). On 2 cores it was still at tier 2 after a 20 s warm-up (C2 busy).
        .append("\", registration-write-interval: 5ms}\n");
    y.append("api: {enabled: false}\n");
    // the smallest segments (64 KB): a round rolls over to new ones and deletes the oldest, as
    // the real server does once its traces reach max-size
    y.append("traces: {enabled: ").append(real.traces().enabled()).append(", max-size: 1MB}\n");
    // the real challenges (one per algorithm, in its order); few nonces tracked, so that a round
    // forgets the oldest as the real server does past 16,384 challenges
    y.append("ingress: {max-tracked-nonces: ")
        .append(TRACKED_NONCES)
        .append(", digest-algorithms: [");
    y.append(
        real.trunks().ingress().digestAlgorithms().stream()
            .map(a -> a.token().toLowerCase(java.util.Locale.ROOT))
            .collect(java.util.stream.Collectors.joining(", ")));
    y.append("]}\n");
    y.append("sip: {");
    if (real.sip().threads() > 0) {
      y.append("threads: ").append(real.sip().threads()).append(", ");
    }
    y.append("call-loop: ").append(real.sip().callsOnReadingLoop() ? "reader" : "hash");
    y.append("}\n");
    y.append("warmup: {enabled: false}\n");
    y.append("trunks:\n");
    y.append("  - {name: warmup-caller, mode: ip, peers: [\"127.0.0.1:")
        .append(callerPort)
        .append("\"]}\n");
    y.append("  - {name: warmup-callee, mode: ip, peers: [\"127.0.0.1:")
        .append(calleePort)
        .append("\"], target: \"sip:127.0.0.1:")
        .append(calleePort)
        .append("\", health: off}\n");
    for (int n = 1; n <= users; n++) {
      String user = Registrations.user(n);
      y.append("  - {name: ")
          .append(user)
          .append(", mode: register-in, username: ")
          .append(user)
          .append(", password: ")
          .append(PASSWORD)
          .append("}\n");
    }
    y.append("routes:\n  - {prefix: \"\", trunks: [warmup-callee]}\n");
    return y.toString();
  }

  /**
   * Waits until the JIT has compiled nothing for a moment, so its queue is not left to the real
   * server's first traffic. False when the deadline came first.
   */
  private static boolean awaitCompilerQuiet(long deadline) {
    CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
    if (jit == null || !jit.isCompilationTimeMonitoringSupported()) {
      return true;
    }
    long last = jit.getTotalCompilationTime();
    long quietSince = System.nanoTime();
    while (System.nanoTime() - deadline < 0) {
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
      long now = jit.getTotalCompilationTime();
      if (now != last) {
        last = now;
        quietSince = System.nanoTime();
      } else if (System.nanoTime() - quietSince >= 500_000_000L) {
        return true;
      }
    }
    return false;
  }

  /**
   * Adds {@link #PEERS_OFF_C2} to the JVM's compiler directives (as {@code jcmd PID
   * Compiler.directives_add FILE} would); false where this JVM has no such command.
   */
  static boolean peersOffC2(Path dir) {
    try {
      Path file = dir.resolve("peers-off-c2.json");
      Files.writeString(file, PEERS_OFF_C2);
      String out = diagnostic("compilerDirectivesAdd", file.toString());
      // jcmd's answer: "1 compiler directives added" (or a parse error naming the file)
      return out != null && out.contains("added");
    } catch (IOException e) {
      log.debug("warm-up: no compiler directive for its peers: {}", e.toString());
      return false;
    }
  }

  /** One HotSpot diagnostic command ({@code jcmd}'s, by its MBean operation name); null if none. */
  static String diagnostic(String operation, String... arguments) {
    try {
      Object out =
          ManagementFactory.getPlatformMBeanServer()
              .invoke(
                  new ObjectName("com.sun.management:type=DiagnosticCommand"),
                  operation,
                  new Object[] {arguments},
                  new String[] {String[].class.getName()});
      return String.valueOf(out);
    } catch (JMException | RuntimeException e) {
      log.debug("warm-up: diagnostic command {} failed: {}", operation, e.toString());
      return null;
    }
  }

  private static long compileMillis() {
    CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
    return jit != null && jit.isCompilationTimeMonitoringSupported()
        ? jit.getTotalCompilationTime()
        : 0;
  }

  private static void delete(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      log.warn("could not delete the warm-up's directory {}: {}", dir, e.toString());
    }
  }
}
