package org.trunkline.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * RTP load through a relay that speaks rtpengine's "ng" protocol (rtpengine itself, or {@link
 * NgRelayServer}), or straight between the two sides ({@code direct}) for the loopback floor. Each
 * call is offered and answered, then both sides send a G.711 packet (172 bytes) every ptime for the
 * run; every packet carries its send time, so the receiver measures one-way latency on the same
 * clock. The relay's CPU is read from /proc for packets per CPU-second. Bounded: calls, seconds.
 *
 * <pre>
 * java -cp benchmarks.jar org.trunkline.bench.RtpLoad NG|direct CALLS SECONDS RELAY_PID LABEL [SOCKETS [GEN]]
 * </pre>
 *
 * GEN {@code nio} (the default): a sender thread per side and a reader thread per socket, one
 * syscall per packet; {@code epoll}: {@link EpollRtpSides}, one event loop per side with {@code
 * sendmmsg}/{@code recvmmsg}, so that the generator takes less of the machine than the relay;
 * {@code c}: {@link CRtpGen}, the C program {@code bench/media/rtpgen.c} (its path in the env
 * {@code RTPGEN}, its GRAN_US and CHUNK in {@code RTPGEN_ARGS}) does the traffic, this class the ng
 * calls and the RESULT line.
 *
 * <p>Prints one {@code RESULT key=value ...} line.
 */
public final class RtpLoad {
  static final int PTIME_MS = 20;
  static final int SIZE = 172;
  private static final Pattern PORT = Pattern.compile("m=audio (\\d+)");
  private static final Pattern HOST = Pattern.compile("c=IN IP4 (\\S+)");
  private static final int BUCKETS = 200_000; // 1 µs each, up to 200 ms

  private RtpLoad() {}

  public static void main(String[] args) throws Exception {
    String ng = args[0];
    int calls = Integer.parseInt(args[1]);
    int seconds = Integer.parseInt(args[2]);
    long pid = Long.parseLong(args[3]);
    String label = args[4];
    int k = args.length > 5 ? Integer.parseInt(args[5]) : 2;
    String gen = args.length > 6 ? args[6] : "nio";
    if (gen.equals("c")) {
      runC(ng, calls, seconds, pid, label, k);
      return;
    }
    boolean epoll = gen.equals("epoll");
    Stats ab = new Stats();
    Stats ba = new Stats();
    DatagramChannel[] as = new DatagramChannel[k];
    DatagramChannel[] bs = new DatagramChannel[k];
    EpollRtpSides sides = epoll ? new EpollRtpSides(k, ab, ba) : null;
    for (int i = 0; i < k && !epoll; i++) {
      as[i] = open();
      bs[i] = open();
    }
    InetSocketAddress[] toRelayFromA = new InetSocketAddress[calls];
    InetSocketAddress[] toRelayFromB = new InetSocketAddress[calls];
    String run = Long.toHexString(ThreadLocalRandom.current().nextLong());
    NgClient ctl = ng.equals("direct") ? null : new NgClient(ng);
    setUp(
        ctl,
        run,
        i -> (InetSocketAddress) (epoll ? sides.as[i % k].localAddress() : local(as[i % k])),
        i -> (InetSocketAddress) (epoll ? sides.bs[i % k].localAddress() : local(bs[i % k])),
        toRelayFromA,
        toRelayFromB);
    List<Thread> readers = new ArrayList<>();
    for (int i = 0; i < k && !epoll; i++) {
      readers.add(Thread.ofPlatform().name("rx-b" + i).start(reader(bs[i], ab)));
      readers.add(Thread.ofPlatform().name("rx-a" + i).start(reader(as[i], ba)));
    }
    long cpu0 = cpuTicks(pid);
    long self0 = cpuTicks(ProcessHandle.current().pid());
    long snmp0 = rcvbufErrors();
    long t0 = System.nanoTime();
    long end = t0 + seconds * 1_000_000_000L;
    if (epoll) {
      sides.run(toRelayFromA, toRelayFromB, t0, end, ab, ba);
    } else {
      Thread sa =
          Thread.ofPlatform().name("tx-a").start(sender(as, toRelayFromA, k, t0, end, ab, 0));
      Thread sb =
          Thread.ofPlatform().name("tx-b").start(sender(bs, toRelayFromB, k, t0, end, ba, 1));
      sa.join();
      sb.join();
    }
    long sent = ab.sent.get() + ba.sent.get();
    long drainUntil = System.nanoTime() + 2_000_000_000L;
    while (ab.received.get() + ba.received.get() < sent && System.nanoTime() < drainUntil) {
      LockSupport.parkNanos(10_000_000L); // a benchmark's bounded drain, not a test
    }
    long elapsed = System.nanoTime() - t0;
    long cpu1 = cpuTicks(pid);
    long self1 = cpuTicks(ProcessHandle.current().pid());
    long snmp1 = rcvbufErrors();
    // where packets were dropped: the kernel's per-socket drop counters (receive buffer full)
    java.util.Set<Integer> mine = new java.util.HashSet<>();
    java.util.Set<Integer> relay = new java.util.HashSet<>();
    for (int i = 0; i < k && !epoll; i++) {
      mine.add(((InetSocketAddress) as[i].getLocalAddress()).getPort());
      mine.add(((InetSocketAddress) bs[i].getLocalAddress()).getPort());
    }
    if (epoll) {
      for (int p : sides.localPorts()) {
        mine.add(p);
      }
    }
    if (ctl != null) {
      relay = ports(toRelayFromA, toRelayFromB);
    }
    long[] drops = udpDrops(mine, relay);
    for (int i = 0; i < k && !epoll; i++) {
      as[i].close();
      bs[i].close();
    }
    if (epoll) {
      sides.close();
    }
    for (Thread t : readers) {
      t.join(2000);
    }
    tearDown(ctl, run, calls);
    long received = ab.received.get() + ba.received.get();
    double cpuS = (cpu1 - cpu0) / 100.0;
    double secs = elapsed / 1e9;
    long[] h = new long[BUCKETS + 1];
    for (int i = 0; i <= BUCKETS; i++) {
      h[i] = ab.hist[i] + ba.hist[i];
    }
    System.out.printf(
        "RESULT label=%s calls=%d seconds=%d sent=%d received=%d lost=%d loss_pct=%.4f"
            + " pps=%.0f lat_p50_us=%d lat_p90_us=%d lat_p99_us=%d lat_max_us=%d"
            + " relay_cpu_pct=%.1f relay_pkts_per_cpu_s=%.0f gen_cpu_pct=%.1f tx_late_max_us=%d"
            + " tx_late_ticks=%d gen=%s gen_rx_drops=%d relay_rx_drops=%d udp_rcvbuf_errors=%d load=%s%n",
        label,
        calls,
        seconds,
        sent,
        received,
        sent - received,
        100.0 * (sent - received) / Math.max(1, sent),
        received / secs,
        pct(h, received, 0.50),
        pct(h, received, 0.90),
        pct(h, received, 0.99),
        Math.max(ab.max.get(), ba.max.get()),
        pid > 0 ? 100 * cpuS / secs : 0.0,
        pid > 0 && cpuS > 0 ? received / cpuS : 0.0,
        (self1 - self0) / secs,
        Math.max(ab.lateMax.get(), ba.lateMax.get()) / 1000,
        ab.lateTicks.get() + ba.lateTicks.get(),
        epoll ? "epoll" : "nio",
        drops[0],
        drops[1],
        snmp1 - snmp0,
        Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
  }

  /** GEN=c: the traffic in {@link CRtpGen}; the same RESULT fields, plus {@code tx_lag_max_us}. */
  private static void runC(String ng, int calls, int seconds, long pid, String label, int k)
      throws Exception {
    String exe = System.getenv().getOrDefault("RTPGEN", "rtpgen");
    String extra = System.getenv().getOrDefault("RTPGEN_ARGS", "").trim();
    InetSocketAddress[] toRelayFromA = new InetSocketAddress[calls];
    InetSocketAddress[] toRelayFromB = new InetSocketAddress[calls];
    String run = Long.toHexString(ThreadLocalRandom.current().nextLong());
    NgClient ctl = ng.equals("direct") ? null : new NgClient(ng);
    try (CRtpGen g =
        new CRtpGen(exe, k, extra.isEmpty() ? List.of() : List.of(extra.split(" +")))) {
      setUp(ctl, run, g::a, g::b, toRelayFromA, toRelayFromB);
      long[] cpu0 = new long[1];
      long[] snmp0 = new long[1];
      Map<String, Long> d =
          g.run(
              toRelayFromA,
              toRelayFromB,
              seconds,
              () -> {
                try {
                  cpu0[0] = cpuTicks(pid);
                  snmp0[0] = rcvbufErrors();
                } catch (IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              });
      long cpu1 = cpuTicks(pid);
      long snmp1 = rcvbufErrors();
      java.util.Set<Integer> mine = new java.util.HashSet<>();
      for (int p : g.localPorts()) {
        mine.add(p);
      }
      long[] drops =
          udpDrops(mine, ctl == null ? java.util.Set.of() : ports(toRelayFromA, toRelayFromB));
      g.close();
      tearDown(ctl, run, calls);
      long sent = d.get("sent");
      long received = d.get("received");
      double secs = d.get("elapsed_us") / 1e6;
      double cpuS = (cpu1 - cpu0[0]) / 100.0;
      System.out.printf(
          "RESULT label=%s calls=%d seconds=%d sent=%d received=%d lost=%d loss_pct=%.4f"
              + " pps=%.0f lat_p50_us=%d lat_p90_us=%d lat_p99_us=%d lat_max_us=%d"
              + " relay_cpu_pct=%.1f relay_pkts_per_cpu_s=%.0f gen_cpu_pct=%.1f tx_late_max_us=%d"
              + " tx_late_ticks=%d gen=c gen_rx_drops=%d relay_rx_drops=%d udp_rcvbuf_errors=%d"
              + " tx_lag_max_us=%d load=%s%n",
          label,
          calls,
          seconds,
          sent,
          received,
          sent - received,
          100.0 * (sent - received) / Math.max(1, sent),
          received / secs,
          d.get("lat_p50_us"),
          d.get("lat_p90_us"),
          d.get("lat_p99_us"),
          d.get("lat_max_us"),
          pid > 0 ? 100 * cpuS / secs : 0.0,
          pid > 0 && cpuS > 0 ? received / cpuS : 0.0,
          CRtpGen.cpuPct(d),
          d.get("tx_late_max_us"),
          d.get("tx_late_ticks"),
          drops[0],
          drops[1],
          snmp1 - snmp0[0],
          d.get("tx_lag_max_us"),
          Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
    }
  }

  /**
   * Offers and answers every call through {@code ctl} (with SDP naming side A's and B's socket of
   * the call) and fills where each side sends to; with no ng ({@code direct}) each side sends
   * straight to the other.
   */
  private static void setUp(
      NgClient ctl,
      String run,
      java.util.function.IntFunction<InetSocketAddress> aAt,
      java.util.function.IntFunction<InetSocketAddress> bAt,
      InetSocketAddress[] toRelayFromA,
      InetSocketAddress[] toRelayFromB)
      throws IOException {
    for (int i = 0; i < toRelayFromA.length; i++) {
      InetSocketAddress a = aAt.apply(i);
      InetSocketAddress b = bAt.apply(i);
      if (ctl == null) {
        toRelayFromA[i] = b;
        toRelayFromB[i] = a;
        continue;
      }
      String callId = "bench-" + run + "-" + i;
      String toB =
          ctl.sdp(
              Map.of(
                  "command",
                  "offer",
                  "call-id",
                  callId,
                  "from-tag",
                  "a" + i,
                  "sdp",
                  sdp(a.getPort())));
      String toA =
          ctl.sdp(
              Map.of(
                  "command",
                  "answer",
                  "call-id",
                  callId,
                  "from-tag",
                  "a" + i,
                  "to-tag",
                  "b" + i,
                  "sdp",
                  sdp(b.getPort())));
      toRelayFromB[i] = address(toB);
      toRelayFromA[i] = address(toA);
    }
  }

  private static void tearDown(NgClient ctl, String run, int calls) throws IOException {
    if (ctl == null) {
      return;
    }
    for (int i = 0; i < calls; i++) {
      ctl.send(
          Map.of("command", "delete", "call-id", "bench-" + run + "-" + i, "from-tag", "a" + i));
    }
  }

  private static java.util.Set<Integer> ports(InetSocketAddress[] x, InetSocketAddress[] y) {
    java.util.Set<Integer> p = new java.util.HashSet<>();
    for (int i = 0; i < x.length; i++) {
      p.add(x[i].getPort());
      p.add(y[i].getPort());
    }
    return p;
  }

  private static java.net.SocketAddress local(DatagramChannel c) {
    try {
      return c.getLocalAddress();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static String sdp(int port) {
    return "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
        + "m=audio "
        + port
        + " RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=sendrecv\r\n";
  }

  private static InetSocketAddress address(String sdp) {
    Matcher p = PORT.matcher(sdp);
    Matcher h = HOST.matcher(sdp);
    if (!p.find() || !h.find()) {
      throw new IllegalStateException("no address in relay SDP: " + sdp);
    }
    return new InetSocketAddress(h.group(1), Integer.parseInt(p.group(1)));
  }

  private static DatagramChannel open() throws IOException {
    DatagramChannel c = DatagramChannel.open();
    c.setOption(StandardSocketOptions.SO_RCVBUF, 4 << 20);
    c.setOption(StandardSocketOptions.SO_SNDBUF, 4 << 20);
    c.bind(new InetSocketAddress("127.0.0.1", 0));
    return c;
  }

  static final class Stats {
    final AtomicLong sent = new AtomicLong();
    final AtomicLong received = new AtomicLong();
    final AtomicLong max = new AtomicLong();
    final AtomicLong lateMax = new AtomicLong(); // ns a tick's burst ended after the next was due
    final AtomicLong lateTicks = new AtomicLong(); // ticks whose burst overran the ptime
    final long[] hist = new long[BUCKETS + 1]; // one reader thread per side writes... see reader()

    /** A packet arrived {@code us} after it was sent. */
    void arrived(long us) {
      synchronized (this) {
        hist[(int) Math.min(Math.max(us, 0), BUCKETS)]++;
      }
      received.incrementAndGet();
      max.accumulateAndGet(us, Math::max);
    }
  }

  private static Runnable sender(
      DatagramChannel[] socks,
      InetSocketAddress[] to,
      int k,
      long t0,
      long end,
      Stats st,
      int dir) {
    return () -> {
      ByteBuffer b = ByteBuffer.allocateDirect(SIZE);
      int calls = to.length;
      try {
        for (int tick = 0; ; tick++) {
          long due = t0 + tick * PTIME_MS * 1_000_000L;
          if (due >= end) {
            return;
          }
          long wait = due - System.nanoTime();
          if (wait > 0) {
            LockSupport.parkNanos(wait);
          }
          for (int i = 0; i < calls; i++) {
            b.clear();
            b.put((byte) 0x80).put((byte) 0).putShort((short) tick).putInt(tick * 160);
            b.putInt(i << 1 | dir).putLong(System.nanoTime());
            b.position(SIZE).flip();
            socks[i % k].send(b, to[i]);
            st.sent.incrementAndGet();
          }
          // the generator keeps up if each tick's burst ends before the next tick is due
          long over = System.nanoTime() - (due + PTIME_MS * 1_000_000L);
          if (over > 0) {
            st.lateTicks.incrementAndGet();
            st.lateMax.accumulateAndGet(over, Math::max);
          }
        }
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    };
  }

  private static Runnable reader(DatagramChannel c, Stats st) {
    return () -> {
      ByteBuffer b = ByteBuffer.allocateDirect(2048);
      try {
        while (true) {
          b.clear();
          c.receive(b);
          long now = System.nanoTime();
          if (b.position() < 20) {
            continue;
          }
          st.arrived((now - b.getLong(12)) / 1000);
        }
      } catch (IOException e) {
        // closed at the end of the run
      }
    };
  }

  private static long pct(long[] h, long n, double q) {
    long want = (long) Math.ceil(n * q);
    long seen = 0;
    for (int i = 0; i < h.length; i++) {
      seen += h[i];
      if (seen >= want && want > 0) {
        return i;
      }
    }
    return -1;
  }

  /** Udp RcvbufErrors of the whole machine (/proc/net/snmp). */
  static long rcvbufErrors() throws IOException {
    List<String> l = Files.readAllLines(Path.of("/proc/net/snmp"));
    for (int i = 0; i + 1 < l.size(); i++) {
      if (l.get(i).startsWith("Udp:") && l.get(i + 1).startsWith("Udp:")) {
        List<String> names = List.of(l.get(i).split(" +"));
        return Long.parseLong(l.get(i + 1).split(" +")[names.indexOf("RcvbufErrors")]);
      }
    }
    return -1;
  }

  /**
   * Summed drop counters of the 127.0.0.1 UDP sockets on {@code mine} and on {@code relay} ports.
   */
  static long[] udpDrops(java.util.Set<Integer> mine, java.util.Set<Integer> relay)
      throws IOException {
    long[] d = new long[2];
    for (String line : Files.readAllLines(Path.of("/proc/net/udp"))) {
      String[] f = line.trim().split(" +");
      if (f.length < 13 || !f[1].startsWith("0100007F:")) {
        continue;
      }
      int port = Integer.parseInt(f[1].substring(9), 16);
      long drops = Long.parseLong(f[f.length - 1]);
      if (mine.contains(port)) {
        d[0] += drops;
      } else if (relay.contains(port)) {
        d[1] += drops;
      }
    }
    return d;
  }

  /** utime + stime of a process, in clock ticks (100 per second), from /proc; 0 without a pid. */
  static long cpuTicks(long pid) throws IOException {
    if (pid <= 0) {
      return 0;
    }
    String s = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(f[11]) + Long.parseLong(f[12]); // fields 14 and 15
  }

  /** A blocking ng client on UDP, one request at a time, retried on timeout. */
  static final class NgClient {
    private final DatagramChannel c;
    private final InetSocketAddress server;
    private final String prefix = Long.toHexString(System.nanoTime()) + "-";
    private int cookie;

    NgClient(String hostPort) throws IOException {
      int colon = hostPort.lastIndexOf(':');
      server =
          new InetSocketAddress(
              hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
      c = DatagramChannel.open();
      c.bind(new InetSocketAddress("127.0.0.1", 0));
      c.socket().setSoTimeout(2000);
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> send(Map<String, Object> req) throws IOException {
      String ck = prefix + (cookie++); // unique: rtpengine answers a repeated cookie from its cache
      byte[] body = Bencode.encode(req);
      ByteBuffer out = ByteBuffer.allocate(ck.length() + 1 + body.length);
      out.put(ck.getBytes(StandardCharsets.US_ASCII)).put((byte) ' ').put(body).flip();
      for (int attempt = 0; attempt < 3; attempt++) {
        c.send(out.duplicate(), server);
        byte[] in = new byte[65536];
        java.net.DatagramPacket p = new java.net.DatagramPacket(in, in.length);
        try {
          c.socket().receive(p);
        } catch (java.net.SocketTimeoutException e) {
          continue;
        }
        String text = new String(in, 0, p.getLength(), StandardCharsets.ISO_8859_1);
        int sp = text.indexOf(' ');
        if (!text.substring(0, sp).equals(ck)) {
          continue;
        }
        return (Map<String, Object>) Bencode.decode(in, sp + 1);
      }
      throw new IOException("ng server " + server + " did not answer " + req.get("command"));
    }

    String sdp(Map<String, Object> req) throws IOException {
      Map<String, Object> r = send(req);
      if (!"ok".equals(r.get("result"))) {
        throw new IOException("ng " + req.get("command") + ": " + r);
      }
      return (String) r.get("sdp");
    }
  }
}
