package org.trunkline.server.storage;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.flywaydb.core.api.migration.Context;

/**
 * Schema version 10: CDRs are found by trunk through the block summaries ({@link CdrBlocks}, whose
 * filters now hold each row's trunks in and out) instead of the indexes {@code cdr_from_trunk} and
 * {@code cdr_to_trunk} of version 3, which cost every row two B-tree entries written
 * (bench/RESULTS.md, stop 16 and 17). The blocks of the rows already there are written again, in
 * the format with trunks, so a search for a rare trunk reads only the segments that may hold it,
 * old rows too.
 *
 * <p>Java for the same reason as {@link CdrBlockSummaries}. Valid on H2 2.x and PostgreSQL 15+.
 */
final class CdrTrunkSummaries extends SchemaMigration {
  CdrTrunkSummaries() {
    super("10", "cdr trunks in the block summaries");
  }

  @Override
  public void migrate(Context context) throws SQLException {
    Connection c = context.getConnection();
    try (Statement s = c.createStatement()) {
      s.execute("DELETE FROM cdr_block");
    }
    CdrBlockSummaries.fill(c);
    try (Statement s = c.createStatement()) {
      s.execute("DROP INDEX cdr_from_trunk");
      s.execute("DROP INDEX cdr_to_trunk");
    }
  }
}
