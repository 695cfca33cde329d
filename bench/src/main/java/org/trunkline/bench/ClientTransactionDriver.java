package org.trunkline.bench;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.trunkline.stack.ListenPoint;
import org.trunkline.stack.OutboundRequest;
import org.trunkline.stack.SipClient;
import org.trunkline.stack.SipServer;
import org.trunkline.stack.Transport;
import org.trunkline.stack.transaction.Peer;

/**
 * Sends out-of-dialog OPTIONS through the server's own stack at a fixed rate to a UAS on loopback
 * (a SIPp {@code bench/stack/options-uas.xml}), and reports the CPU this process spent per
 * transaction answered. The stack is the server's: a {@link SipServer} with one UDP listen point
 * (one socket per event loop, as {@code trunkline run} binds it) and its {@link SipClient}, the
 * path the trunk OPTIONS probes take: the request written with a new branch, one non-INVITE client
 * transaction per request (Timers E, F, K), the response read by the server's UDP inbound and
 * matched in the transaction layer of the request's Call-ID. Each event loop sends its share of the
 * rate with Call-IDs of its own layer, as a B2BUA sends a B-leg from the loop of its A-leg, so no
 * request crosses loops on the way out.
 *
 * <p>The CPU is the JVM's own (every thread: event loops, GC, JIT), read from {@code
 * getProcessCpuTime} at the start and end of the measured window, after a warm-up at the same rate.
 * Bounded: {@code RATE * (WARMUP + SECONDS)} requests, then at most 10 s for the last answers.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar org.trunkline.bench.ClientTransactionDriver \
 *   127.0.0.1:5090 2000 10 20 [LOCAL_PORT]
 * </pre>
 *
 * Uses only the stack's public API of main at {@code fba3c8f} ({@link SipServer}, {@link
 * SipClient#send}, {@link OutboundRequest}), so the same driver class can run against an older
 * build's jar (A/B: put a jar with this class first on the class path).
 *
 * <p>Prints one {@code RESULT k=v ...} line. Exit status 1 if a request timed out or failed.
 */
public final class ClientTransactionDriver {
  private final InetSocketAddress target;
  private final int rate;
  private final LongAdder answered = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final LongAdder created = new LongAdder();

  /**
   * How often each loop sends its due requests: every 10 ms, as {@code kamailio-uac.cfg}'s timer
   * does on the Kamailio side, so both pace the same bursts (a 1 ms ticker would wake each loop
   * 1,000 times a second for the pacing alone).
   */
  private static final long TICK_MS = 10;

  /** Makes this run's Call-IDs differ from an earlier run's. */
  private static final String RUN =
      Long.toString(ProcessHandle.current().pid(), 36)
          + Long.toString(System.currentTimeMillis() % 1_000_000, 36);

  private ClientTransactionDriver(InetSocketAddress target, int rate) {
    this.target = target;
    this.rate = rate;
  }

  public static void main(String[] args) throws Exception {
    // as trunkline.jar's Main does for a running server (a sampled stack trace per 128 buffers)
    if (System.getProperty("io.netty.leakDetection.level") == null) {
      System.setProperty("io.netty.leakDetection.level", "disabled");
    }
    if (args.length < 4) {
      System.err.println(
          "usage: ClientTransactionDriver HOST:PORT RATE WARMUP_S SECONDS [LOCAL_PORT]");
      System.exit(2);
    }
    String[] hp = args[0].split(":");
    InetAddress host = InetAddress.getByName(hp[0]);
    if (!host.isLoopbackAddress()) {
      System.err.println("target must be a loopback address, got " + args[0]);
      System.exit(2);
    }
    int rate = Integer.parseInt(args[1]);
    int warmup = Integer.parseInt(args[2]);
    int seconds = Integer.parseInt(args[3]);
    int localPort = args.length > 4 ? Integer.parseInt(args[4]) : 0;
    if (rate < 1 || rate > 50_000 || warmup < 0 || seconds < 1 || seconds > 600) {
      System.err.println("RATE 1..50000, WARMUP_S >= 0, SECONDS 1..600");
      System.exit(2);
    }
    System.exit(
        new ClientTransactionDriver(new InetSocketAddress(host, Integer.parseInt(hp[1])), rate)
            .run(warmup, seconds, localPort));
  }

  private int run(int warmup, int seconds, int port) throws Exception {
    String local = InetAddress.getLoopbackAddress().getHostAddress();
    try (SipServer server = new SipServer(List.of(new ListenPoint(Transport.UDP, local, port)))) {
      server.start();
      SipClient client = server.client();
      Peer peer = new Peer(Transport.UDP, target);
      String uas = "sip:bench@" + target.getAddress().getHostAddress() + ":" + target.getPort();
      String to = "<" + uas + ">";

      // the event loops, each with the layer index its Call-IDs hash to (SipClient.loopOf)
      int n = client.layers();
      List<EventExecutor> loops = new ArrayList<>();
      int[] layerOf = new int[n];
      for (int i = 0; loops.size() < n && i < 10_000; i++) {
        EventExecutor l = client.loopOf("probe-" + i);
        if (!loops.contains(l)) {
          layerOf[loops.size()] = Math.floorMod(("probe-" + i).hashCode(), n);
          loops.add(l);
        }
      }
      long total = (long) rate * (warmup + seconds);
      long start = System.nanoTime();
      List<ScheduledFuture<?>> tickers = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        EventExecutor loop = loops.get(i);
        long share = total / n + (i < total % n ? 1 : 0);
        Sender s = new Sender(client, loop, layerOf[i], i, n, share, start, peer, uas, to);
        tickers.add(loop.scheduleAtFixedRate(s, 0, TICK_MS, TimeUnit.MILLISECONDS));
      }

      Thread.sleep(warmup * 1000L); // pacing the run, not synchronizing: counters are adders
      long a0 = answered.sum();
      long alloc0 = allocatedBytes();
      long[] threads0 = threadTicks();
      long cpu0 = cpuNanos();
      long wall0 = System.nanoTime();
      long deadline = start + (warmup + seconds) * 1_000_000_000L;
      while (System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      long drainUntil = System.nanoTime() + 10_000_000_000L;
      while (answered.sum() + failed.sum() < total && System.nanoTime() < drainUntil) {
        Thread.sleep(10);
      }
      long cpu1 = cpuNanos();
      long[] threads1 = threadTicks();
      long alloc1 = allocatedBytes();
      long wall1 = System.nanoTime();
      tickers.forEach(t -> t.cancel(false));
      long a1 = answered.sum();
      long done = a1 - a0;
      double wallS = (wall1 - wall0) / 1e9;
      System.out.printf(
          "RESULT driver=trunkline-sipclient created=%d answered=%d failed=%d window_answered=%d"
              + " window_wall_s=%.3f cpu_s=%.3f us_per_tx=%.2f cpu_pct=%.1f loops=%d"
              + " udp_handoffs=%d responses_in=%d alloc_bytes_per_tx=%.0f loop_wakeups_per_tx=%.3f"
              + " us_loops=%.2f us_jit=%.2f us_gc=%.2f us_other=%.2f%n",
          created.sum(),
          a1,
          failed.sum(),
          done,
          wallS,
          (cpu1 - cpu0) / 1e9,
          (cpu1 - cpu0) / 1e3 / Math.max(1, done),
          100 * (cpu1 - cpu0) / 1e9 / wallS,
          n,
          server.snapshot().getOrDefault("udp_handoffs", -1L),
          server.snapshot().getOrDefault("responses_in", -1L),
          (alloc1 - alloc0) / (double) Math.max(1, done),
          (threads1[4] - threads0[4]) / (double) Math.max(1, done),
          perTx(threads0, threads1, 0, done),
          perTx(threads0, threads1, 1, done),
          perTx(threads0, threads1, 2, done),
          perTx(threads0, threads1, 3, done));
      return failed.sum() == 0 && a1 == total ? 0 : 1;
    }
  }

  private static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /** Bytes allocated by every thread of this JVM so far (deterministic per transaction). */
  private static long allocatedBytes() {
    return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
        .getTotalThreadAllocatedBytes();
  }

  private static final long HZ = 100; // USER_HZ: the clock ticks of /proc/<pid>/task/<tid>/stat

  private static double perTx(long[] t0, long[] t1, int group, long done) {
    return (t1[group] - t0[group]) * 1e6 / HZ / Math.max(1, done);
  }

  /**
   * This JVM's CPU ticks by thread group from /proc (event loops, JIT compilers, GC, the rest) and
   * the event loops' voluntary context switches (their wake-ups from epoll_wait): which part of the
   * CPU a change moved, apart from JIT and GC noise. Zeros where /proc cannot be read.
   */
  private static long[] threadTicks() {
    long[] g = new long[5];
    java.io.File[] tasks = new java.io.File("/proc/self/task").listFiles();
    if (tasks == null) {
      return g;
    }
    for (java.io.File t : tasks) {
      try {
        String stat = java.nio.file.Files.readString(t.toPath().resolve("stat"));
        int open = stat.indexOf('(');
        int close = stat.lastIndexOf(')');
        String comm = stat.substring(open + 1, close);
        String[] f = stat.substring(close + 2).split(" ");
        long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime
        int group;
        if (comm.startsWith("multiThreadIoEv") || comm.startsWith("epollEventLoop")) {
          group = 0;
          for (String line : java.nio.file.Files.readAllLines(t.toPath().resolve("status"))) {
            if (line.startsWith("voluntary_ctxt_switches:")) {
              g[4] += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
            }
          }
        } else if (comm.startsWith("C1 Compiler") || comm.startsWith("C2 Compiler")) {
          group = 1;
        } else if (comm.startsWith("G1 ")
            || comm.startsWith("GC Thread")
            || comm.startsWith("Z")
            || comm.startsWith("VM Thread")) {
          group = 2;
        } else {
          group = 3;
        }
        g[group] += ticks;
      } catch (java.io.IOException | RuntimeException e) {
        // the thread ended between the listing and the read: its ticks are lost to both snapshots
      }
    }
    return g;
  }

  private static final String SUFFIX = "@bench";
  private static final int POW31_6 = 887_503_681; // 31^6
  private static final int POW31_7 = POW31_6 * 31;

  /** One loop's share of the rate, run on that loop every {@link #TICK_MS} ms. */
  private final class Sender implements Runnable {
    private final SipClient client;
    private final EventExecutor home;
    private final int layer;
    private final int index;
    private final int loops;
    private final long share;
    private final long start;
    private final Peer peer;
    private final String uri;
    private final String to;
    private long sent;

    Sender(
        SipClient client,
        EventExecutor home,
        int layer,
        int index,
        int loops,
        long share,
        long start,
        Peer peer,
        String uri,
        String to) {
      this.client = client;
      this.home = home;
      this.layer = layer;
      this.index = index;
      this.loops = loops;
      this.share = share;
      this.start = start;
      this.peer = peer;
      this.uri = uri;
      this.to = to;
    }

    @Override
    public void run() {
      long due = Math.min(share, (System.nanoTime() - start) * rate / loops / 1_000_000_000L);
      for (long k = Math.min(due - sent, rate / 5 + 1); k > 0; k--) {
        sent++;
        String callId = callId();
        created.increment();
        client
            .send(
                OutboundRequest.to(
                    peer,
                    "OPTIONS",
                    uri,
                    "<sip:driver@{local}>;tag=d" + index + "-" + sent,
                    to,
                    callId,
                    1,
                    List.of(),
                    null))
            .thenAccept(r -> (r.status() >= 200 && r.received() ? answered : failed).increment());
      }
    }

    /**
     * A Call-ID of this loop's layer (the last character picks the hash's residue), unique across
     * runs: SIPp keeps a finished call's Call-ID for 33 s ({@code -deadcall_wait}) and would absorb
     * a second run's request that reuses it.
     */
    private String callId() {
      String base = sent + "-" + index + "-" + RUN + "-";
      // String.hashCode of base + c + SUFFIX, without making the strings: h(base) * 31^7 + c *
      // 31^6 + h(SUFFIX), in int arithmetic as String.hashCode overflows
      int head = base.hashCode() * POW31_7 + SUFFIX.hashCode();
      for (char c = 'a'; c <= 'z'; c++) {
        if (Math.floorMod(head + c * POW31_6, loops) == layer) {
          String id = base + c + SUFFIX;
          if (sent == 1 && client.loopOf(id) != home) {
            throw new IllegalStateException(id + " is not a Call-ID of loop " + index);
          }
          return id;
        }
      }
      throw new IllegalStateException("no Call-ID for layer " + layer + " after " + base);
    }
  }
}
