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
 * Each search of {@code /api/cdrs} (and the traces' CDR by id) reads an index or a few blocks of
 * rows (schema version 9, {@link CdrBlocks}), not the table: the store counts the blocks and rows a
 * search by key read; on H2, {@code EXPLAIN ANALYZE} of the very SQL the store runs names the index
 * and counts the rows it read, among {@value #ROWS} CDRs.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CdrIndexTest {
  private static final int ROWS = 6_000;
  private static final int RARE = 1_500; // one row in this many comes in on trunk "initech"
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
              i % RARE == 7 ? "initech" : i % 2 == 0 ? "acme" : "globex",
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
      for (int i = 0; i < args.size(); i++) {
        s.setObject(i + 1, args.get(i));
      }
      try (ResultSet rs = s.executeQuery()) {
        assertThat(rs.next()).isTrue();
        return rs.getString(1);
      }
    }
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

  /** Runs {@code search} and returns how many block ranges and rows in them it read. */
  private long[] reads(ThrowingRunnable search) throws Exception {
    JdbcCdrStore store = db.cdrStore();
    long blocks = store.blocksRead();
    long rows = store.blockRowsRead();
    search.run();
    return new long[] {store.blocksRead() - blocks, store.blockRowsRead() - rows};
  }

  @FunctionalInterface
  interface ThrowingRunnable {
    void run() throws Exception;
  }

  @Test
  void aBlockHoldsAtMostItsSegmentsAndEachRowOnce() throws Exception {
    // The writer rewrites its open block's row with each batch: its size is what a batch writes
    // beside its rows (stop 20, branch cdr13), so no block may overflow its segments.
    long rows = 0;
    long lastSeq = Long.MIN_VALUE;
    int blocks = 0;
    try (Connection c = db.dataSource().getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT first_seq, last_seq, row_count, OCTET_LENGTH(filter) FROM cdr_block"
                    + " ORDER BY first_seq");
        ResultSet rs = s.executeQuery()) {
      while (rs.next()) {
        blocks++;
        assertThat(rs.getLong(1)).as("block %d's first seq", blocks).isGreaterThan(lastSeq);
        lastSeq = rs.getLong(2);
        rows += rs.getInt(3);
        assertThat(rs.getInt(4))
            .as("block %d's filter bytes", blocks)
            .isLessThanOrEqualTo(1 + CdrBlocks.SEGMENTS * CdrBlocks.SEGMENT);
      }
    }
    assertThat(rows).isEqualTo(ROWS);
    assertThat(blocks).isGreaterThanOrEqualTo(ROWS / (CdrBlocks.SEGMENTS * CdrBlocks.SEGMENT_ROWS));
  }

  @Test
  void aCallIdOfEitherLegReadsTheRowsOfOneSegment() throws Exception {
    Cdr cdr = written.get(ROWS / 3);
    for (String callId : List.of(cdr.aCallId(), cdr.bCallId())) {
      long[] read =
          reads(() -> assertThat(db.cdrStore().find(byCallId(callId))).containsExactly(cdr));
      // its own block, and now and then one whose filter gives a false positive (< 1 %)
      assertThat(read[0]).isBetween(1L, 2L);
      assertThat(read[1]).isLessThanOrEqualTo(2 * CdrBlocks.SEGMENT_ROWS);
    }
  }

  @Test
  void theTracesCdrByIdReadsTheRowsOfOneSegment() throws Exception {
    Cdr cdr = written.get(ROWS / 2);
    long[] read =
        reads(() -> {
          try (Connection c = db.dataSource().getConnection()) {
            assertThat(db.cdrStore().byId(c, cdr.id())).isEqualTo(cdr);
            assertThat(db.cdrStore().byId(c, "no-such-id")).isNull();
          }
        });
    assertThat(read[0]).isBetween(1L, 3L);
    assertThat(read[1]).isLessThanOrEqualTo(3 * CdrBlocks.SEGMENT_ROWS);
  }

  @Test
  void aNumberReadsTheRowsOfItsBlocks() throws Exception {
    Cdr cdr = written.get(ROWS / 4);
    for (String number : List.of(cdr.called(), cdr.caller().substring(0, 9))) {
      CdrQuery q = new CdrQuery(null, null, null, number, null, null, 50);
      long[] read = reads(() -> assertThat(db.cdrStore().find(q)).contains(cdr));
      // the filters keep prefixes of even length: the segments of the rows that share that one
      String kept = number.substring(0, number.length() & ~1);
      long sharing =
          written.stream()
              .filter(c -> c.caller().startsWith(kept) || c.called().startsWith(kept))
              .count();
      assertThat(read[0]).as(number).isBetween(1L, sharing + 2);
    }
  }

  /**
   * A prefix that many rows share reads each block's range once (not a scan per match, as {@code
   * seq IN (SELECT .. UNION SELECT ..)} did on H2), and stops at the newest blocks when they hold
   * enough.
   */
  @Test
  void aCommonPrefixReadsEachRowAtMostOnce() throws Exception {
    String prefix = "+74952";
    List<Cdr> all =
        written.reversed().stream()
            .filter(c -> c.caller().startsWith(prefix) || c.called().startsWith(prefix))
            .toList();
    assertThat(all).hasSizeBetween(ROWS / 20, ROWS / 5); // ~1/9 of the rows match
    CdrQuery every = new CdrQuery(null, null, null, prefix, null, null, ROWS);
    long[] read = reads(() -> assertThat(db.cdrStore().find(every)).containsExactlyElementsOf(all));
    assertThat(read[1]).isLessThanOrEqualTo(ROWS);

    CdrQuery newest = new CdrQuery(null, null, null, prefix, null, null, 10);
    read =
        reads(() ->
            assertThat(db.cdrStore().find(newest)).containsExactlyElementsOf(all.subList(0, 10)));
    assertThat(read[1]).isLessThan(ROWS / 10); // the newest segments only

    CdrQuery shortPrefix = new CdrQuery(null, null, null, "+7", null, null, 10);
    read =
        reads(() ->
            assertThat(db.cdrStore().find(shortPrefix))
                .containsExactlyElementsOf(written.reversed().subList(0, 10)));
    assertThat(read[0]).isLessThanOrEqualTo(2);
  }

  /**
   * A trunk that few rows name (schema version 10: no trunk index) reads the segments that hold it,
   * and now and then one whose filter gives a false positive: not every row.
   */
  @Test
  void aRareTrunkReadsTheRowsOfItsSegments() throws Exception {
    List<Cdr> rare =
        written.reversed().stream().filter(c -> c.fromTrunk().equals("initech")).toList();
    assertThat(rare).hasSize(ROWS / RARE);
    CdrQuery q = new CdrQuery(null, null, "initech", null, null, null, 50);
    long[] read = reads(() -> assertThat(db.cdrStore().find(q)).containsExactlyElementsOf(rare));
    assertThat(read[0]).isBetween((long) rare.size(), rare.size() + 2L);
    assertThat(read[1]).isLessThanOrEqualTo((rare.size() + 2L) * CdrBlocks.SEGMENT_ROWS);

    CdrQuery none = new CdrQuery(null, null, "no-such-trunk", null, null, null, 50);
    read = reads(() -> assertThat(db.cdrStore().find(none)).isEmpty());
    assertThat(read[0]).isLessThanOrEqualTo(2);
  }

  /**
   * A trunk that every other row names, in or out, answers with the newest of its rows (in a time
   * range too) and reads only the newest segments for them.
   */
  @Test
  void aCommonTrunkReadsTheNewestSegments() throws Exception {
    List<Cdr> acme =
        written.reversed().stream()
            .filter(c -> c.fromTrunk().equals("acme") || c.toTrunk().equals("acme"))
            .toList();
    CdrQuery newest = new CdrQuery(null, null, "acme", null, null, null, 10);
    long[] read =
        reads(() ->
            assertThat(db.cdrStore().find(newest)).containsExactlyElementsOf(acme.subList(0, 10)));
    assertThat(read[1]).isLessThanOrEqualTo(2 * CdrBlocks.SEGMENT_ROWS);

    List<Cdr> carrier2 =
        written.reversed().stream().filter(c -> c.toTrunk().equals("carrier2")).toList();
    Instant since = written.get(ROWS / 2).start();
    Instant until = written.get(ROWS / 2 + 600).start();
    List<Cdr> inRange =
        carrier2.stream()
            .filter(c -> !c.start().isBefore(since) && c.start().isBefore(until))
            .toList();
    assertThat(inRange).hasSize(200);
    CdrQuery range = new CdrQuery(since, until, "carrier2", null, null, null, 1_000);
    read = reads(() -> assertThat(db.cdrStore().find(range)).containsExactlyElementsOf(inRange));
    assertThat(read[1]).isLessThanOrEqualTo(600 + 2 * CdrBlocks.SEGMENT_ROWS);
  }

  /** Each block's rows are read through the primary key, whatever else the search names. */
  @Test
  void aBlocksRowsAreReadByTheirRangeOfSeq() throws Exception {
    Cdr cdr = written.get(ROWS / 5);
    String plan =
        plan(
            JdbcCdrStore.IN_BLOCK + " AND start_at >= ? AND (a_call_id = ? OR b_call_id = ?)",
            List.of(1L, 500L, T0.atOffset(java.time.ZoneOffset.UTC), cdr.aCallId(), cdr.aCallId()));
    assertThat(plan).contains("PRIMARY_KEY");
    assertThat(mostRowsRead(plan))
        .as(plan)
        .isLessThanOrEqualTo(501); // H2 counts the row past the end
  }

  /**
   * Without a key (schema version 11: no start index) the newest rows, a time range and a status
   * read the segments whose range of start may hold them: not every row.
   */
  @Test
  void theNewestATimeRangeAndAStatusReadTheirSegments() throws Exception {
    long[] read =
        reads(() ->
            assertThat(db.cdrStore().find(CdrQuery.newest(10)))
                .containsExactlyElementsOf(written.reversed().subList(0, 10)));
    assertThat(read[0])
        .isBetween(1L, 2L); // the newest segment, and the one before when it is short
    assertThat(read[1]).isLessThanOrEqualTo(2 * CdrBlocks.SEGMENT_ROWS);

    Instant since = written.get(ROWS / 3).start();
    Instant until = written.get(ROWS / 3 + 700).start();
    CdrQuery range = new CdrQuery(since, until, null, null, null, null, 1_000);
    read =
        reads(() ->
            assertThat(db.cdrStore().find(range))
                .containsExactlyElementsOf(written.subList(ROWS / 3, ROWS / 3 + 700).reversed()));
    assertThat(read[1]).isLessThanOrEqualTo(700 + 2 * CdrBlocks.SEGMENT_ROWS);

    CdrQuery failed =
        new CdrQuery(since, until, null, null, null, CdrQuery.StatusFilter.parse("4xx"), 10);
    read = reads(() -> assertThat(db.cdrStore().find(failed)).isEmpty());
    assertThat(read[1]).isLessThanOrEqualTo(700 + 2 * CdrBlocks.SEGMENT_ROWS);
  }

  /**
   * Schema version 12: a search without a key reads the summaries newest first through the index on
   * {@code max_start}, a chunk at a time: the first chunk reads that many summaries, not all.
   */
  @Test
  void theSummariesAreReadNewestFirstByTheirIndexAChunkAtATime() throws Exception {
    String plan =
        plan(
            CdrBlocks.Candidates.sql(false, false, false, CdrBlocks.Candidates.FIRST_CHUNK),
            List.of());
    assertThat(plan).containsIgnoringCase("CDR_BLOCK_MAX_START");
    assertThat(mostRowsRead(plan))
        .as(plan)
        .isLessThanOrEqualTo(CdrBlocks.Candidates.FIRST_CHUNK + 1);
  }

  /**
   * A later chunk reads from the last block read on, through the index, not again from the newest
   * block: a search by key reads every chunk, and H2 took no index bound from the keyset condition
   * alone (each chunk read the index from its newest end: 5x slower searches by Call-ID at 5 M
   * rows).
   */
  @Test
  void aLaterChunkStartsReadingAtTheLastBlockRead() throws Exception {
    List<Object[]> blocks = new ArrayList<>();
    try (Connection c = db.dataSource().getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT max_start, id FROM cdr_block ORDER BY max_start DESC, id DESC");
        ResultSet rs = s.executeQuery()) {
      while (rs.next()) {
        blocks.add(new Object[] {rs.getObject(1, java.time.OffsetDateTime.class), rs.getLong(2)});
      }
    }
    assertThat(blocks).as("blocks to page through").hasSizeGreaterThan(12);
    Object[] last = blocks.get(blocks.size() - 6); // five older blocks left after it
    int chunk = 4;
    String plan =
        plan(
            CdrBlocks.Candidates.sql(false, false, true, chunk),
            List.of(last[0], last[0], last[1]));
    assertThat(plan).containsIgnoringCase("CDR_BLOCK_MAX_START");
    assertThat(mostRowsRead(plan)).as(plan).isLessThanOrEqualTo(chunk + 2);
  }

  /** Pages of the newest rows as large as several blocks, whole and in order. */
  @Test
  void theNewestPagesAcrossBlocksAreWholeAndInOrder() throws Exception {
    for (int limit : new int[] {1, 255, 1_024, 1_500, 4_100, ROWS, ROWS + 10}) {
      assertThat(db.cdrStore().find(CdrQuery.newest(limit)))
          .as("newest %d", limit)
          .containsExactlyElementsOf(written.reversed().subList(0, Math.min(limit, ROWS)));
    }
  }

  /** A time range in the middle, across block boundaries; ranges with nothing in them. */
  @Test
  void aTimeRangeInTheMiddleAndAnEmptyRange() throws Exception {
    int from = ROWS / 2 - 1_100;
    int to = ROWS / 2 + 1_300;
    CdrQuery middle =
        new CdrQuery(
            written.get(from).start(), written.get(to).start(), null, null, null, null, 5_000);
    assertThat(db.cdrStore().find(middle))
        .containsExactlyElementsOf(written.subList(from, to).reversed());
    CdrQuery middlePage =
        new CdrQuery(written.get(from).start(), written.get(to).start(), null, null, null, null, 7);
    assertThat(db.cdrStore().find(middlePage))
        .containsExactlyElementsOf(written.subList(to - 7, to).reversed());

    Instant after = written.getLast().start().plusSeconds(1);
    assertThat(db.cdrStore().find(new CdrQuery(after, null, null, null, null, null, 10))).isEmpty();
    assertThat(db.cdrStore().find(new CdrQuery(null, T0, null, null, null, null, 10))).isEmpty();
    Instant gap = written.get(from).start().plusMillis(100); // between two rows 500 ms apart
    assertThat(
            db.cdrStore().find(new CdrQuery(gap, gap.plusMillis(300), null, null, null, null, 10)))
        .isEmpty();
  }

  @Test
  void theStartIndexIsGone() throws Exception {
    try (Connection c = db.dataSource().getConnection();
        ResultSet rs = c.getMetaData().getIndexInfo(null, null, "CDR", false, false)) {
      List<String> indexes = new ArrayList<>();
      while (rs.next()) {
        indexes.add(rs.getString("INDEX_NAME"));
      }
      assertThat(indexes).isNotEmpty().noneMatch(n -> n.equalsIgnoreCase("cdr_start"));
    }
  }
}
