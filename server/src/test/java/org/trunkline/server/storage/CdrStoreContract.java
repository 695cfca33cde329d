package org.trunkline.server.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.flywaydb.core.Flyway;
import org.trunkline.core.call.Cdr;
import org.trunkline.core.call.CdrMedia;
import org.trunkline.server.config.DatabaseConfig;
import org.trunkline.server.storage.CdrQuery.StatusFilter;
import org.trunkline.server.storage.LocationStoreContract.DatabaseConfigurer;

/** What every database keeps of CDRs and finds again: run on H2 and on PostgreSQL. */
final class CdrStoreContract {
  static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

  static final Cdr ANSWERED =
      new Cdr(
              "c1",
              "carrier1",
              "pbx",
              "+15551230000",
              "+74951234567",
              "a1@carrier",
              "b1@trunkline",
              T0,
              T0.plusSeconds(2),
              T0.plusSeconds(62),
              200,
              "BYE from caller",
              "pbx: 200")
          // a relayed call: the media columns come back as written
          .withMedia(
              new CdrMedia(
                  new CdrMedia.Direction(2999, 1, 2.25, 4.39, 3, 2),
                  new CdrMedia.Direction(3000, 0, 0.5, 4.41, 0, 1),
                  "callee-to-caller",
                  "12#",
                  "/var/lib/trunkline/recordings/c1.wav"));
  static final Cdr BUSY =
      new Cdr(
          "c2",
          "acme",
          "carrier2",
          "+74951234500",
          "+4930123456",
          "a2@acme",
          "b2@trunkline",
          T0.plusSeconds(60),
          null,
          T0.plusSeconds(61),
          486,
          "486 Busy Here from carrier2",
          "carrier2: 486");

  /** A number with LIKE's own characters, which must match only themselves. */
  static final Cdr NO_ROUTE =
      new Cdr(
          "c3",
          "carrier1",
          "",
          "anonymous",
          "+7812_5%!x",
          "a3@carrier",
          "",
          T0.plusMillis(120_250),
          null,
          T0.plusMillis(120_251),
          404,
          "no route",
          "");

  private static final int BULK = 1_234; // more than two batches

  private CdrStoreContract() {}

  /** Older calls from trunk "bulk", all 503, one millisecond apart. */
  static List<Cdr> bulk() {
    List<Cdr> out = new ArrayList<>();
    Instant day = T0.minusSeconds(86_400);
    for (int i = 0; i < BULK; i++) {
      Instant start = day.plusMillis(i);
      out.add(
          new Cdr(
              "b" + i,
              "bulk",
              "carrier9",
              "+100" + i,
              "+200" + i,
              "bulk-" + i + "@x",
              "",
              start,
              null,
              start.plusMillis(5),
              503,
              "503 from carrier9",
              "carrier9: 503"));
    }
    return out;
  }

  private static CdrQuery query(
      Instant since, Instant until, String trunk, String number, String callId, String status) {
    return new CdrQuery(
        since,
        until,
        trunk,
        number,
        callId,
        status == null ? null : StatusFilter.parse(status),
        5_000);
  }

  /** Writes through one database's store, closes it, finds with every filter in a fresh one. */
  static void roundTrip(DatabaseConfigurer open) throws Exception {
    String longReason = "x".repeat(300);
    Cdr oversized =
        new Cdr(
            "c0",
            "acme",
            "",
            "+1",
            "+2",
            "a0@acme",
            "",
            T0.minusSeconds(1),
            null,
            T0.minusSeconds(1),
            500,
            longReason,
            "");
    JdbcCdrStore writing;
    try (Database db = open.open()) {
      writing = db.cdrStore();
      bulk().forEach(writing::write);
      writing.write(oversized);
      writing.write(ANSWERED);
      writing.write(NO_ROUTE);
      writing.write(BUSY);
    } // close writes what was queued
    assertThat(writing.written()).isEqualTo(BULK + 4);
    assertThat(writing.failed() + writing.dropped()).isZero();
    writing.write(ANSWERED); // after close: refused and counted, not thrown
    assertThat(writing.dropped()).isOne();
    try (Database db = open.open()) {
      JdbcCdrStore store = db.cdrStore();
      assertThat(store.find(CdrQuery.newest(3))).containsExactly(NO_ROUTE, BUSY, ANSWERED);
      assertThat(store.find(CdrQuery.newest(5_000))).hasSize(BULK + 4);
      assertThat(store.find(CdrQuery.newest(5_000)).get(BULK + 3)).isEqualTo(bulk().getFirst());
      assertThat(store.find(CdrQuery.newest(5)).get(3).reason())
          .isEqualTo(longReason.substring(0, 256));

      // trunk, either side
      assertThat(store.find(query(null, null, "carrier1", null, null, null)))
          .containsExactly(NO_ROUTE, ANSWERED);
      assertThat(store.find(query(null, null, "pbx", null, null, null))).containsExactly(ANSWERED);
      assertThat(store.find(query(null, null, "carrier2", null, null, null))).containsExactly(BUSY);
      assertThat(store.find(query(null, null, "carrier", null, null, null))).isEmpty();

      // number: caller or called, by prefix, LIKE's characters literal
      assertThat(store.find(query(null, null, null, "+7495", null, null)))
          .containsExactly(BUSY, ANSWERED);
      assertThat(store.find(query(null, null, null, "+74951234567", null, null)))
          .containsExactly(ANSWERED);
      assertThat(store.find(query(null, null, null, "+7812_5%!", null, null)))
          .containsExactly(NO_ROUTE);
      assertThat(store.find(query(null, null, null, "+78125", null, null))).isEmpty();
      assertThat(store.find(query(null, null, null, "+7812%", null, null))).isEmpty();
      assertThat(store.find(query(null, null, null, "+1002", null, null))).hasSize(1 + 10 + 100);

      // Call-ID of either leg, exact
      assertThat(store.find(query(null, null, null, null, "b1@trunkline", null)))
          .containsExactly(ANSWERED);
      assertThat(store.find(query(null, null, null, null, "a2@acme", null))).containsExactly(BUSY);
      assertThat(store.find(query(null, null, null, null, "a2@", null))).isEmpty();

      // final status, exact or by class
      assertThat(store.find(query(null, null, null, null, null, "486"))).containsExactly(BUSY);
      assertThat(store.find(query(null, null, null, null, null, "4xx")))
          .containsExactly(NO_ROUTE, BUSY);
      assertThat(store.find(query(null, null, null, null, null, "503"))).hasSize(BULK);

      // time range of the start: since inclusive, until exclusive
      assertThat(store.find(query(T0, null, null, null, null, null)))
          .containsExactly(NO_ROUTE, BUSY, ANSWERED);
      assertThat(
              store.find(query(T0.plusSeconds(60), T0.plusMillis(120_250), null, null, null, null)))
          .containsExactly(BUSY);
      assertThat(store.find(query(null, T0, null, null, null, null))).hasSize(BULK + 1);

      // filters together, and the limit keeps the newest
      assertThat(store.find(query(T0, null, "carrier1", "+7", null, "2xx")))
          .containsExactly(ANSWERED);
      assertThat(store.find(new CdrQuery(null, null, "bulk", null, null, null, 2)))
          .extracting(Cdr::id)
          .containsExactly("b" + (BULK - 1), "b" + (BULK - 2));
    }
  }

  /**
   * Ids and Call-IDs that share a bucket (schema version 8) are told apart: each finds its own CDR
   * and only it, by either leg's Call-ID and by id.
   */
  static void findsEachKeyInASharedBucket(DatabaseConfigurer open) throws Exception {
    int n = 3 * JdbcCdrStore.BUCKETS;
    List<Cdr> cdrs = new ArrayList<>();
    Set<Integer> buckets = new HashSet<>();
    for (int i = 0; i < n; i++) {
      Instant start = T0.plusSeconds(i);
      cdrs.add(
          new Cdr(
              "k" + i,
              "acme",
              "carrier1",
              "+1555" + i,
              "+7495" + i,
              "a" + i + "@pbx",
              "b" + i + "@trunkline",
              start,
              null,
              start.plusSeconds(1),
              486,
              "486 Busy Here from carrier1",
              "carrier1: 486"));
      buckets.add(JdbcCdrStore.bucket("a" + i + "@pbx"));
    }
    assertThat(buckets).hasSizeLessThan(n); // shared buckets, so the test means something
    try (Database db = open.open()) {
      JdbcCdrStore store = db.cdrStore();
      cdrs.forEach(store::write);
    }
    try (Database db = open.open();
        Connection c = db.dataSource().getConnection()) {
      JdbcCdrStore store = db.cdrStore();
      for (Cdr cdr : cdrs) {
        assertThat(store.find(query(null, null, null, null, cdr.aCallId(), null)))
            .containsExactly(cdr);
        assertThat(store.find(query(null, null, null, null, cdr.bCallId(), null)))
            .containsExactly(cdr);
        assertThat(store.byId(c, cdr.id())).isEqualTo(cdr);
      }
      assertThat(store.byId(c, "k" + n)).isNull();
      assertThat(store.find(query(null, null, null, null, "a" + n + "@pbx", null))).isEmpty();
    }
  }

  /**
   * CDRs written under schema version 7 (before the buckets) get theirs when version 8 migrates
   * them, and are found by id and Call-ID afterwards; nothing else about them changes.
   */
  static void migratesOlderCdrs(DatabaseConfig config) throws Exception {
    Flyway.configure(Database.class.getClassLoader())
        .dataSource(config.url(), config.user(), config.password())
        .locations(Database.MIGRATIONS)
        .target("7")
        .load()
        .migrate();
    List<Cdr> old = new ArrayList<>();
    try (Connection c =
            DriverManager.getConnection(config.url(), config.user(), config.password());
        PreparedStatement i =
            c.prepareStatement(
                "INSERT INTO cdr (id, from_trunk, to_trunk, caller, called, a_call_id, b_call_id,"
                    + " start_at, end_at, status, reason, attempts, caller_dialed, called_dialed)"
                    + " VALUES (?, 'acme', 'carrier1', '+1', '+2', ?, ?, ?, ?, 404, 'no route', '',"
                    + " '+1', '+2')")) {
      for (int k = 0; k < 7; k++) {
        Instant start = T0.plusSeconds(k);
        Cdr cdr =
            new Cdr(
                "old" + k,
                "acme",
                "carrier1",
                "+1",
                "+2",
                "old-a" + k + "@pbx",
                k == 3 ? "" : "old-b" + k + "@trunkline",
                start,
                null,
                start.plusMillis(5),
                404,
                "no route",
                "");
        i.setString(1, cdr.id());
        i.setString(2, cdr.aCallId());
        i.setString(3, cdr.bCallId());
        i.setObject(4, start.atOffset(ZoneOffset.UTC));
        i.setObject(5, cdr.end().atOffset(ZoneOffset.UTC));
        i.executeUpdate();
        old.add(cdr);
      }
    }
    try (Database db = Database.open(config);
        Connection c = db.dataSource().getConnection()) {
      JdbcCdrStore store = db.cdrStore();
      assertThat(store.find(CdrQuery.newest(10))).containsExactlyElementsOf(old.reversed());
      for (Cdr cdr : old) {
        assertThat(store.byId(c, cdr.id())).isEqualTo(cdr);
        assertThat(store.find(query(null, null, null, null, cdr.aCallId(), null)))
            .containsExactly(cdr);
      }
      assertThat(store.find(query(null, null, null, null, "old-b5@trunkline", null)))
          .containsExactly(old.get(5));
      assertThat(store.find(query(null, null, null, "+2", null, null)))
          .containsExactlyElementsOf(old.reversed());
      // the one without a B-leg, as the Call-ID '' (as before)
      assertThat(store.find(query(null, null, null, null, "", null))).containsExactly(old.get(3));
      // a new CDR beside them: found the same way
      store.write(BUSY);
      store.close();
      assertThat(store.find(query(null, null, null, null, BUSY.bCallId(), null)))
          .containsExactly(BUSY);
    }
  }

  /**
   * A database at schema version 9 (trunks found through the indexes of version 3, blocks written
   * without trunks) migrates to version 10 with its CDRs kept: their blocks are written again with
   * trunks, the two trunk indexes are gone, and every CDR is found by each of its trunks.
   */
  static void migratesFromVersion9(DatabaseConfig config) throws Exception {
    Flyway.configure(Database.class.getClassLoader())
        .dataSource(config.url(), config.user(), config.password())
        .locations(Database.MIGRATIONS)
        .target("7")
        .load()
        .migrate();
    List<Cdr> old = new ArrayList<>();
    try (Connection c =
            DriverManager.getConnection(config.url(), config.user(), config.password());
        PreparedStatement i =
            c.prepareStatement(
                "INSERT INTO cdr (id, from_trunk, to_trunk, caller, called, a_call_id, b_call_id,"
                    + " start_at, end_at, status, reason, attempts, caller_dialed, called_dialed)"
                    + " VALUES (?, ?, ?, '+1', '+2', ?, '', ?, ?, 404, 'no route', '', '+1', '+2')")) {
      for (int k = 0; k < 600; k++) {
        Instant start = T0.plusSeconds(k);
        Cdr cdr =
            new Cdr(
                "old" + k,
                k == 400 ? "initech" : "acme",
                k % 2 == 0 ? "carrier1" : "",
                "+1",
                "+2",
                "old-a" + k + "@pbx",
                "",
                start,
                null,
                start.plusMillis(5),
                404,
                "no route",
                "");
        i.setString(1, cdr.id());
        i.setString(2, cdr.fromTrunk());
        i.setString(3, cdr.toTrunk());
        i.setString(4, cdr.aCallId());
        i.setObject(5, start.atOffset(ZoneOffset.UTC));
        i.setObject(6, cdr.end().atOffset(ZoneOffset.UTC));
        i.executeUpdate();
        old.add(cdr);
      }
    }
    Flyway.configure(Database.class.getClassLoader())
        .dataSource(config.url(), config.user(), config.password())
        .locations(Database.MIGRATIONS)
        .javaMigrations(new CdrCallBuckets(), new CdrBlockSummaries())
        .target("9")
        .load()
        .migrate();
    try (Connection c =
            DriverManager.getConnection(config.url(), config.user(), config.password());
        Statement s = c.createStatement()) {
      // as version 9's writer left them: format 1, whose filters hold no trunks
      try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM cdr_block")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getInt(1)).isPositive();
      }
      try (PreparedStatement u =
              c.prepareStatement("UPDATE cdr_block SET filter = ? WHERE id = ?");
          ResultSet rs = s.executeQuery("SELECT id, filter FROM cdr_block")) {
        while (rs.next()) {
          byte[] f = rs.getBytes(2);
          f[0] = CdrBlocks.FORMAT_WITHOUT_TRUNKS;
          u.setBytes(1, f);
          u.setLong(2, rs.getLong(1));
          assertThat(u.executeUpdate()).isEqualTo(1);
        }
      }
      assertThat(trunkIndexes(c)).containsExactlyInAnyOrder("cdr_from_trunk", "cdr_to_trunk");
    }
    List<Cdr> newest = old.reversed();
    try (Database db = Database.open(config);
        Connection c = db.dataSource().getConnection()) {
      JdbcCdrStore store = db.cdrStore();
      assertThat(trunkIndexes(c)).isEmpty();
      try (Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT filter FROM cdr_block")) {
        int blocks = 0;
        while (rs.next()) {
          assertThat(rs.getBytes(1)[0]).isEqualTo(CdrBlocks.FORMAT);
          blocks++;
        }
        assertThat(blocks).isPositive();
      }
      assertThat(store.find(query(null, null, null, null, null, null)))
          .containsExactlyElementsOf(newest);
      assertThat(store.find(query(null, null, "initech", null, null, null)))
          .containsExactly(old.get(400));
      assertThat(store.find(query(null, null, "acme", null, null, null)))
          .containsExactlyElementsOf(
              newest.stream().filter(x -> x.fromTrunk().equals("acme")).toList());
      assertThat(
              store.find(
                  query(T0.plusSeconds(100), T0.plusSeconds(110), "carrier1", null, null, null)))
          .containsExactlyElementsOf(
              newest.subList(490, 500).stream().filter(x -> !x.toTrunk().isEmpty()).toList());
      assertThat(store.find(query(null, null, "no-such-trunk", null, null, null))).isEmpty();
      long before = store.blockRowsRead();
      assertThat(store.find(query(null, null, "initech", null, null, null))).hasSize(1);
      // its segment, and at most one whose filter gives a false positive: not all 600 rows
      assertThat(store.blockRowsRead() - before).isLessThanOrEqualTo(2L * CdrBlocks.SEGMENT_ROWS);
      // a new CDR beside them: found by its trunk the same way
      store.write(BUSY);
      store.close();
      assertThat(store.find(query(null, null, "carrier2", null, null, null))).containsExactly(BUSY);
      assertThat(store.byId(c, "old7")).isEqualTo(old.get(7));
    }
  }

  /** The CDR table's indexes on a trunk, lower case, as the driver of {@code c} lists them. */
  private static List<String> trunkIndexes(Connection c) throws SQLException {
    List<String> out = new ArrayList<>();
    boolean postgres = c.getMetaData().getDatabaseProductName().toLowerCase().contains("postgres");
    try (ResultSet rs =
        c.getMetaData().getIndexInfo(null, c.getSchema(), postgres ? "cdr" : "CDR", false, false)) {
      while (rs.next()) {
        String name = rs.getString("INDEX_NAME");
        if (name != null
            && name.toLowerCase().contains("trunk")
            && !out.contains(name.toLowerCase())) { // one row per column
          out.add(name.toLowerCase());
        }
      }
    }
    return out;
  }

  /**
   * Two nodes sharing one database (schema version 9): each writes its own blocks, whose ranges of
   * {@code seq} may interleave; every CDR either wrote is found by id, by each leg's Call-ID and by
   * its numbers, and only once.
   */
  static void findsWhatTwoNodesWrote(DatabaseConfigurer open) throws Exception {
    int n = 1_500;
    List<Cdr> cdrs = new ArrayList<>();
    for (int i = 0; i < 2 * n; i++) {
      Instant start = T0.plusMillis(10L * i);
      cdrs.add(
          new Cdr(
              "n" + (i % 2) + "-" + i,
              "acme",
              "carrier1",
              "+15550" + (100_000 + i),
              "+74951" + (200_000 + 7 * i),
              i + "-a@pbx",
              i + "-b@trunkline",
              start,
              null,
              start.plusSeconds(1),
              486,
              "486 Busy Here from carrier1",
              "carrier1: 486"));
    }
    try (Database one = open.open();
        Database two = open.open()) {
      JdbcCdrStore a = one.cdrStore();
      JdbcCdrStore b = two.cdrStore();
      for (int i = 0; i < cdrs.size(); i++) {
        (i % 2 == 0 ? a : b).write(cdrs.get(i));
      }
      a.close();
      b.close();
      assertThat(a.written() + b.written()).isEqualTo(2L * n);
    }
    try (Database db = open.open();
        Connection c = db.dataSource().getConnection()) {
      JdbcCdrStore store = db.cdrStore();
      for (int i = 0; i < cdrs.size(); i += 13) {
        Cdr cdr = cdrs.get(i);
        assertThat(store.byId(c, cdr.id())).isEqualTo(cdr);
        assertThat(store.find(query(null, null, null, null, cdr.aCallId(), null)))
            .containsExactly(cdr);
        assertThat(store.find(query(null, null, null, null, cdr.bCallId(), null)))
            .containsExactly(cdr);
        assertThat(store.find(query(null, null, null, cdr.caller(), null, null)))
            .containsExactly(cdr);
        assertThat(store.find(query(null, null, null, cdr.called(), null, null)))
            .containsExactly(cdr);
      }
      assertThat(store.find(query(null, null, null, "+15550", null, null)))
          .containsExactlyElementsOf(cdrs.reversed());
    }
  }

  /**
   * A number search matches either form of either number (after numbering, or as the trunk sent
   * it), through the block summaries: the rows span several segments, and only the matching rows
   * come back.
   */
  static void findsEitherFormOfANumber(DatabaseConfigurer open) throws Exception {
    List<Cdr> cdrs = new ArrayList<>();
    for (int i = 0; i < 700; i++) {
      Instant start = T0.plusMillis(10L * i);
      String local = String.valueOf(1_000_000 + i);
      cdrs.add(
          new Cdr(
              "f" + i,
              "pbx",
              "carrier1",
              "+7495" + local,
              "+7499" + local,
              i + "-a@pbx",
              i + "-b@trunkline",
              start,
              null,
              start.plusSeconds(1),
              486,
              "486 Busy Here from carrier1",
              "carrier1: 486",
              "8495" + local,
              "8499" + local,
              "7499" + local,
              null,
              17,
              ""));
    }
    try (Database db = open.open()) {
      JdbcCdrStore store = db.cdrStore();
      cdrs.forEach(store::write);
      store.close();
      assertThat(store.written()).isEqualTo(cdrs.size());
    }
    try (Database db = open.open()) {
      JdbcCdrStore store = db.cdrStore();
      for (int i = 0; i < cdrs.size(); i += 37) {
        Cdr cdr = cdrs.get(i);
        for (String n :
            List.of(cdr.caller(), cdr.called(), cdr.callerDialed(), cdr.calledDialed())) {
          assertThat(store.find(query(null, null, null, n, null, null))).as(n).containsExactly(cdr);
        }
      }
      assertThat(store.find(query(null, null, null, "8495100012", null, null)))
          .containsExactlyElementsOf(cdrs.subList(120, 130).reversed());
      assertThat(store.find(query(null, null, null, "84951000", null, null))).hasSize(700);
      assertThat(store.find(query(null, null, null, "84961000", null, null))).isEmpty();
      // the form sent to the carrier (called_sent) is not a search key
      assertThat(store.find(query(null, null, null, "74991000000", null, null))).isEmpty();
    }
  }
}
