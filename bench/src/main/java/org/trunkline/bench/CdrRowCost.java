package org.trunkline.bench;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.locks.LockSupport;
import org.trunkline.core.call.Cdr;
import org.trunkline.server.config.DatabaseConfig;
import org.trunkline.server.storage.CdrQuery;
import org.trunkline.server.storage.Database;
import org.trunkline.server.storage.JdbcCdrStore;

/**
 * CPU per CDR row written into a file H2 database the way the server writes it ({@link
 * Database#open}, {@link JdbcCdrStore#write} and its writer thread), and how fast the API's
 * searches answer on that table afterwards. Not JMH: the cost sits on the writer thread and H2's
 * background threads, so it is the process CPU time over a paced stream of rows.
 *
 * <pre>
 * java -cp [trunkline.jar:]benchmarks.jar org.trunkline.bench.CdrRowCost \
 *     DIR PRELOAD ROWS RATE [numbers=bench|random] [hold=MS] [sql=FILE] [url=;X=Y] [queries=0]
 *     [skip=NAME,...]
 * </pre>
 *
 * Uses only the server's public API, so that with an older {@code trunkline.jar} first on the class
 * path it measures that jar's schema and writer (A/B). {@code PRELOAD} rows are written first as
 * fast as the writer takes them (not measured), then {@code ROWS} at {@code RATE} per second (0: as
 * fast as possible), measured. {@code sql=FILE} runs the file's statements (one per line) after the
 * migration, to try a schema variant. A {@code DIR} that already holds rows (an earlier run's) is
 * kept: the generator skips as many rows, so the searches find theirs, and {@code sql=} is not run
 * again. {@code ROWS} 0: only the searches; {@code queries=0}: no searches; {@code skip=} the
 * searches whose name contains one of these (those that take minutes on an older schema). {@code
 * hold=MS}: each call lasted a random 0 to MS milliseconds, so rows (written when calls end) come
 * in an order of start that is not theirs, as in a server whose calls last minutes (default 0: in
 * order, as the calls bench's calls of no duration).
 */
public final class CdrRowCost {
  private CdrRowCost() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    int preload = Integer.parseInt(args[1]);
    int rows = Integer.parseInt(args[2]);
    int rate = Integer.parseInt(args[3]);
    Map<String, String> opt = new TreeMap<>();
    for (int i = 4; i < args.length; i++) {
      int eq = args[i].indexOf('=');
      opt.put(args[i].substring(0, eq), args[i].substring(eq + 1));
    }
    List<String> skip = opt.containsKey("skip") ? List.of(opt.get("skip").split(",")) : List.of();
    boolean randomNumbers = "random".equals(opt.getOrDefault("numbers", "bench"));
    Files.createDirectories(dir);
    String url =
        "jdbc:h2:file:" + dir.toAbsolutePath() + "/trunkline" + opt.getOrDefault("url", "");
    try (Database db = Database.open(new DatabaseConfig(url, null, null, 4))) {
      long existing = count(db);
      if (opt.containsKey("sql") && existing == 0) {
        try (Connection c = db.dataSource().getConnection();
            Statement s = c.createStatement()) {
          for (String line : Files.readAllLines(Path.of(opt.get("sql")))) {
            if (!line.isBlank() && !line.startsWith("--")) {
              s.execute(line);
            }
          }
        }
      }
      JdbcCdrStore store = db.cdrStore();
      Rows gen = new Rows(randomNumbers, Long.parseLong(opt.getOrDefault("hold", "0")));
      for (long i = 0; i < existing; i++) {
        gen.next(); // a database kept from an earlier run: its rows, so the queries find them
      }
      long t0 = System.nanoTime();
      for (int i = 0; i < preload; i++) {
        Cdr cdr = gen.next(); // the same row again while the queue is full
        while (!offer(store, cdr)) {
          LockSupport.parkNanos(1_000_000);
        }
      }
      awaitWritten(store, preload);
      System.out.printf("%,d rows there, ", existing);
      System.out.printf("preloaded %,d rows in %.1f s%n", preload, (System.nanoTime() - t0) / 1e9);
      LockSupport.parkNanos(1_500_000_000L); // H2's background store of the preload settles
      boolean queries = !"0".equals(opt.get("queries"));
      if (rows == 0) {
        if (queries) {
          queries(store, gen, skip);
        }
        return;
      }

      OperatingSystemMXBean os =
          (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
      Map<String, Long> threads0 = threadCpu();
      Map<String, Long> bytes0 = threadBytes();
      long cpu0 = os.getProcessCpuTime();
      long start = System.nanoTime();
      for (int i = 0; i < rows; i++) {
        if (rate > 0) {
          long due = start + (long) i * 1_000_000_000L / rate;
          long wait = due - System.nanoTime();
          if (wait > 0) {
            LockSupport.parkNanos(wait);
          }
        }
        Cdr cdr = gen.next(); // the same row again while the queue is full
        while (!offer(store, cdr)) {
          LockSupport.parkNanos(1_000_000);
        }
      }
      awaitWritten(store, preload + rows);
      // Let H2 store what it holds dirty (its write delay is 0.5 s), so that it is counted too.
      LockSupport.parkNanos(1_500_000_000L);
      long cpu = os.getProcessCpuTime() - cpu0;
      double wall = (System.nanoTime() - start) / 1e9;
      Map<String, Long> threads = threadCpu();
      Map<String, Long> bytes = threadBytes();
      System.out.printf(
          "rows %,d at %s/s after %,d: %.1f us CPU per row (process), wall %.1f s, failed %d%n",
          rows,
          rate == 0 ? "max" : rate,
          preload,
          cpu / 1e3 / rows,
          wall,
          store.failed() + store.dropped());
      threads.forEach((name, ns) -> {
        long d = ns - threads0.getOrDefault(name, 0L);
        if (d > cpu / 100) {
          long b = bytes.getOrDefault(name, 0L) - bytes0.getOrDefault(name, 0L);
          System.out.printf(
              "  thread %-24s %6.1f us/row %8.0f B/row%n", name, d / 1e3 / rows, (double) b / rows);
        }
      });
      if (queries) {
        queries(store, gen, skip);
      }
    }
  }

  private static long count(Database db) throws Exception {
    try (Connection c = db.dataSource().getConnection();
        Statement s = c.createStatement();
        java.sql.ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM cdr")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static boolean offer(JdbcCdrStore store, Cdr cdr) {
    long before = store.dropped();
    store.write(cdr);
    return store.dropped() == before;
  }

  private static void awaitWritten(JdbcCdrStore store, long n) {
    while (store.written() + store.failed() < n) {
      LockSupport.parkNanos(5_000_000);
    }
  }

  /** CPU time per thread name (digits folded, so pool threads add up). */
  private static Map<String, Long> threadCpu() {
    ThreadMXBean t = ManagementFactory.getThreadMXBean();
    Map<String, Long> out = new TreeMap<>();
    for (ThreadInfo i : t.getThreadInfo(t.getAllThreadIds())) {
      if (i != null) {
        long ns = t.getThreadCpuTime(i.getThreadId());
        if (ns > 0) {
          out.merge(i.getThreadName().replaceAll("[0-9]+", "#"), ns, Long::sum);
        }
      }
    }
    return out;
  }

  /** Bytes allocated per thread name (digits folded, as {@link #threadCpu}). */
  private static Map<String, Long> threadBytes() {
    var t = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    Map<String, Long> out = new TreeMap<>();
    for (ThreadInfo i : t.getThreadInfo(t.getAllThreadIds())) {
      if (i != null) {
        long b = t.getThreadAllocatedBytes(i.getThreadId());
        if (b > 0) {
          out.merge(i.getThreadName().replaceAll("[0-9]+", "#"), b, Long::sum);
        }
      }
    }
    return out;
  }

  /**
   * The API's searches on the table as written (trunks "rare-0".."rare-4" come in on one row in
   * {@value Rows#RARE} each, in turn): the median of 5 runs each, in ms, each run with another key
   * (H2 answers a repeated query from its last result).
   */
  private static void queries(JdbcCdrStore store, Rows gen, List<String> skip) throws Exception {
    int n = gen.count;
    List<String> names = new ArrayList<>();
    List<java.util.function.IntFunction<CdrQuery>> cases = new ArrayList<>();
    names.add("newest 100");
    cases.add(r -> new CdrQuery(null, gen.t0.plusSeconds(n - r), null, null, null, null, 100));
    // without a key: a time range, a status (one row in 1,000 ended with 503)
    names.add("1/10 of the time, 100");
    cases.add(r -> {
      Instant since = gen.t0.plusMillis(n / 2 * 9 / 20 + r);
      return new CdrQuery(since, since.plusMillis(n / 20), null, null, null, null, 100);
    });
    names.add("2,000 rows' time, 1,000");
    cases.add(r -> {
      Instant since = gen.t0.plusMillis(n / 2 * 9 / 20 + r);
      return new CdrQuery(since, since.plusMillis(1_000), null, null, null, null, 1_000);
    });
    names.add("status 5xx, newest 100");
    cases.add(r -> new CdrQuery(null, gen.t0.plusSeconds(n - r), null, null, null, FAILED, 100));
    names.add("status 5xx, 1/10 of the time, 100");
    cases.add(r -> {
      Instant since = gen.t0.plusMillis(n / 2 * 9 / 20 + r);
      return new CdrQuery(since, since.plusMillis(n / 20), null, null, null, FAILED, 100);
    });
    names.add("by Call-ID (A-leg)");
    cases.add(r -> callId(gen.aCallId(n / 3 + 7 * r)));
    names.add("by Call-ID (B-leg)");
    cases.add(r -> callId(gen.bCallId(n / 2 + 7 * r)));
    if (gen.randomNumbers) { // with the bench's numbers every row matches
      // the calls of a tenth of the time the rows span, in the middle
      Instant since = gen.t0.plusMillis(n / 2 * 9 / 20);
      Instant until = since.plusMillis(n / 20);
      for (int len : new int[] {0, 10, 7, 4}) {
        String what = len == 0 ? "full number" : len + "-char prefix";
        names.add("by " + what);
        cases.add(r -> number(cut(gen.caller(n / 4 + 7 * r), len), null, null));
        names.add("by " + what + ", 1/10 of the time");
        cases.add(r -> number(cut(gen.caller(n / 4 + 7 * r), len), since, until));
      }
    }
    names.add("by trunk, newest 100");
    cases.add(
        r -> new CdrQuery(null, gen.t0.plusSeconds(n - r), "sipp-caller", null, null, null, 100));
    // one row in RARE comes in on its own trunk: a search for it must not read every row
    names.add("by rare trunk, newest 100");
    cases.add(
        r -> new CdrQuery(null, gen.t0.plusSeconds(n - r), "rare-" + r, null, null, null, 100));
    names.add("by trunk, 1/10 of the time, 100");
    cases.add(r -> {
      Instant since = gen.t0.plusMillis(n / 2 * 9 / 20 + r);
      return new CdrQuery(since, since.plusMillis(n / 20), "sipp-callee", null, null, null, 100);
    });
    for (int k = 0; k < cases.size(); k++) {
      String name = names.get(k);
      if (skip.stream().anyMatch(name::contains)) {
        System.out.printf("  query %-40s skipped%n", name);
        continue;
      }
      double[] ms = new double[5];
      int found = 0;
      for (int r = 0; r < ms.length; r++) {
        CdrQuery q = cases.get(k).apply(r);
        long t = System.nanoTime();
        found = store.find(q).size();
        ms[r] = (System.nanoTime() - t) / 1e6;
      }
      Arrays.sort(ms);
      System.out.printf(
          "  query %-40s %8.2f ms median, %8.2f max (found %d)%n",
          names.get(k), ms[ms.length / 2], ms[ms.length - 1], found);
    }
  }

  private static final CdrQuery.StatusFilter FAILED = CdrQuery.StatusFilter.parse("5xx");

  private static CdrQuery callId(String id) {
    return new CdrQuery(null, null, null, null, id, null, 100);
  }

  private static CdrQuery number(String n, Instant since, Instant until) {
    return new CdrQuery(since, until, null, n, null, null, 100);
  }

  private static String cut(String number, int len) {
    return len == 0 ? number : number.substring(0, len);
  }

  /** Rows like the calls bench's (SIPp numbers and Call-IDs) or with random E.164 numbers. */
  private static final class Rows {
    static final int RARE = 10_000;
    final boolean randomNumbers;
    private final SplittableRandom random = new SplittableRandom(42);
    final Instant t0 = Instant.parse("2026-11-27T00:00:00Z");
    int count;

    private final long holdMs;
    private final SplittableRandom durations = new SplittableRandom(43);

    Rows(boolean randomNumbers, long holdMs) {
      this.randomNumbers = randomNumbers;
      this.holdMs = holdMs;
    }

    String aCallId(int i) {
      return (i + 1) + "-4242@127.0.0.1";
    }

    String bCallId(int i) {
      return Long.toString(new SplittableRandom(i).nextLong() >>> 1, 36) + "@trunkline";
    }

    String caller(int i) {
      return randomNumbers
          ? "+7495" + (1_000_000 + new SplittableRandom(i).nextInt(9_000_000))
          : "sipp";
    }

    Cdr next() {
      int i = count++;
      // written as calls end: with hold, a row started up to holdMs before its place in that order
      Instant start = t0.plusMillis(i / 2 - (holdMs > 0 ? durations.nextLong(holdMs) : 0));
      String called = randomNumbers ? "+4930" + (1_000_000 + random.nextInt(9_000_000)) : "service";
      return new Cdr(
          Long.toString(random.nextLong() >>> 1, 36),
          i % RARE == RARE / 2 ? "rare-" + (i / RARE % 5) : "sipp-caller",
          "sipp-callee",
          caller(i),
          called,
          aCallId(i),
          bCallId(i),
          start,
          start.plusMillis(2),
          start.plusMillis(4),
          i % 1000 == 0 ? 503 : 200,
          "BYE from caller",
          "sipp-callee: 200",
          caller(i),
          called,
          called,
          start.plusMillis(1),
          16,
          "caller");
    }
  }
}
