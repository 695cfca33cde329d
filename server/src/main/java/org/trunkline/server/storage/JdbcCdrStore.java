package org.trunkline.server.storage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import javax.sql.DataSource;
import org.trunkline.core.call.Cdr;
import org.trunkline.core.call.CdrMedia;
import org.trunkline.core.call.CdrSink;

/**
 * CDRs in the {@code cdr} table. {@link #write} queues (never blocks, never throws: event loops
 * call it) to a {@link QueuedWriter} that inserts up to {@value #BATCH} per transaction; {@link
 * #close} writes what is queued. {@link #find} reads, blocking: call it from the API's threads,
 * never from an event loop. Every search goes through the block summaries of {@link CdrBlocks}: by
 * id, Call-ID, number (schema version 9) or trunk (version 10) their filters, by time (version 11,
 * which dropped the start index) their ranges of start.
 */
public final class JdbcCdrStore implements CdrSink, AutoCloseable {
  /** A minute of 1,000 calls per second can wait while the database is slow. */
  static final int QUEUE = 60_000;

  static final int BATCH = 500;

  /**
   * How long the CDR writer lets rows gather before a batch: twice {@link
   * QueuedWriter#FLUSH_INTERVAL}, so each batch's fixed work (its statements, the open block's
   * summary row rewritten, the commit) is spread over twice the rows. The {@code kill -9} bound is
   * this plus H2's {@code WRITE_DELAY} (500 ms by default) until a commit is in the file: under the
   * second that ARCHITECTURE.md allows ({@code CdrKillIT} kills the server a second after the last
   * call ended).
   */
  static final Duration FLUSH_INTERVAL = Duration.ofMillis(400);

  private static final String COLUMNS =
      "id, from_trunk, to_trunk, caller, called, a_call_id, b_call_id, start_at, answer_at,"
          + " end_at, status, reason, attempts, caller_dialed, called_dialed, called_sent,"
          + " ringing_at, cause, hangup, media_caller_packets, media_caller_lost,"
          + " media_caller_jitter_ms, media_caller_mos, media_callee_packets, media_callee_lost,"
          + " media_callee_jitter_ms, media_callee_mos, media_one_way, media_dtmf, media_recording,"
          + " media_caller_duplicates, media_caller_late, media_callee_duplicates, media_callee_late";

  /** Parameters of one row in {@link #insert(int)}: one per column of {@link #COLUMNS}. */
  static final int ROW_PARAMETERS = COLUMNS.split(",").length;

  /**
   * Rows per INSERT statement, largest first: a batch goes out as few statements of these sizes as
   * add up to it (200 rows: 3 x 64 + 2 x 4). One statement of many rows, rather than a JDBC batch
   * of one-row executions, saves H2 a command execution, a generated-keys result and their merge
   * per row (bench/RESULTS.md, stop 19, branch cdr12); a few fixed sizes keep each statement's SQL
   * the same from batch to batch, so H2's per-session cache parses it once.
   */
  static final int[] ROWS_PER_INSERT = {64, 16, 4, 1};

  private static final String[] INSERTS = new String[ROWS_PER_INSERT[0] + 1];

  static {
    for (int n : ROWS_PER_INSERT) {
      INSERTS[n] = insert(n);
    }
  }

  /** {@code INSERT INTO cdr (...) VALUES (?, ...), ...} for {@code rows} rows. */
  static String insert(int rows) {
    String row = "(?" + ", ?".repeat(ROW_PARAMETERS - 1) + ")";
    StringBuilder sql = new StringBuilder("INSERT INTO cdr (").append(COLUMNS).append(") VALUES ");
    for (int r = 0; r < rows; r++) {
      sql.append(r == 0 ? "" : ", ").append(row);
    }
    return sql.toString();
  }

  /**
   * How many buckets the ids and Call-IDs were spread over (schema version 8, {@link
   * CdrCallBuckets}); version 9 finds them through {@link CdrBlocks} instead.
   */
  static final int BUCKETS = 128;

  private final DataSource db;
  private final QueuedWriter<Cdr> writer;
  private final CdrBlocks blocks = new CdrBlocks(); // the writer thread's open block

  /** Blocks and rows in them that searches by key read (for tests and benchmarks). */
  private final LongAdder blocksRead = new LongAdder();

  private final LongAdder blockRowsRead = new LongAdder();

  JdbcCdrStore(DataSource db) {
    this.db = db;
    this.writer =
        new QueuedWriter<>("CDR", db, QUEUE, BATCH, this::insert, c -> describe(c), FLUSH_INTERVAL);
  }

  /** Queues {@code cdr} for the writer thread; a full queue drops it and logs. */
  @Override
  public void write(Cdr cdr) {
    writer.offer(cdr);
  }

  /** CDRs written, failed and dropped (queue full or closed) since start. */
  public long written() {
    return writer.written();
  }

  public long failed() {
    return writer.failed();
  }

  public long dropped() {
    return writer.refused();
  }

  private static String describe(Cdr cdr) {
    return "CDR " + cdr.id() + " of Call-ID " + cdr.aCallId();
  }

  /** Blocks whose rows searches by key read since start, and how many rows their ranges span. */
  long blocksRead() {
    return blocksRead.sum();
  }

  long blockRowsRead() {
    return blockRowsRead.sum();
  }

  /** The rows, then their block's summary ({@link CdrBlocks}), in the writer's transaction. */
  private void insert(Connection c, List<Cdr> cdrs) throws SQLException {
    String[] key = {seqKey(c)};
    int done = 0;
    for (int n : ROWS_PER_INSERT) {
      if (cdrs.size() - done < n) {
        continue;
      }
      try (PreparedStatement i = c.prepareStatement(INSERTS[n], key)) {
        while (cdrs.size() - done >= n) {
          List<Cdr> rows = cdrs.subList(done, done + n);
          bindRows(i, rows);
          i.executeUpdate();
          summarize(c, i, rows);
          done += n;
        }
      }
    }
    blocks.store(c);
  }

  /**
   * The parameters of {@code rows}, one statement's worth. Its own method so that no loop of {@link
   * #insert(Connection, List)} runs once per row: with the binding loop inside it, that loop's
   * count made the JIT compile {@code insert} on the stack (OSR) with H2's whole statement
   * execution, the block summaries and 34 setters inlined into one ~100 KB unit — 0.67 s of C2
   * once, then 0.36 s more for its normal entry, both in the first minutes of a fresh server's
   * traffic (a JFR recording through bench/calls' checker procedure, stop 21). Here the per-row
   * loop compiles alone, and {@code insert}, reached a few times a batch, stays small.
   */
  private static void bindRows(PreparedStatement i, List<Cdr> rows) throws SQLException {
    for (int r = 0; r < rows.size(); r++) {
      bind(i, r * ROW_PARAMETERS, rows.get(r));
    }
  }

  /** The row of {@code cdr} into parameters {@code offset + 1} to {@code offset + 34}. */
  private static void bind(PreparedStatement i, int offset, Cdr cdr) throws SQLException {
    i.setString(offset + 1, cut(cdr.id(), 32));
    i.setString(offset + 2, cut(cdr.fromTrunk(), 64));
    i.setString(offset + 3, cut(cdr.toTrunk(), 64));
    i.setString(offset + 4, cut(cdr.caller(), 128));
    i.setString(offset + 5, cut(cdr.called(), 128));
    i.setString(offset + 6, cut(cdr.aCallId(), 256));
    i.setString(offset + 7, cut(cdr.bCallId(), 256));
    i.setObject(offset + 8, at(cdr.start()));
    i.setObject(offset + 9, at(cdr.answer()));
    i.setObject(offset + 10, at(cdr.end()));
    i.setInt(offset + 11, cdr.status());
    i.setString(offset + 12, cut(cdr.reason(), 256));
    i.setString(offset + 13, cut(cdr.attempts(), 1024));
    i.setString(offset + 14, cut(cdr.callerDialed(), 128));
    i.setString(offset + 15, cut(cdr.calledDialed(), 128));
    i.setString(offset + 16, cut(cdr.calledSent(), 128));
    i.setObject(offset + 17, at(cdr.ringing()));
    i.setInt(offset + 18, cdr.cause());
    i.setString(offset + 19, cut(cdr.hangup(), 16));
    media(i, offset + 20, cdr.media());
  }

  /**
   * Adds the rows {@code i} just inserted to the open block, by the seqs the database gave them.
   */
  private void summarize(Connection c, PreparedStatement i, List<Cdr> rows) throws SQLException {
    try (ResultSet keys = i.getGeneratedKeys()) {
      for (Cdr cdr : rows) {
        if (!keys.next()) {
          throw new SQLException("fewer generated seqs than CDRs inserted");
        }
        if (blocks.wouldClose()) {
          blocks.store(c);
        }
        blocks.add(
            keys.getLong(1),
            cut(cdr.id(), 32),
            cut(cdr.aCallId(), 256),
            cut(cdr.bCallId(), 256),
            cut(cdr.caller(), 128),
            cut(cdr.called(), 128),
            cut(cdr.callerDialed(), 128),
            cut(cdr.calledDialed(), 128),
            cut(cdr.fromTrunk(), 64),
            cut(cdr.toTrunk(), 64),
            cdr.start());
      }
    }
  }

  private static String seqKey(Connection c) throws SQLException {
    return CdrBlocks.key(c).equals("id") ? "seq" : "SEQ";
  }

  /** The SQL types of the media columns, in order: what a call whose media passed through binds. */
  private static final int[] MEDIA_TYPES = {
    Types.BIGINT,
    Types.BIGINT,
    Types.DOUBLE,
    Types.DOUBLE, // caller: packets, lost, jitter, MOS
    Types.BIGINT,
    Types.BIGINT,
    Types.DOUBLE,
    Types.DOUBLE, // callee
    Types.VARCHAR,
    Types.VARCHAR,
    Types.VARCHAR, // one way, DTMF, recording
    Types.BIGINT,
    Types.BIGINT,
    Types.BIGINT,
    Types.BIGINT // duplicates and late, caller then callee
  };

  /** The media columns from {@code first} on: all null for a call whose media passed through. */
  private static void media(PreparedStatement i, int first, CdrMedia m) throws SQLException {
    if (m == null) {
      // most calls (media not anchored): no arrays of directions, no boxed values per row
      for (int k = 0; k < MEDIA_TYPES.length; k++) {
        i.setNull(first + k, MEDIA_TYPES[k]);
      }
      return;
    }
    int c = first;
    for (CdrMedia.Direction d : new CdrMedia.Direction[] {m.caller(), m.callee()}) {
      i.setObject(c++, d == null ? null : d.packets(), Types.BIGINT);
      i.setObject(c++, d == null ? null : d.lost(), Types.BIGINT);
      i.setObject(c++, d == null ? null : d.jitterMs(), Types.DOUBLE);
      i.setObject(c++, d == null ? null : d.mos(), Types.DOUBLE);
    }
    i.setObject(c++, cut(m.oneWay(), 16), Types.VARCHAR);
    i.setObject(c++, cut(m.dtmf(), 256), Types.VARCHAR);
    i.setObject(c++, cut(m.recording(), 1024), Types.VARCHAR);
    for (CdrMedia.Direction d : new CdrMedia.Direction[] {m.caller(), m.callee()}) {
      i.setObject(c++, d == null ? null : d.duplicates(), Types.BIGINT);
      i.setObject(c++, d == null ? null : d.late(), Types.BIGINT);
    }
  }

  /** The media columns from {@code first} on, null when the packets column is. */
  private static CdrMedia media(ResultSet rs, int first) throws SQLException {
    if (rs.getObject(first) == null) {
      return null;
    }
    CdrMedia.Direction[] d = new CdrMedia.Direction[2];
    for (int k = 0; k < 2; k++) {
      int c = first + 4 * k;
      int more = first + 11 + 2 * k; // duplicates and late, after the recording (V7)
      d[k] =
          new CdrMedia.Direction(
              rs.getLong(c),
              rs.getLong(c + 1),
              rs.getDouble(c + 2),
              rs.getDouble(c + 3),
              rs.getLong(more),
              rs.getLong(more + 1));
    }
    return new CdrMedia(
        d[0],
        d[1],
        nonNull(rs.getString(first + 8)),
        nonNull(rs.getString(first + 9)),
        nonNull(rs.getString(first + 10)));
  }

  private static String nonNull(String s) {
    return s == null ? "" : s;
  }

  /**
   * The bucket of an id or Call-ID as stored (schema version 8 only) (already cut to its column):
   * 0..{@value #BUCKETS}-1, from {@link String#hashCode} (which the JLS fixes, so every node and
   * version agrees), its bits mixed so that keys differing only at the end spread too.
   */
  static int bucket(String key) {
    return (key.hashCode() * 0x9E3779B9) >>> (32 - Integer.numberOfTrailingZeros(BUCKETS));
  }

  /** Null as "", and what does not fit its column cut to fit: a CDR is never refused for size. */
  private static String cut(String s, int max) {
    if (s == null) {
      return "";
    }
    return s.length() <= max ? s : s.substring(0, max);
  }

  private static OffsetDateTime at(Instant t) {
    return t == null ? null : t.atOffset(ZoneOffset.UTC);
  }

  private static Instant instant(ResultSet rs, int column) throws SQLException {
    OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
    return t == null ? null : t.toInstant();
  }

  /**
   * The CDRs {@code q} asks for, newest first (by start, then by the order they were written).
   *
   * @throws DatabaseException one line naming what failed
   */
  public List<Cdr> find(CdrQuery q) throws DatabaseException {
    try (Connection c = db.getConnection()) {
      List<Long> probes = new ArrayList<>();
      if (q.callId() != null) {
        probes.add(CdrFilter.probe(CdrFilter.CALL_ID, q.callId()));
      }
      if (q.number() != null) {
        probes.add(CdrFilter.probe(CdrFilter.NUMBER, q.number()));
      }
      long trunk = q.trunk() == null ? 0 : CdrFilter.probe(CdrFilter.TRUNK, q.trunk());
      List<Object> args = new ArrayList<>();
      StringBuilder where = new StringBuilder();
      where(q, where, args);
      return inBlocks(c, q.since(), q.until(), probes, trunk, where.toString(), args, q.limit());
    } catch (SQLException e) {
      String m = e.getMessage() != null ? e.getMessage().lines().findFirst().orElse("") : "";
      throw new DatabaseException("cannot read CDRs: " + m.strip(), e);
    }
  }

  /** The SELECT of one block's rows: its range of seq, then {@code where}. */
  static final String IN_BLOCK = "SELECT " + COLUMNS + ", seq FROM cdr WHERE seq BETWEEN ? AND ?";

  /**
   * The newest {@code limit} rows that match {@code where} among the blocks that may hold every
   * hash of {@code probes} and {@code trunk} (0: any trunk): the blocks newest first, each block's
   * rows by its range of seq, until no block left can hold a row newer than the {@code limit}-th
   * found.
   */
  private List<Cdr> inBlocks(
      Connection c,
      Instant since,
      Instant until,
      List<Long> probes,
      long trunk,
      String where,
      List<Object> args,
      int limit)
      throws SQLException {
    // one snapshot for every statement (find's and a trace's byId alike): the summaries are read a
    // chunk at a time, newest first, and the writer's open block moves up the index as it grows,
    // past the chunks already read (the pool resets both settings)
    c.setAutoCommit(false);
    c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
    try {
      return readBlocks(c, since, until, probes, trunk, where, args, limit);
    } finally {
      c.rollback();
    }
  }

  /** {@link #inBlocks} inside its snapshot. */
  private List<Cdr> readBlocks(
      Connection c,
      Instant since,
      Instant until,
      List<Long> probes,
      long trunk,
      String where,
      List<Object> args,
      int limit)
      throws SQLException {
    long[] p = probes.stream().mapToLong(Long::longValue).toArray();
    CdrBlocks.Candidates candidates = CdrBlocks.candidates(c, since, until, p, trunk);
    Map<Long, Cdr> found = new HashMap<>();
    List<Long> newest = new ArrayList<>(); // seqs of found, newest first, at most limit
    Comparator<Long> order =
        Comparator.<Long, Instant>comparing(seq -> found.get(seq).start())
            .thenComparing(seq -> seq)
            .reversed();
    try (PreparedStatement s = c.prepareStatement(IN_BLOCK + where)) {
      for (CdrBlocks.Block b = candidates.next(); b != null; b = candidates.next()) {
        if (newest.size() >= limit
            && b.maxStart().isBefore(found.get(newest.get(limit - 1)).start())) {
          break; // every later block started its calls before the limit-th found
        }
        blocksRead.increment();
        blockRowsRead.add(b.last() - b.first() + 1);
        s.setLong(1, b.first());
        s.setLong(2, b.last());
        for (int i = 0; i < args.size(); i++) {
          s.setObject(i + 3, args.get(i));
        }
        try (ResultSet rs = s.executeQuery()) {
          while (rs.next()) {
            long seq = rs.getLong(35);
            if (found.putIfAbsent(seq, row(rs)) == null) {
              newest.add(seq);
            }
          }
        }
        newest.sort(order);
        while (newest.size() > limit) {
          found.remove(newest.removeLast());
        }
      }
    }
    List<Cdr> out = new ArrayList<>(newest.size());
    for (long seq : newest) {
      out.add(found.get(seq));
    }
    return out;
  }

  /** The conditions of {@code q}, each {@code " AND ..."}, and their values. */
  private static void where(CdrQuery q, StringBuilder sql, List<Object> args) {
    if (q.since() != null) {
      sql.append(" AND start_at >= ?");
      args.add(at(q.since()));
    }
    if (q.until() != null) {
      sql.append(" AND start_at < ?");
      args.add(at(q.until()));
    }
    if (q.trunk() != null) {
      sql.append(" AND (from_trunk = ? OR to_trunk = ?)");
      args.add(q.trunk());
      args.add(q.trunk());
    }
    if (q.number() != null) {
      // either form of either number: after numbering (E.164) or as the trunk sent it
      sql.append(" AND (caller LIKE ? ESCAPE '!' OR called LIKE ? ESCAPE '!'")
          .append(" OR caller_dialed LIKE ? ESCAPE '!' OR called_dialed LIKE ? ESCAPE '!')");
      String prefix = likePrefix(q.number());
      for (int i = 0; i < 4; i++) {
        args.add(prefix);
      }
    }
    if (q.callId() != null) {
      sql.append(" AND (a_call_id = ? OR b_call_id = ?)");
      args.add(q.callId());
      args.add(q.callId());
    }
    if (q.status() != null) {
      sql.append(" AND status BETWEEN ? AND ?");
      args.add(q.status().from());
      args.add(q.status().to());
    }
  }

  /**
   * The CDR with id {@code id} on {@code c} (the newest, were there two), or null; read in a
   * snapshot of its own, which leaves {@code c} with autocommit off.
   */
  Cdr byId(Connection c, String id) throws SQLException {
    List<Cdr> found =
        inBlocks(
            c,
            null,
            null,
            List.of(CdrFilter.probe(CdrFilter.ID, id)),
            0,
            " AND id = ?",
            List.of(id),
            1);
    return found.isEmpty() ? null : found.getFirst();
  }

  private static Cdr row(ResultSet rs) throws SQLException {
    return new Cdr(
        rs.getString(1),
        rs.getString(2),
        rs.getString(3),
        rs.getString(4),
        rs.getString(5),
        rs.getString(6),
        rs.getString(7),
        instant(rs, 8),
        instant(rs, 9),
        instant(rs, 10),
        rs.getInt(11),
        rs.getString(12),
        rs.getString(13),
        rs.getString(14),
        rs.getString(15),
        rs.getString(16),
        instant(rs, 17),
        rs.getInt(18),
        rs.getString(19),
        media(rs, 20));
  }

  /** {@code number} as a LIKE prefix pattern, its own {@code % _ !} taken literally. */
  static String likePrefix(String number) {
    return number.replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%";
  }

  /** Writes what is queued (at most 10 s), then stops the writer. Idempotent. */
  @Override
  public void close() {
    writer.close();
  }
}
