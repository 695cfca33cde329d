package org.trunkline.server.storage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.flywaydb.core.api.migration.Context;

/**
 * Schema version 8: the CDR's id and Call-IDs are found through their bucket ({@link
 * JdbcCdrStore#bucket}) instead of a B-tree on the strings themselves.
 *
 * <p>Why: an id or Call-ID is random, so each row put one entry at a random place of each of those
 * three B-trees: a page of each to copy, commit and write again per row, about 20-30 us of CPU per
 * index and row on H2 (bench/RESULTS.md, stop 13, branch cdr), most of a CDR's cost. An index on
 * the bucket (and the row's seq, which grows) appends at the end of one of {@value
 * JdbcCdrStore#BUCKETS} ranges, whose last pages stay in memory and are written once per store
 * rather than once per row. A lookup reads one bucket through its index and compares the string in
 * it: about 1/{@value JdbcCdrStore#BUCKETS} of the table.
 *
 * <p>Java rather than SQL because the bucket is {@link String#hashCode}, which H2 and PostgreSQL
 * cannot compute alike; the rows written before it get theirs here. Valid on H2 2.x and PostgreSQL
 * 15+ (plain JDBC and DDL both accept).
 */
final class CdrCallBuckets extends SchemaMigration {
  private static final int CHUNK = 5_000;

  CdrCallBuckets() {
    super("8", "cdr call buckets");
  }

  @Override
  public void migrate(Context context) throws SQLException {
    Connection c = context.getConnection();
    try (Statement s = c.createStatement()) {
      s.execute("ALTER TABLE cdr ADD COLUMN id_bucket SMALLINT DEFAULT 0 NOT NULL");
      s.execute("ALTER TABLE cdr ADD COLUMN a_call_bucket SMALLINT DEFAULT 0 NOT NULL");
      s.execute("ALTER TABLE cdr ADD COLUMN b_call_bucket SMALLINT DEFAULT 0 NOT NULL");
    }
    fill(c);
    try (Statement s = c.createStatement()) {
      s.execute("DROP INDEX cdr_id");
      s.execute("DROP INDEX cdr_a_call_id");
      s.execute("DROP INDEX cdr_b_call_id");
      s.execute("CREATE INDEX cdr_id_bucket ON cdr (id_bucket, seq)");
      s.execute("CREATE INDEX cdr_a_call_bucket ON cdr (a_call_bucket, seq)");
      s.execute("CREATE INDEX cdr_b_call_bucket ON cdr (b_call_bucket, seq)");
    }
  }

  /** The buckets of the rows already there, a chunk of them at a time in the order of seq. */
  private static void fill(Connection c) throws SQLException {
    long after = Long.MIN_VALUE;
    try (PreparedStatement read =
            c.prepareStatement(
                "SELECT seq, id, a_call_id, b_call_id FROM cdr WHERE seq > ? ORDER BY seq"
                    + " FETCH FIRST "
                    + CHUNK
                    + " ROWS ONLY");
        PreparedStatement write =
            c.prepareStatement(
                "UPDATE cdr SET id_bucket = ?, a_call_bucket = ?, b_call_bucket = ?"
                    + " WHERE seq = ?")) {
      while (true) {
        read.setLong(1, after);
        int n = 0;
        try (ResultSet rs = read.executeQuery()) {
          while (rs.next()) {
            after = rs.getLong(1);
            write.setInt(1, JdbcCdrStore.bucket(rs.getString(2)));
            write.setInt(2, JdbcCdrStore.bucket(rs.getString(3)));
            write.setInt(3, JdbcCdrStore.bucket(rs.getString(4)));
            write.setLong(4, after);
            write.addBatch();
            n++;
          }
        }
        if (n == 0) {
          return;
        }
        write.executeBatch();
      }
    }
  }
}
