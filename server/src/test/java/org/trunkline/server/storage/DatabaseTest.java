package org.trunkline.server.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trunkline.server.config.DatabaseConfig;

class DatabaseTest {
  @TempDir Path dir;

  private DatabaseConfig h2(String options) {
    return new DatabaseConfig(
        "jdbc:h2:file:" + dir.resolve("data/nested/trunkline") + options, null, null, 2);
  }

  /** Every row of a query, columns joined by '|'. */
  private static List<String> rows(DataSource ds, String sql) throws SQLException {
    List<String> rows = new ArrayList<>();
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      int columns = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        List<String> row = new ArrayList<>();
        for (int i = 1; i <= columns; i++) {
          Object value = rs.getObject(i);
          if (value instanceof OffsetDateTime t) {
            value = t.toInstant();
          }
          row.add(String.valueOf(value));
        }
        rows.add(String.join("|", row));
      }
    }
    return rows;
  }

  @Test
  void createsTheDirectoryAndMigratesOnFirstOpen() throws Exception {
    try (Database db = Database.open(h2(""))) {
      assertThat(dir.resolve("data/nested/trunkline.mv.db")).exists();
      assertThat(
              rows(
                  db.dataSource(),
                  "SELECT \"version\", \"description\", \"success\" FROM \"flyway_schema_history\""
                      + " WHERE \"type\" IN ('SQL', 'JDBC') ORDER BY \"installed_rank\""))
          .containsExactly(
              "1|init|true",
              "2|registrations|true",
              "3|cdr|true",
              "4|cdr details|true",
              "5|traces|true",
              "6|cdr media|true",
              "7|cdr media duplicates late|true",
              "8|cdr call buckets|true",
              "9|cdr block summaries|true",
              "10|cdr trunks in the block summaries|true",
              "11|cdr start index dropped|true",
              "12|cdr block newest first|true");
      assertThat(rows(db.dataSource(), "SELECT COUNT(*) FROM node")).containsExactly("0");
    }
  }

  @Test
  void recordsANodeStartAndUpdatesItOnTheNextStart() throws Exception {
    Instant first = Instant.parse("2026-11-27T08:00:00.123456Z");
    Instant second = Instant.parse("2026-11-27T09:30:00Z");
    try (Database db = Database.open(h2(""))) {
      db.recordStart("node-a", "0.1.0", first);
      db.recordStart("node-b", "0.1.0", first);
      db.recordStart("node-a", "0.2.0", second);

      assertThat(rows(db.dataSource(), "SELECT * FROM node ORDER BY node_id"))
          .containsExactly(
              "node-a|0.2.0|2026-11-27T09:30:00Z", "node-b|0.1.0|2026-11-27T08:00:00.123456Z");
    }
  }

  @Test
  void reopensWithTheDataKeptAndNothingMigratedTwice() throws Exception {
    Database db = Database.open(h2(""));
    db.recordStart("node-a", "0.1.0", Instant.parse("2026-11-27T08:00:00Z"));
    db.close();
    assertThatThrownBy(() -> db.dataSource().getConnection()).isInstanceOf(SQLException.class);

    try (Database again = Database.open(h2(""))) {
      assertThat(rows(again.dataSource(), "SELECT node_id FROM node")).containsExactly("node-a");
      assertThat(
              rows(
                  again.dataSource(),
                  "SELECT COUNT(*) FROM \"flyway_schema_history\""
                      + " WHERE \"type\" IN ('SQL', 'JDBC')"))
          .containsExactly("12");
    }
  }

  @Test
  void closeIsIdempotent() throws Exception {
    Database db = Database.open(h2(""));
    db.close();
    db.close();
    assertThat(db.name()).endsWith("data/nested/trunkline");
  }

  @Test
  void namesTheUrlWithoutItsPasswordWhenItCannotOpen() throws Exception {
    try (Database db = Database.open(h2(";USER=sa;PASSWORD=right"))) {
      assertThat(rows(db.dataSource(), "SELECT COUNT(*) FROM node")).containsExactly("0");
    }

    assertThatThrownBy(() -> Database.open(h2(";USER=sa;PASSWORD=wrong")))
        .isInstanceOf(DatabaseException.class)
        .hasMessageStartingWith(
            "cannot open database jdbc:h2:file:"
                + dir.resolve("data/nested/trunkline")
                + ";USER=sa;PASSWORD=***: Wrong user name or password")
        .hasMessageNotContaining("wrong")
        .hasMessageNotContaining("\n");
  }

  @Test
  void namesADirectoryThatCannotBeCreated() throws Exception {
    Files.writeString(dir.resolve("data"), "a file where the directory should be");

    assertThatThrownBy(() -> Database.open(h2("")))
        .isInstanceOf(DatabaseException.class)
        .hasMessage(
            "cannot create database directory " + dir.resolve("data/nested") + ": Not a directory");
  }

  @Test
  void keepsRegistrationsAcrossReopens() throws Exception {
    LocationStoreContract.roundTrip(() -> Database.open(h2("")));
  }

  @Test
  void storesNewContactsAfterTheLoadWithOneInsertAndFallsBackWhenARowIsThere() throws Exception {
    LocationStoreContract.newContactsAfterTheLoad(() -> Database.open(h2("")));
  }

  @Test
  void findsCdrsByIdAndCallIdInASharedBucket() throws Exception {
    CdrStoreContract.findsEachKeyInASharedBucket(() -> Database.open(h2("")));
  }

  @Test
  void migratesCdrsWrittenBeforeTheBuckets() throws Exception {
    CdrStoreContract.migratesOlderCdrs(h2(""));
  }

  @Test
  void anEmbeddedH2FileDoesNotReanalyzeItsTablesOnItsOwn() throws Exception {
    try (Database db = Database.open(h2(""))) {
      assertThat(
              rows(
                  db.dataSource(),
                  "SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS"
                      + " WHERE SETTING_NAME = 'ANALYZE_AUTO'"))
          .containsExactly("0");
    }
    // the operator's own choice in the URL wins
    try (Database db = Database.open(h2(";ANALYZE_AUTO=5000"))) {
      assertThat(
              rows(
                  db.dataSource(),
                  "SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS"
                      + " WHERE SETTING_NAME = 'ANALYZE_AUTO'"))
          .containsExactly("5000");
    }
  }

  @Test
  void findsCdrsByEitherFormOfTheirNumbers() throws Exception {
    CdrStoreContract.findsEitherFormOfANumber(() -> Database.open(h2("")));
  }

  @Test
  void migratesCdrsFromVersion9WithTheirTrunks() throws Exception {
    CdrStoreContract.migratesFromVersion9(h2(""));
  }

  /**
   * H2's object cache is off in a JVM that loads H2 after {@link Database} (as the server and the
   * CLI do), unless the operator set it: a fresh JVM each, since H2 reads it once per JVM.
   */
  @Test
  void turnsOffH2sObjectCacheUnlessTheOperatorSetsIt() throws Exception {
    assertThat(h2ObjectCacheInAFreshJvm()).isEqualTo("false");
    assertThat(h2ObjectCacheInAFreshJvm("-Dh2.objectCache=true")).isEqualTo("true");
  }

  private static String h2ObjectCacheInAFreshJvm(String... options) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of(options));
    command.addAll(
        List.of("-cp", System.getProperty("java.class.path"), H2ObjectCacheProbe.class.getName()));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).as(out).isZero();
      return out.strip();
    } finally {
      p.destroyForcibly();
    }
  }

  @Test
  void keepsAndFindsCdrsAcrossReopens() throws Exception {
    CdrStoreContract.roundTrip(() -> Database.open(h2("")));
  }

  @Test
  void storesRefreshesAsShortUpdatesWithoutLosingAWaitingChange() throws Exception {
    LocationStoreContract.refreshes(() -> Database.open(h2("")));
  }

  @Test
  void doesNotWriteARefreshTheStoredExpiryCovers() throws Exception {
    LocationStoreContract.refreshesWithinTheStoredExpiryAreNotWritten(() -> Database.open(h2("")));
  }

  @Test
  void keepsTheNewestStateOfEveryContactThroughAStorm() throws Exception {
    LocationStoreContract.storm(() -> Database.open(h2("")));
  }

  @Test
  void countsChangesThatArriveAfterClose() throws Exception {
    Database db = Database.open(h2(""));
    org.trunkline.core.registrar.LocationStore store = db.locationStore();
    db.close();
    store.save(LocationStoreContract.binding("sip:late@192.0.2.1", 5_000L, "192.0.2.1"));

    assertThat(store.failed()).isEqualTo(1);
    assertThat(store.pending()).isZero();
  }

  /**
   * A refresh (only the expiry and CSeq change) is not written when it comes: it waits for the
   * writer's next look (here an hour away), replaces the state still waiting for its contact, and
   * close writes it; the reopened database has the refreshed binding.
   */
  @Test
  void anIdleRegistrationWriterSleepsUntilASaveWakesIt() throws Exception {
    org.trunkline.core.registrar.Binding b =
        LocationStoreContract.binding("sip:idle@192.0.2.1", 5_000L, "192.0.2.1");
    try (Database db = Database.open(h2(""));
        JdbcLocationStore store =
            new JdbcLocationStore(db.dataSource(), java.time.Duration.ofMillis(50))) {
      // WAITING, not TIMED_WAITING: nothing to write, no timed looks
      org.awaitility.Awaitility.await()
          .atMost(java.time.Duration.ofSeconds(10))
          .until(store::asleep);
      store.save(b);
      org.awaitility.Awaitility.await()
          .atMost(java.time.Duration.ofSeconds(10))
          .until(() -> store.written() == 1);
      assertThat(rows(db.dataSource(), "SELECT COUNT(*) FROM registration")).containsExactly("1");
      org.awaitility.Awaitility.await()
          .atMost(java.time.Duration.ofSeconds(10))
          .until(store::asleep);
      store.remove(b.trunk(), b.contact());
      org.awaitility.Awaitility.await()
          .atMost(java.time.Duration.ofSeconds(10))
          .until(() -> store.written() == 2);
      assertThat(rows(db.dataSource(), "SELECT COUNT(*) FROM registration")).containsExactly("0");
    }
  }

  @Test
  void gathersRefreshesUntilTheWriterLooksAndCloseWritesThem() throws Exception {
    org.trunkline.core.registrar.Binding first =
        LocationStoreContract.binding("sip:pbx@192.0.2.1", 5_000L, "192.0.2.1");
    org.trunkline.core.registrar.Binding refreshed =
        new org.trunkline.core.registrar.Binding(
            first.trunk(),
            first.contact(),
            9_000L,
            first.transport(),
            first.source(),
            first.listenPoint(),
            first.callId(),
            first.cseq() + 1,
            first.userAgent(),
            first.registeredAt());
    try (Database db = Database.open(h2(""));
        JdbcLocationStore store =
            new JdbcLocationStore(db.dataSource(), java.time.Duration.ofHours(1))) {
      store.save(first);
      store.save(refreshed);
      assertThat(store.pending()).isEqualTo(1);
      assertThat(rows(db.dataSource(), "SELECT COUNT(*) FROM registration")).containsExactly("0");
      store.close();
      assertThat(store.pending()).isZero();
      assertThat(store.written()).isEqualTo(1);
      assertThat(store.failed()).isZero();
    }
    org.trunkline.core.registrar.Binding again =
        new org.trunkline.core.registrar.Binding(
            first.trunk(),
            first.contact(),
            12_000L,
            first.transport(),
            new java.net.InetSocketAddress(first.source().getAddress(), 5070),
            first.listenPoint(),
            first.callId(),
            first.cseq() + 2,
            "PBX 2.0",
            first.registeredAt());
    org.trunkline.core.registrar.Binding other =
        LocationStoreContract.binding("sip:other@192.0.2.1", 7_000L, "192.0.2.1");
    try (Database db = Database.open(h2(""))) {
      // stored with its expiry rounded up to the grid
      assertThat(db.locationStore().loadAll())
          .containsExactly(LocationStoreContract.asStored(refreshed));
      // the stored row is updated in place; a new contact in the same batch is inserted
      db.locationStore().save(again);
      db.locationStore().save(other);
    }
    try (Database db = Database.open(h2(""))) {
      assertThat(db.locationStore().loadAll())
          .containsExactlyInAnyOrder(
              LocationStoreContract.asStored(again), LocationStoreContract.asStored(other));
    }
  }
}
