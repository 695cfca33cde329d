package org.trunkline.server.storage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import org.flywaydb.core.api.migration.Context;

/**
 * Schema version 9: CDRs are found by id, Call-ID and number through block summaries ({@link
 * CdrBlocks}) instead of five indexes on random keys (the three buckets of version 8, caller and
 * called), each of which cost every row a random B-tree leaf. The rows already there get their
 * blocks here, in the order of {@code seq}; the bucket columns stay (filled with 0 from now on)
 * since dropping a column rewrites the table.
 *
 * <p>Java rather than SQL because the filters are computed in Java, and the summary table's binary
 * type is named differently on H2 and PostgreSQL. Valid on H2 2.x and PostgreSQL 15+.
 */
final class CdrBlockSummaries extends SchemaMigration {
  private static final int CHUNK = 5_000;

  CdrBlockSummaries() {
    super("9", "cdr block summaries");
  }

  @Override
  public void migrate(Context context) throws SQLException {
    Connection c = context.getConnection();
    CdrBlocks.create(c);
    fill(c);
    try (Statement s = c.createStatement()) {
      s.execute("DROP INDEX cdr_id_bucket");
      s.execute("DROP INDEX cdr_a_call_bucket");
      s.execute("DROP INDEX cdr_b_call_bucket");
      s.execute("DROP INDEX cdr_caller");
      s.execute("DROP INDEX cdr_called");
    }
  }

  /**
   * The blocks of the rows already there, a chunk of them at a time in the order of seq, in today's
   * format ({@link CdrBlocks#FORMAT}: with trunks, which version 10 needs too).
   */
  static void fill(Connection c) throws SQLException {
    CdrBlocks blocks = new CdrBlocks();
    long after = Long.MIN_VALUE;
    try (PreparedStatement read =
        c.prepareStatement(
            "SELECT seq, id, a_call_id, b_call_id, caller, called, caller_dialed, called_dialed,"
                + " from_trunk, to_trunk,"
                + " start_at FROM cdr"
                + " WHERE seq > ? ORDER BY seq FETCH FIRST "
                + CHUNK
                + " ROWS ONLY")) {
      while (true) {
        read.setLong(1, after);
        int n = 0;
        try (ResultSet rs = read.executeQuery()) {
          while (rs.next()) {
            after = rs.getLong(1);
            if (blocks.wouldClose()) {
              blocks.store(c);
            }
            blocks.add(
                after,
                rs.getString(2),
                rs.getString(3),
                rs.getString(4),
                rs.getString(5),
                rs.getString(6),
                rs.getString(7),
                rs.getString(8),
                rs.getString(9),
                rs.getString(10),
                rs.getObject(11, OffsetDateTime.class).toInstant());
            n++;
          }
        }
        if (n == 0) {
          blocks.store(c);
          return;
        }
      }
    }
  }
}
