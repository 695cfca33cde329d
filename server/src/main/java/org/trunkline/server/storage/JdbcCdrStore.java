package org.trunkline.server.storage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.trunkline.core.call.Cdr;
import org.trunkline.core.call.CdrMedia;
import org.trunkline.core.call.CdrSink;

/**
 * CDRs in the {@code cdr} table. {@link #write} queues (never blocks, never throws: event loops
 * call it) to a {@link QueuedWriter} that inserts up to {@value #BATCH} per transaction; {@link
 * #close} writes what is queued. {@link #find} reads, blocking: call it from the API's threads,
 * never from an event loop.
 */
public final class JdbcCdrStore implements CdrSink, AutoCloseable {
  /** A minute of 1,000 calls per second can wait while the database is slow. */
  static final int QUEUE = 60_000;

  static final int BATCH = 500;

  private static final String COLUMNS =
      "id, from_trunk, to_trunk, caller, called, a_call_id, b_call_id, start_at, answer_at,"
          + " end_at, status, reason, attempts, caller_dialed, called_dialed, called_sent,"
          + " ringing_at, cause, hangup, media_caller_packets, media_caller_lost,"
          + " media_caller_jitter_ms, media_caller_mos, media_callee_packets, media_callee_lost,"
          + " media_callee_jitter_ms, media_callee_mos, media_one_way, media_dtmf, media_recording,"
          + " media_caller_duplicates, media_caller_late, media_callee_duplicates, media_callee_late";
  private static final String INSERT =
      "INSERT INTO cdr ("
          + COLUMNS
          + ", id_bucket, a_call_bucket, b_call_bucket"
          + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
          + " ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

  /**
   * How many buckets the ids and Call-IDs are spread over (schema version 8, {@link
   * CdrCallBuckets}): a lookup reads one bucket, about 1/{@value} of the table, through its index.
   */
  static final int BUCKETS = 128;

  private final DataSource db;
  private final QueuedWriter<Cdr> writer;

  JdbcCdrStore(DataSource db) {
    this.db = db;
    this.writer =
        new QueuedWriter<>("CDR", db, QUEUE, BATCH, JdbcCdrStore::insert, c -> describe(c));
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

  private static void insert(Connection c, List<Cdr> cdrs) throws SQLException {
    try (PreparedStatement i = c.prepareStatement(INSERT)) {
      for (Cdr cdr : cdrs) {
        i.setString(1, cut(cdr.id(), 32));
        i.setString(2, cut(cdr.fromTrunk(), 64));
        i.setString(3, cut(cdr.toTrunk(), 64));
        i.setString(4, cut(cdr.caller(), 128));
        i.setString(5, cut(cdr.called(), 128));
        i.setString(6, cut(cdr.aCallId(), 256));
        i.setString(7, cut(cdr.bCallId(), 256));
        i.setObject(8, at(cdr.start()));
        i.setObject(9, at(cdr.answer()));
        i.setObject(10, at(cdr.end()));
        i.setInt(11, cdr.status());
        i.setString(12, cut(cdr.reason(), 256));
        i.setString(13, cut(cdr.attempts(), 1024));
        i.setString(14, cut(cdr.callerDialed(), 128));
        i.setString(15, cut(cdr.calledDialed(), 128));
        i.setString(16, cut(cdr.calledSent(), 128));
        i.setObject(17, at(cdr.ringing()));
        i.setInt(18, cdr.cause());
        i.setString(19, cut(cdr.hangup(), 16));
        media(i, 20, cdr.media());
        i.setInt(35, bucket(cut(cdr.id(), 32)));
        i.setInt(36, bucket(cut(cdr.aCallId(), 256)));
        i.setInt(37, bucket(cut(cdr.bCallId(), 256)));
        i.addBatch();
      }
      i.executeBatch();
    }
  }

  /** The media columns from {@code first} on: all null for a call whose media passed through. */
  private static void media(PreparedStatement i, int first, CdrMedia m) throws SQLException {
    int c = first;
    for (CdrMedia.Direction d :
        m == null ? new CdrMedia.Direction[2] : new CdrMedia.Direction[] {m.caller(), m.callee()}) {
      i.setObject(c++, d == null ? null : d.packets(), Types.BIGINT);
      i.setObject(c++, d == null ? null : d.lost(), Types.BIGINT);
      i.setObject(c++, d == null ? null : d.jitterMs(), Types.DOUBLE);
      i.setObject(c++, d == null ? null : d.mos(), Types.DOUBLE);
    }
    i.setObject(c++, m == null ? null : cut(m.oneWay(), 16), Types.VARCHAR);
    i.setObject(c++, m == null ? null : cut(m.dtmf(), 256), Types.VARCHAR);
    i.setObject(c++, m == null ? null : cut(m.recording(), 1024), Types.VARCHAR);
    for (CdrMedia.Direction d :
        m == null ? new CdrMedia.Direction[2] : new CdrMedia.Direction[] {m.caller(), m.callee()}) {
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
   * The bucket of an id or Call-ID as stored (already cut to its column): 0..{@value #BUCKETS}-1,
   * from {@link String#hashCode} (which the JLS fixes, so every node and version agrees), its bits
   * mixed so that keys differing only at the end spread too.
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
    Select select = select(q);
    List<Cdr> out = new ArrayList<>();
    try (Connection c = db.getConnection();
        PreparedStatement s = c.prepareStatement(select.sql())) {
      select.bind(s);
      s.setMaxRows(q.limit());
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next() && out.size() < q.limit()) {
          out.add(row(rs));
        }
      }
    } catch (SQLException e) {
      String m = e.getMessage() != null ? e.getMessage().lines().findFirst().orElse("") : "";
      throw new DatabaseException("cannot read CDRs: " + m.strip(), e);
    }
    return out;
  }

  /** A query's SQL and the values of its parameters, in order. */
  record Select(String sql, List<Object> args) {
    void bind(PreparedStatement s) throws SQLException {
      for (int i = 0; i < args.size(); i++) {
        s.setObject(i + 1, args.get(i));
      }
    }
  }

  /** The SELECT that {@link #find} runs for {@code q}. */
  static Select select(CdrQuery q) {
    StringBuilder sql = new StringBuilder("SELECT ").append(COLUMNS).append(" FROM cdr WHERE 1=1");
    List<Object> args = new ArrayList<>();
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
      // Two index range scans, not one scan of the table for an OR (1.5 s at 100,000 CDRs).
      sql.append(
          " AND seq IN (SELECT seq FROM cdr WHERE caller LIKE ? ESCAPE '!'"
              + " UNION SELECT seq FROM cdr WHERE called LIKE ? ESCAPE '!')");
      String prefix = likePrefix(q.number());
      args.add(prefix);
      args.add(prefix);
    }
    if (q.callId() != null) {
      // Each leg's bucket through its index, the Call-ID compared within it (schema version 8).
      sql.append(
          " AND seq IN (SELECT seq FROM cdr WHERE a_call_bucket = ? AND a_call_id = ?"
              + " UNION SELECT seq FROM cdr WHERE b_call_bucket = ? AND b_call_id = ?)");
      int bucket = bucket(q.callId());
      args.add(bucket);
      args.add(q.callId());
      args.add(bucket);
      args.add(q.callId());
    }
    if (q.status() != null) {
      sql.append(" AND status BETWEEN ? AND ?");
      args.add(q.status().from());
      args.add(q.status().to());
    }
    sql.append(" ORDER BY start_at DESC, seq DESC");
    return new Select(sql.toString(), args);
  }

  /** The SELECT of {@link #byId}: its bucket through the index, the id compared within it. */
  static final String BY_ID =
      "SELECT " + COLUMNS + " FROM cdr WHERE id_bucket = ? AND id = ? ORDER BY seq DESC";

  /** The CDR with id {@code id} on {@code c}, or null. */
  Cdr byId(Connection c, String id) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(BY_ID)) {
      s.setInt(1, bucket(id));
      s.setString(2, id);
      s.setMaxRows(1);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? row(rs) : null;
      }
    }
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
