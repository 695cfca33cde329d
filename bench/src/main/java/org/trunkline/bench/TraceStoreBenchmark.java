package org.trunkline.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.trunkline.core.call.Cdr;
import org.trunkline.server.config.DatabaseConfig;
import org.trunkline.server.config.TracesConfig;
import org.trunkline.server.storage.Database;
import org.trunkline.server.storage.DatabaseException;
import org.trunkline.server.storage.Trace;
import org.trunkline.server.storage.TraceQuery;
import org.trunkline.server.storage.TraceStore;
import org.trunkline.server.storage.TraceSummary;
import org.trunkline.stack.TraceTap;
import org.trunkline.stack.Transport;

/**
 * Issue 7: finding one call's trace among {@code messages} stored messages (default 1,000,000:
 * 100,000 calls of 10 messages, 5 per leg, each leg's Call-ID linked to the call id, with its CDR
 * in an H2 file database) in the segment store, through {@link TraceStore} as the API calls it. The
 * first trial writes them through the store's own tap and writer (never faster than it writes, so
 * nothing is dropped) and prints the write rate and the writer thread's CPU per message; later
 * trials reopen the same directory ({@code -Dtrace.bench.dir}, default
 * /tmp/trunkline-trace-bench-N) and print how long rebuilding the index took. Target: a query for
 * one call <= 100 ms.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class TraceStoreBenchmark {
  private static final InetSocketAddress US = new InetSocketAddress("127.0.0.1", 5060);
  private static final InetSocketAddress CARRIER = new InetSocketAddress("203.0.113.10", 5060);
  private static final InetSocketAddress PBX = new InetSocketAddress("198.51.100.20", 5060);
  private static final String[] STEPS = {"INVITE", "180", "200", "ACK", "BYE"};

  @Param("1000000")
  int messages;

  private Path dir;
  private Database db;
  private TraceStore store;
  private int calls;

  @Setup(Level.Trial)
  public void fill() throws Exception {
    dir =
        Path.of(
            System.getProperty("trace.bench.dir", "/tmp/trunkline-trace-bench") + "-" + messages);
    boolean filled = Files.exists(dir.resolve("filled"));
    Files.createDirectories(dir);
    db = Database.open(new DatabaseConfig("jdbc:h2:file:" + dir.resolve("db"), null, null, 4));
    calls = messages / 10;
    long open0 = System.nanoTime();
    store =
        TraceStore.open(
            new TracesConfig(true, 1L << 40, Duration.ofDays(3650), 65_536, dir.resolve("traces")),
            Clock.systemUTC(),
            db);
    if (filled) {
      System.out.printf(
          "%nreopened %,d messages: index rebuilt from the segments in %.2f s%n",
          messages, (System.nanoTime() - open0) / 1e9);
      return;
    }
    long t0 = System.nanoTime();
    long cpu0 = writerCpuNanos();
    long at = TraceTap.nowMicros() - calls * 10_000L;
    long offered = 0;
    for (int i = 0; i < calls; i++) {
      String a = "a" + i + "@carrier.example";
      String b = "b" + i + "@trunkline";
      for (int s = 0; s < STEPS.length; s++) {
        tap(message(STEPS[s], a, i), TraceTap.Direction.IN, CARRIER, at++);
        tap(message(STEPS[s], b, i), TraceTap.Direction.OUT, PBX, at++);
      }
      store.link(a, "call" + i);
      store.link(b, "call" + i);
      offered += 12;
      // never more than this thread's ring holds (queue x 256 B, ~500 B a message here): nothing
      // is dropped
      while (offered - store.counters().get("written") > 10_000) {
        Thread.onSpinWait();
      }
    }
    // a drop would never be written: wait for both, the check below fails the fill on a drop
    while (store.counters().get("written") + store.counters().get("dropped") < offered) {
      Thread.onSpinWait();
    }
    double s = (System.nanoTime() - t0) / 1e9;
    double cpu = (writerCpuNanos() - cpu0) / 1e9;
    for (int i = 0; i < calls; i++) {
      db.cdrStore().write(cdr(i, "a" + i + "@carrier.example", "b" + i + "@trunkline"));
      while (i - db.cdrStore().written() > 50_000) {
        Thread.onSpinWait();
      }
    }
    while (db.cdrStore().written() < calls) {
      Thread.onSpinWait();
    }
    System.out.printf(
        "%nfilled %,d messages (%,d calls) in %.1f s: %,.0f messages/s, %.1f us CPU per message"
            + " (the writer thread), dropped %d, segments %,d bytes%n",
        messages,
        calls,
        s,
        messages / s,
        cpu * 1e6 / messages,
        store.counters().get("dropped"),
        store.counters().get("stored_bytes"));
    if (store.counters().get("dropped") != 0 || store.counters().get("failed") != 0) {
      throw new IllegalStateException("fill lost messages: " + store.counters());
    }
    Files.createFile(dir.resolve("filled"));
  }

  /** CPU time of the trace writer thread (also TraceRetentionBenchmark). */
  static long writerCpuNanos() {
    var threads = java.lang.management.ManagementFactory.getThreadMXBean();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().equals("trace-writer")) {
        return threads.getThreadCpuTime(t.threadId());
      }
    }
    throw new IllegalStateException("no trace-writer thread");
  }

  private void tap(byte[] m, TraceTap.Direction dir, InetSocketAddress peer, long at) {
    store.onMessage(dir, Transport.UDP, US, peer, m, 0, m.length, at);
  }

  /**
   * One message of a call, step INVITE, 100, 180, 200, ACK, BYE, ... (also
   * TraceRetentionBenchmark).
   */
  static byte[] message(String step, String callId, int i) {
    String start =
        Character.isDigit(step.charAt(0))
            ? "SIP/2.0 " + step + (step.equals("180") ? " Ringing" : " OK")
            : step + " sip:+7495" + i + "@198.51.100.20 SIP/2.0";
    String body = step.equals("INVITE") || step.equals("200") ? "v=0\r\n".repeat(40) : "";
    return (start
            + "\r\nVia: SIP/2.0/UDP 203.0.113.10:5060;branch=z9hG4bK"
            + i
            + "\r\nFrom: <sip:+1555"
            + i
            + "@203.0.113.10>;tag=f"
            + i
            + "\r\nTo: <sip:+7495"
            + i
            + "@198.51.100.20>\r\nCall-ID: "
            + callId
            + "\r\nCSeq: 1 "
            + step
            + "\r\nContent-Length: "
            + body.length()
            + "\r\n\r\n"
            + body)
        .getBytes(StandardCharsets.US_ASCII);
  }

  private static Cdr cdr(int i, String a, String b) {
    Instant t = Instant.now();
    return new Cdr(
        "call" + i,
        "carrier",
        "pbx",
        "+1555" + i,
        "+7495" + i,
        a,
        b,
        t,
        t,
        t,
        200,
        "BYE from caller",
        "pbx: 200",
        "",
        "",
        "",
        t,
        16,
        "caller");
  }

  private String someCallId(boolean aLeg) {
    int i = ThreadLocalRandom.current().nextInt(calls);
    return (aLeg ? "a" : "b") + i + (aLeg ? "@carrier.example" : "@trunkline");
  }

  /** {@code GET /api/traces/ID} with a leg's Call-ID: every message of both legs, with bytes. */
  @Benchmark
  public Trace findByCallId() throws IOException {
    Trace t = store.find(someCallId(false)).orElseThrow();
    if (t.messages().size() != 10) {
      throw new IllegalStateException("trace " + t.id() + " has " + t.messages().size());
    }
    return t;
  }

  /** {@code GET /api/traces/ID} with the call id. */
  @Benchmark
  public Trace findByCallIdOfTheCall() throws IOException {
    return store.find("call" + ThreadLocalRandom.current().nextInt(calls)).orElseThrow();
  }

  /** {@code GET /api/traces?call-id=...}: the summary of one call. */
  @Benchmark
  public TraceSummary searchByCallId() throws IOException, DatabaseException {
    return store
        .search(new TraceQuery(null, null, someCallId(true), null, null, null, null, 50))
        .getFirst();
  }

  /** {@code GET /api/traces?number=...}: through the CDRs. */
  @Benchmark
  public TraceSummary searchByNumber() throws IOException, DatabaseException {
    String n = "+7495" + ThreadLocalRandom.current().nextInt(calls);
    return store.search(new TraceQuery(null, null, null, n, null, null, null, 1)).getFirst();
  }

  /** {@code GET /api/traces?source=...&limit=1}: the newest trace from an address. */
  @Benchmark
  public TraceSummary searchBySource() throws IOException, DatabaseException {
    return store
        .search(new TraceQuery(null, null, null, null, null, "203.0.113.10", null, 1))
        .getFirst();
  }

  @TearDown(Level.Trial)
  public void close() {
    store.close();
    db.close();
  }
}
