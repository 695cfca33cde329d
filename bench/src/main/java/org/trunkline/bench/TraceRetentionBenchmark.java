package org.trunkline.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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
import org.trunkline.server.config.TracesConfig;
import org.trunkline.server.storage.TraceStore;
import org.trunkline.stack.TraceTap;
import org.trunkline.stack.Transport;

/**
 * Issue 6 (stop 19, branch trace12): one retention pass of the trace store at its steady state, a
 * store full to {@code traces.max-size} (default 1 GiB, as shipped) where each pass deletes the
 * oldest segment (1/16 of it). Before each pass the store's own tap and writer write one more
 * segment of calls (14 messages and 2 links each, ~500 B a message), so the index holds what a
 * server that has run long holds (~2 million messages). Measured: {@link TraceStore#retain()}, the
 * work the writer thread does every 30 s on a busy server; printed at the end: the writer thread's
 * CPU per message written during the trial (its batches, not retention), and how many passes
 * deleted nothing (the writer's own 30 s pass came first; they read ~0 ms). Public API only, so
 * that the same class runs against an older server jar.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 8)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class TraceRetentionBenchmark {
  private static final InetSocketAddress US = new InetSocketAddress("127.0.0.1", 5060);
  private static final InetSocketAddress CARRIER = new InetSocketAddress("203.0.113.10", 5060);
  private static final InetSocketAddress PBX = new InetSocketAddress("198.51.100.20", 5060);
  private static final String[] STEPS = {"INVITE", "100", "180", "200", "ACK", "BYE", "200"};

  @Param("1073741824")
  long maxBytes;

  private Path dir;
  private TraceStore store;
  private int call;
  private long offered;
  private long writerCpu0;
  private long written0;
  private int passes;
  private int empty;
  private long[] nanos = new long[64];

  @Setup(Level.Trial)
  public void fill() throws IOException {
    dir = Files.createTempDirectory("trunkline-retention-bench");
    store =
        TraceStore.open(
            new TracesConfig(true, maxBytes, Duration.ofDays(3650), 65_536, dir),
            Clock.systemUTC(),
            null);
    long t0 = System.nanoTime();
    while (store.counters().get("stored_bytes") < maxBytes + maxBytes / 16) {
      calls(1_000);
    }
    System.out.printf(
        "%nfilled %,d bytes (%,d messages) in %.1f s%n",
        store.counters().get("stored_bytes"),
        store.counters().get("written"),
        (System.nanoTime() - t0) / 1e9);
    store.retain();
    writerCpu0 = TraceStoreBenchmark.writerCpuNanos();
    written0 = store.counters().get("written");
  }

  /** One more segment of calls, written. */
  @Setup(Level.Invocation)
  public void writeASegment() {
    long until = store.counters().get("stored_bytes") + maxBytes / 16;
    while (store.counters().get("stored_bytes") < until) {
      calls(500);
    }
  }

  @Benchmark
  public long retain() throws IOException {
    long t0 = System.nanoTime();
    long deleted = store.retain();
    if (passes == nanos.length) {
      nanos = Arrays.copyOf(nanos, passes * 2);
    }
    nanos[passes++] = System.nanoTime() - t0;
    if (deleted == 0) {
      empty++;
    }
    return deleted;
  }

  /**
   * {@code n} calls through the tap, waited for until written (the ring never overflows: 30,000
   * records of ~400 B in its 16 MiB).
   */
  private void calls(int n) {
    long at = TraceTap.nowMicros();
    for (int i = 0; i < n; i++, call++) {
      String a = "a" + call + "@carrier.example";
      String b = "b" + call + "@trunkline";
      for (String step : STEPS) {
        tap(TraceStoreBenchmark.message(step, a, call), TraceTap.Direction.IN, CARRIER, at++);
        tap(TraceStoreBenchmark.message(step, b, call), TraceTap.Direction.OUT, PBX, at++);
      }
      store.link(a, "call" + call);
      store.link(b, "call" + call);
      offered += 2 * STEPS.length + 2;
      // past a quarter of the ring's 65,536 records the writer is woken at once; below it, it
      // naps 100 ms per batch (a fill of 1 GiB took 45 s that way, stop 19 window 1)
      while (offered - store.counters().get("written") > 30_000) {
        Thread.onSpinWait();
      }
    }
    while (store.counters().get("written") + store.counters().get("dropped") < offered) {
      Thread.onSpinWait();
    }
    if (store.counters().get("dropped") != 0) {
      throw new IllegalStateException("dropped: " + store.counters());
    }
  }

  private void tap(byte[] m, TraceTap.Direction dir, InetSocketAddress peer, long at) {
    store.onMessage(dir, Transport.UDP, US, peer, m, 0, m.length, at);
  }

  @TearDown(Level.Trial)
  public void close() throws IOException {
    long written = store.counters().get("written") - written0;
    double cpu = (TraceStoreBenchmark.writerCpuNanos() - writerCpu0) / 1e3;
    long[] t = Arrays.copyOf(nanos, passes);
    Arrays.sort(t);
    System.out.printf(
        "%nretention passes %d (deleted nothing: %d), median %.1f ms; trace-writer %.2f us CPU per"
            + " message over %,d messages written after the fill%n",
        passes, empty, passes == 0 ? 0 : t[passes / 2] / 1e6, cpu / Math.max(1, written), written);
    store.close();
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
