package org.trunkline.server.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.trunkline.core.call.Cdr;
import org.trunkline.server.config.DatabaseConfig;

/**
 * Each search of {@code /api/cdrs} (and the traces' CDR by id) reads an index, not the table: on
 * H2, {@code EXPLAIN ANALYZE} of the very SQL the store runs names the index and counts the rows it
 * read, among {@value #ROWS} CDRs.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CdrIndexTest {
  private static final int ROWS = 6_000;
  private static final Instant T0 = Instant.parse("2026-11-27T00:00:00Z");
  private static final Pattern SCAN_COUNT = Pattern.compile("scanCount: (\\d+)");

  @TempDir static Path dir;
  private Database db;
  private final List<Cdr> written = new ArrayList<>();

  @BeforeAll
  void write() throws Exception {
    db =
        Database.open(
            new DatabaseConfig("jdbc:h2:file:" + dir.resolve("trunkline"), null, null, 2));
    SplittableRandom random = new SplittableRandom(7);
    JdbcCdrStore store = db.cdrStore();
    for (int i = 0; i < ROWS; i++) {
      Instant start = T0.plusMillis(500L * i);
      Cdr cdr =
          new Cdr(
              Long.toString(random.nextLong() >>> 1, 36),
              i % 2 == 0 ? "acme" : "globex",
              "carrier" + (i % 3),
              "+7495" + (1_000_000 + random.nextInt(9_000_000)),
              "+4930" + (1_000_000 + random.nextInt(9_000_000)),
              (i + 1) + "-4242@127.0.0.1",
              Long.toString(random.nextLong() >>> 1, 36) + "@trunkline",
              start,
              start.plusSeconds(1),
              start.plusSeconds(30),
              200,
              "BYE from caller",
              "carrier0: 200");
      written.add(cdr);
      store.write(cdr);
    }
    store.close(); // written, all of them
    assertThat(store.written()).isEqualTo(ROWS);
  }

  @AfterAll
  void close() {
    db.close();
  }

  /** The plan of {@code sql} with {@code args}, as run, with the rows each table access read. */
  private String plan(String sql, List<Object> args) throws SQLException {
    try (Connection c = db.dataSource().getConnection();
        PreparedStatement s = c.prepareStatement("EXPLAIN ANALYZE " + sql)) {
      new JdbcCdrStore.Select(sql, args).bind(s);
      try (ResultSet rs = s.executeQuery()) {
        assertThat(rs.next()).isTrue();
        return rs.getString(1);
      }
    }
  }

  private String plan(CdrQuery q) throws SQLException {
    JdbcCdrStore.Select select = JdbcCdrStore.select(q);
    return plan(select.sql(), select.args());
  }

  /** The most rows any one table access of {@code plan} read. */
  private static int mostRowsRead(String plan) {
    Matcher m = SCAN_COUNT.matcher(plan);
    int most = -1;
    while (m.find()) {
      most = Math.max(most, Integer.parseInt(m.group(1)));
    }
    assertThat(most).as("scan counts in %s", plan).isNotNegative();
    return most;
  }

  private static CdrQuery byCallId(String callId) {
    return new CdrQuery(null, null, null, null, callId, null, 50);
  }

  @Test
  void aCallIdOfEitherLegReadsItsBucketThroughTheBucketIndexes() throws Exception {
    Cdr cdr = written.get(ROWS / 3);
    for (String callId : List.of(cdr.aCallId(), cdr.bCallId())) {
      assertThat(db.cdrStore().find(byCallId(callId))).containsExactly(cdr);
      String plan = plan(byCallId(callId));
      assertThat(plan).contains("CDR_A_CALL_BUCKET", "CDR_B_CALL_BUCKET");
      // one bucket of 128 holds ~47 of 6,000 rows; a table scan would read them all
      assertThat(mostRowsRead(plan)).as(plan).isLessThan(ROWS / 20);
    }
  }

  @Test
  void theTracesCdrByIdReadsItsBucketThroughTheIdIndex() throws Exception {
    Cdr cdr = written.get(ROWS / 2);
    try (Connection c = db.dataSource().getConnection()) {
      assertThat(db.cdrStore().byId(c, cdr.id())).isEqualTo(cdr);
    }
    String plan = plan(JdbcCdrStore.BY_ID, List.of(JdbcCdrStore.bucket(cdr.id()), cdr.id()));
    assertThat(plan).contains("CDR_ID_BUCKET");
    assertThat(mostRowsRead(plan)).as(plan).isLessThan(ROWS / 20);
  }

  @Test
  void aNumberReadsTheCallerAndCalledIndexes() throws Exception {
    Cdr cdr = written.get(ROWS / 4);
    CdrQuery q = new CdrQuery(null, null, null, cdr.called(), null, null, 50);
    assertThat(db.cdrStore().find(q)).contains(cdr);
    String plan = plan(q);
    assertThat(plan).contains("CDR_CALLER", "CDR_CALLED");
    assertThat(mostRowsRead(plan)).as(plan).isLessThan(ROWS / 20);
  }

  @Test
  void theNewestReadTheStartIndex() throws Exception {
    CdrQuery q = CdrQuery.newest(10);
    assertThat(db.cdrStore().find(q)).containsExactlyElementsOf(written.reversed().subList(0, 10));
    assertThat(plan(q)).contains("CDR_START");
  }
}
