package org.trunkline.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
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
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;
import org.trunkline.server.config.TracesConfig;
import org.trunkline.server.storage.TraceStore;
import org.trunkline.stack.TraceTap;
import org.trunkline.stack.Transport;

/**
 * Issue 6 (stop 20, branch trace13): the trace writer's CPU per message as a server at {@code cps}
 * calls a second gives it work. One producer (an event loop) captures each call's 14 messages (7 a
 * leg, ~600 B each, SIPp-like headers, SDP in the INVITE and its 200) and 2 links, paced in 10 ms
 * steps; the writer drains on its own 100 ms naps, so its batches are a server's (~1,400 messages
 * at 1,000 cps), not a fill's. Each iteration offers 2 s of calls and waits until they are written;
 * the score is that (~2 s, not a speed). Printed per iteration and at the end (median): the {@code
 * trace-writer} thread's CPU per message and the producer's CPU per message captured (its pacing
 * included). Public API only, so that the same class runs against an older server jar ({@code java
 * -cp OLD/trunkline.jar:benchmarks.jar org.openjdk.jmh.Main TraceWriteBenchmark}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 8)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class TraceWriteBenchmark {
  private static final InetSocketAddress US = new InetSocketAddress("127.0.0.1", 5060);
  private static final InetSocketAddress CARRIER = new InetSocketAddress("127.0.0.1", 5070);
  private static final InetSocketAddress PBX = new InetSocketAddress("127.0.0.1", 5080);
  private static final String[] STEPS = {"INVITE", "100", "180", "200", "ACK", "BYE", "200"};
  private static final long STEP_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
  private static final int SECONDS = 2;

  @Param({"500", "1000"})
  int cps;

  private Path dir;
  private TraceStore store;
  private int call;
  private long offered;
  private long writerCpu0;
  private long producerCpu0;
  private long written0;
  private double[] writerPerMessage = new double[64];
  private double[] producerPerMessage = new double[64];
  private int iterations; // measured ones only
  private boolean measuring;

  @Setup(Level.Trial)
  public void open() throws IOException {
    dir = Files.createTempDirectory("trunkline-trace-write-bench");
    store =
        TraceStore.open(
            new TracesConfig(
                true,
                TracesConfig.DEFAULT_MAX_BYTES,
                TracesConfig.DEFAULT_MAX_AGE,
                TracesConfig.DEFAULT_QUEUE,
                dir),
            Clock.systemUTC(),
            null);
    // which server's classes run (an older jar first on the class path wins)
    System.out.printf(
        "%nTraceStore from %s%n", TraceStore.class.getProtectionDomain().getCodeSource());
  }

  @Setup(Level.Iteration)
  public void mark(IterationParams params) {
    measuring = params.getType() == IterationType.MEASUREMENT;
    writerCpu0 = TraceStoreBenchmark.writerCpuNanos();
    producerCpu0 = producerCpuNanos();
    written0 = store.counters().get("written");
  }

  /** {@link #SECONDS} of calls at {@code cps}, captured in 10 ms steps, then waited for. */
  @Benchmark
  public long capture() {
    int steps = SECONDS * 100;
    int first = call;
    long next = System.nanoTime();
    double due = 0;
    for (int s = 0; s < steps; s++) {
      due += cps / 100.0;
      while (call - first < (long) (due + 0.5)) {
        oneCall();
      }
      next += STEP_NANOS;
      long wait = next - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      }
    }
    while (store.counters().get("written") + store.counters().get("dropped") < offered) {
      LockSupport.parkNanos(1_000_000);
    }
    return store.counters().get("written");
  }

  private void oneCall() {
    String a = call + "-4711@127.0.0.1";
    String b = "b2b-" + Integer.toHexString(call * 0x9E3779B9) + "-trunkline";
    long at = TraceTap.nowMicros();
    for (String step : STEPS) {
      tap(message(step, a, call, 5070), TraceTap.Direction.IN, CARRIER, at++);
      tap(message(step, b, call, 5080), TraceTap.Direction.OUT, PBX, at++);
    }
    store.link(a, "c" + call);
    store.link(b, "c" + call);
    offered += 2 * STEPS.length + 2;
    call++;
  }

  @TearDown(Level.Iteration)
  public void print() {
    if (store.counters().get("dropped") != 0) {
      throw new IllegalStateException("dropped: " + store.counters());
    }
    long messages = store.counters().get("written") - written0;
    double w = (TraceStoreBenchmark.writerCpuNanos() - writerCpu0) / 1e3 / messages;
    double p = (producerCpuNanos() - producerCpu0) / 1e3 / messages;
    System.out.printf(
        "  [%,d records: trace-writer %.3f us CPU per record, producer %.3f]", messages, w, p);
    if (!measuring) {
      return;
    }
    if (iterations == writerPerMessage.length) {
      writerPerMessage = Arrays.copyOf(writerPerMessage, iterations * 2);
      producerPerMessage = Arrays.copyOf(producerPerMessage, iterations * 2);
    }
    writerPerMessage[iterations] = w;
    producerPerMessage[iterations++] = p;
  }

  private void tap(byte[] m, TraceTap.Direction dir, InetSocketAddress peer, long at) {
    store.onMessage(dir, Transport.UDP, US, peer, m, 0, m.length, at);
  }

  /** A SIPp-like message of a call (~600 B; the INVITE and its 200 carry SDP). */
  static byte[] message(String step, String callId, int i, int port) {
    boolean response = Character.isDigit(step.charAt(0));
    String method =
        switch (step) {
          case "100", "180" -> "INVITE";
          case "200" -> i % 2 == 0 ? "INVITE" : "BYE";
          default -> step;
        };
    String start =
        response
            ? "SIP/2.0 "
                + step
                + (step.equals("100") ? " Trying" : step.equals("180") ? " Ringing" : " OK")
            : step + " sip:service@127.0.0.1:5060 SIP/2.0";
    String sdp =
        method.equals("INVITE") && (step.equals("INVITE") || step.equals("200"))
            ? "v=0\r\no=user1 53655765 2353687637 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\n"
                + "t=0 0\r\nm=audio 6000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n"
            : "";
    return (start
            + "\r\nVia: SIP/2.0/UDP 127.0.0.1:"
            + port
            + ";branch=z9hG4bK-"
            + i
            + "-1-0;received=127.0.0.1;rport="
            + port
            + "\r\nFrom: sipp <sip:sipp@127.0.0.1:"
            + port
            + ">;tag="
            + i
            + "SIPpTag00"
            + i
            + "\r\nTo: service <sip:service@127.0.0.1:5060>"
            + (step.equals("INVITE") ? "" : ";tag=" + Integer.toHexString(i * 31) + "a1b2c3")
            + "\r\nCall-ID: "
            + callId
            + "\r\nCSeq: "
            + (method.equals("BYE") ? 2 : 1)
            + " "
            + method
            + "\r\nContact: <sip:sipp@127.0.0.1:"
            + port
            + ";transport=UDP>\r\nMax-Forwards: 70\r\nSubject: Performance Test\r\n"
            + "User-Agent: Trunkline bench\r\nAllow: INVITE, ACK, CANCEL, BYE, OPTIONS\r\n"
            + (sdp.isEmpty() ? "" : "Content-Type: application/sdp\r\n")
            + "Content-Length: "
            + sdp.length()
            + "\r\n\r\n"
            + sdp)
        .getBytes(StandardCharsets.US_ASCII);
  }

  private static long producerCpuNanos() {
    return java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
  }

  @TearDown(Level.Trial)
  public void close() throws IOException {
    double[] w = Arrays.copyOf(writerPerMessage, Math.max(1, iterations));
    double[] p = Arrays.copyOf(producerPerMessage, Math.max(1, iterations));
    Arrays.sort(w);
    Arrays.sort(p);
    System.out.printf(
        "%n%d cps: trace-writer median %.3f us CPU per record (min %.3f, max %.3f) over %d"
            + " iterations; producer median %.3f%n",
        cps, w[w.length / 2], w[0], w[w.length - 1], w.length, p[p.length / 2]);
    store.close();
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
  }
}
