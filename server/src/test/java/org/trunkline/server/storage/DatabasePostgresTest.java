package org.trunkline.server.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.trunkline.server.config.DatabaseConfig;

/**
 * The same schema on a real PostgreSQL: one that {@link LocalPostgres} starts from the installed
 * binaries, or the one given with {@code -Dpg.url=jdbc:postgresql://127.0.0.1:55432/trunkline}
 * (user {@code postgres} unless {@code -Dpg.user}). Works in a schema of its own and drops it
 * afterwards.
 */
class DatabasePostgresTest {
  @RegisterExtension static final LocalPostgres PG = new LocalPostgres();

  private final String url = PG.url();
  private final String user = PG.user();
  private final String password = PG.password();
  private final String schema = "trunkline_test_" + UUID.randomUUID().toString().replace("-", "");

  private Connection admin() throws Exception {
    return DriverManager.getConnection(url, user, password);
  }

  @BeforeEach
  void createSchema() throws Exception {
    try (Connection c = admin();
        Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA " + schema);
    }
  }

  @AfterEach
  void dropSchema() throws Exception {
    try (Connection c = admin();
        Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA " + schema + " CASCADE");
    }
  }

  @Test
  void migratesAndRecordsANodeStart() throws Exception {
    String separator = url.contains("?") ? "&" : "?";
    DatabaseConfig config =
        new DatabaseConfig(url + separator + "currentSchema=" + schema, user, password, 2);
    Instant startedAt = Instant.parse("2026-11-27T08:00:00.123456Z");

    try (Database db = Database.open(config)) {
      db.recordStart("node-a", "0.1.0", startedAt);
      db.recordStart("node-a", "0.1.1", startedAt.plusSeconds(60));
    }
    try (Database db = Database.open(config);
        Connection c = db.dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT node_id, version, started_at FROM node")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo("node-a");
      assertThat(rs.getString(2)).isEqualTo("0.1.1");
      assertThat(rs.getObject(3, OffsetDateTime.class).toInstant())
          .isEqualTo(startedAt.plusSeconds(60));
      assertThat(rs.next()).isFalse();
    }
  }

  @Test
  void keepsRegistrations() throws Exception {
    String separator = url.contains("?") ? "&" : "?";
    DatabaseConfig config =
        new DatabaseConfig(url + separator + "currentSchema=" + schema, user, password, 2);
    LocationStoreContract.roundTrip(() -> Database.open(config));
    LocationStoreContract.storm(() -> Database.open(config));
    LocationStoreContract.refreshes(() -> Database.open(config));
    LocationStoreContract.newContactsAfterTheLoad(() -> Database.open(config));
    LocationStoreContract.refreshesWithinTheStoredExpiryAreNotWritten(() -> Database.open(config));
  }

  @Test
  void keepsAndFindsCdrs() throws Exception {
    String separator = url.contains("?") ? "&" : "?";
    DatabaseConfig config =
        new DatabaseConfig(url + separator + "currentSchema=" + schema, user, password, 2);
    CdrStoreContract.roundTrip(() -> Database.open(config));
  }

  @Test
  void findsCdrsByIdAndCallIdInASharedBucket() throws Exception {
    String separator = url.contains("?") ? "&" : "?";
    DatabaseConfig config =
        new DatabaseConfig(url + separator + "currentSchema=" + schema, user, password, 2);
    CdrStoreContract.findsEachKeyInASharedBucket(() -> Database.open(config));
  }

  @Test
  void migratesCdrsWrittenBeforeTheBuckets() throws Exception {
    String separator = url.contains("?") ? "&" : "?";
    DatabaseConfig config =
        new DatabaseConfig(url + separator + "currentSchema=" + schema, user, password, 2);
    CdrStoreContract.migratesOlderCdrs(config);
  }

  @Test
  void migratesCdrsFromVersion9WithTheirTrunks() throws Exception {
    String separator = url.contains("?") ? "&" : "?";
    DatabaseConfig config =
        new DatabaseConfig(url + separator + "currentSchema=" + schema, user, password, 2);
    CdrStoreContract.migratesFromVersion9(config);
  }

  @Test
  void findsCdrsThatTwoNodesWroteIntoOneDatabase() throws Exception {
    String separator = url.contains("?") ? "&" : "?";
    DatabaseConfig config =
        new DatabaseConfig(url + separator + "currentSchema=" + schema, user, password, 2);
    CdrStoreContract.findsWhatTwoNodesWrote(() -> Database.open(config));
  }

  @Test
  void findsCdrsByEitherFormOfTheirNumbers() throws Exception {
    String separator = url.contains("?") ? "&" : "?";
    DatabaseConfig config =
        new DatabaseConfig(url + separator + "currentSchema=" + schema, user, password, 2);
    CdrStoreContract.findsEitherFormOfANumber(() -> Database.open(config));
  }
}
