package org.trunkline.server.storage;

import java.net.InetSocketAddress;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trunkline.core.trace.TraceSink;
import org.trunkline.server.config.TracesConfig;
import org.trunkline.stack.TraceTap;
import org.trunkline.stack.Transport;

/**
 * SIP traces in the {@code trace_msg} and {@code trace_link} tables (issue 7). As the stack's
 * {@link TraceTap} and the core's {@link TraceSink} it only queues a reference (never blocks, never
 * throws: event loops call it; a full queue drops and counts); a {@link QueuedWriter} thread parses
 * each message's Call-ID, attaches the trace id it knows and inserts in batches of up to {@value
 * #BATCH}. A retention thread deletes messages older than {@code max-age} and, oldest first, what
 * exceeds {@code max-size}. {@link #find} and {@link #search} block: the API's threads only.
 */
public final class JdbcTraceStore implements TraceTap, TraceSink, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(JdbcTraceStore.class);

  static final int BATCH = 1_000;

  /** The most messages one trace answer holds (the newest). */
  public static final int MAX_MESSAGES = 10_000;

  /** How often retention runs. */
  static final long RETAIN_EVERY_S = 30;

  /** Rows deleted per statement, so that one retention pass never holds a huge transaction. */
  static final int DELETE_CHUNK = 10_000;

  private final DataSource db;
  private final JdbcCdrStore cdrs;
  private final TracesConfig config;
  private final Clock clock;
  private final QueuedWriter<TraceWrites.Item> writer;
  private final ScheduledExecutorService retention;
  private final AtomicLong storedBytes = new AtomicLong();
  private final LongAdder captured = new LongAdder();
  private final LongAdder deleted = new LongAdder();

  JdbcTraceStore(DataSource db, JdbcCdrStore cdrs, TracesConfig config, Clock clock) {
    this(db, cdrs, config, clock, null);
  }

  /**
   * @param slow wraps the batch writer (tests make it slow); null for none
   */
  JdbcTraceStore(
      DataSource db,
      JdbcCdrStore cdrs,
      TracesConfig config,
      Clock clock,
      java.util.function.UnaryOperator<QueuedWriter.Batch<TraceWrites.Item>> slow) {
    this.db = db;
    this.cdrs = cdrs;
    this.config = config;
    this.clock = clock;
    storedBytes.set(sumBytes());
    QueuedWriter.Batch<TraceWrites.Item> batch = new TraceWrites(storedBytes)::write;
    this.writer =
        new QueuedWriter<>(
            "trace",
            db,
            config.queue(),
            BATCH,
            slow == null ? batch : slow.apply(batch),
            TraceWrites::describe);
    this.retention =
        Executors.newSingleThreadScheduledExecutor(r -> {
          Thread t = new Thread(r, "trace-retention");
          t.setDaemon(true);
          return t;
        });
    retention.scheduleWithFixedDelay(
        this::retainQuietly, RETAIN_EVERY_S, RETAIN_EVERY_S, TimeUnit.SECONDS);
  }

  @Override
  public void onMessage(
      Direction dir,
      Transport transport,
      InetSocketAddress local,
      InetSocketAddress remote,
      byte[] buf,
      int off,
      int len,
      long epochMicros) {
    captured.increment();
    writer.offer(
        new TraceWrites.Captured(dir, transport, local, remote, buf, off, len, epochMicros));
  }

  @Override
  public void link(String callId, String correlationId) {
    if (callId != null && correlationId != null) {
      writer.offer(new TraceWrites.Link(callId, correlationId, TraceReads.micros(clock.instant())));
    }
  }

  /**
   * captured, written, dropped (queue full: the writer fell behind), failed (the database refused
   * them), deleted (by retention) and stored_bytes; written, dropped and failed count links too.
   */
  public Map<String, Long> counters() {
    Map<String, Long> m = new LinkedHashMap<>();
    m.put("captured", captured.sum());
    m.put("written", writer.written());
    m.put("dropped", writer.refused());
    m.put("failed", writer.failed());
    m.put("deleted", deleted.sum());
    m.put("stored_bytes", storedBytes.get());
    return m;
  }

  /**
   * The trace {@code id} names (a call id, either leg's Call-ID, {@code trunk:NAME}), or empty.
   *
   * @throws DatabaseException one line naming what failed
   */
  public Optional<Trace> find(String id) throws DatabaseException {
    try (Connection c = db.getConnection()) {
      Optional<TraceReads.Resolved> r = TraceReads.resolve(c, id);
      if (r.isEmpty()) {
        return Optional.empty();
      }
      Trace t = TraceReads.messages(c, r.get(), MAX_MESSAGES);
      // Links outlive their messages until retention's next pass.
      return t.messages().isEmpty() ? Optional.empty() : Optional.of(t);
    } catch (SQLException e) {
      throw new DatabaseException("cannot read trace " + id + ": " + line(e), e);
    }
  }

  /**
   * The traces {@code q} asks for, newest first.
   *
   * @throws DatabaseException one line naming what failed
   */
  public List<TraceSummary> search(TraceQuery q) throws DatabaseException {
    try (Connection c = db.getConnection()) {
      return TraceReads.search(c, q, cdrs);
    } catch (SQLException e) {
      throw new DatabaseException("cannot search traces: " + line(e), e);
    }
  }

  /**
   * Deletes what is older than {@code max-age}, then the oldest messages while the stored bytes
   * exceed {@code max-size} (down to 90% of it, so that it does not run on every pass).
   *
   * @return messages deleted
   */
  long retain() throws SQLException {
    long cutoff = TraceReads.micros(clock.instant().minus(config.maxAge()));
    long n = 0;
    try (Connection c = db.getConnection()) {
      c.setAutoCommit(true);
      n += deleteOlder(c, "trace_msg", cutoff, true);
      deleteOlder(c, "trace_link", cutoff, false);
      if (storedBytes.get() > config.maxBytes()) {
        storedBytes.set(sumBytes(c));
      }
      while (storedBytes.get() > config.maxBytes()) {
        long excess = storedBytes.get() - config.maxBytes() * 9 / 10;
        long upTo = -1;
        long freed = 0;
        int rows = 0;
        try (PreparedStatement s =
            c.prepareStatement("SELECT seq, size FROM trace_msg ORDER BY seq")) {
          s.setMaxRows(DELETE_CHUNK);
          try (ResultSet rs = s.executeQuery()) {
            while (rs.next() && freed < excess) {
              upTo = rs.getLong(1);
              freed += rs.getInt(2);
              rows++;
            }
          }
        }
        if (rows == 0) {
          storedBytes.set(0);
          break;
        }
        try (PreparedStatement d = c.prepareStatement("DELETE FROM trace_msg WHERE seq <= ?")) {
          d.setLong(1, upTo);
          n += d.executeUpdate();
        }
        storedBytes.addAndGet(-freed);
      }
      // Links older than every message left link nothing any more.
      try (PreparedStatement s = c.prepareStatement("SELECT MIN(at_us) FROM trace_msg");
          ResultSet rs = s.executeQuery()) {
        if (rs.next() && rs.getObject(1) != null) {
          deleteOlder(c, "trace_link", rs.getLong(1) - 60_000_000L, false);
        }
      }
    }
    deleted.add(n);
    return n;
  }

  private long deleteOlder(Connection c, String table, long cutoff, boolean countBytes)
      throws SQLException {
    long n = 0;
    while (true) {
      long freed = 0;
      if (countBytes) {
        try (PreparedStatement s =
            c.prepareStatement(
                "SELECT COALESCE(SUM(size), 0) FROM (SELECT size FROM trace_msg WHERE at_us < ?"
                    + " ORDER BY at_us LIMIT "
                    + DELETE_CHUNK
                    + ") t")) {
          s.setLong(1, cutoff);
          try (ResultSet rs = s.executeQuery()) {
            rs.next();
            freed = rs.getLong(1);
          }
        }
      }
      int d;
      try (PreparedStatement s =
          c.prepareStatement(
              "DELETE FROM "
                  + table
                  + " WHERE at_us IN (SELECT at_us FROM "
                  + table
                  + " WHERE at_us < ? ORDER BY at_us LIMIT "
                  + DELETE_CHUNK
                  + ")")) {
        s.setLong(1, cutoff);
        d = s.executeUpdate();
      }
      storedBytes.addAndGet(-freed);
      n += d;
      if (d < DELETE_CHUNK) {
        return n;
      }
    }
  }

  private void retainQuietly() {
    try {
      long n = retain();
      if (n > 0) {
        LOG.info("trace retention deleted {} messages ({} bytes kept)", n, storedBytes.get());
      }
    } catch (SQLException | RuntimeException e) {
      LOG.warn("trace retention failed: {}", line(e));
    }
  }

  private long sumBytes() {
    try (Connection c = db.getConnection()) {
      return sumBytes(c);
    } catch (SQLException e) {
      LOG.warn("cannot size the stored traces: {}", line(e));
      return 0;
    }
  }

  private static long sumBytes(Connection c) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT COALESCE(SUM(size), 0) FROM trace_msg");
        ResultSet rs = s.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static String line(Exception e) {
    String m = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    int newline = m.indexOf('\n');
    return (newline >= 0 ? m.substring(0, newline) : m).strip();
  }

  /** Writes what is queued (at most 10 s), then stops the writer and retention. Idempotent. */
  @Override
  public void close() {
    retention.shutdownNow();
    writer.close();
  }
}
