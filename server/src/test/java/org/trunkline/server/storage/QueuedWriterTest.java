package org.trunkline.server.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The shared writer on an in-memory H2: batches, isolation of a bad item, a full queue, close. */
class QueuedWriterTest {
  private final JdbcDataSource db = new JdbcDataSource();

  @BeforeEach
  void table() throws SQLException {
    db.setURL("jdbc:h2:mem:qw" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
    try (Connection c = db.getConnection();
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE item (v VARCHAR(8) NOT NULL)");
    }
  }

  private static void insert(Connection c, List<String> items) throws SQLException {
    try (PreparedStatement i = c.prepareStatement("INSERT INTO item (v) VALUES (?)")) {
      for (String item : items) {
        i.setString(1, item);
        i.addBatch();
      }
      i.executeBatch();
    }
  }

  private List<String> stored() throws SQLException {
    List<String> out = new ArrayList<>();
    try (Connection c = db.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT v FROM item ORDER BY v")) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  @Test
  void closeWritesEverythingQueuedAndOneBadItemLosesOnlyItself() throws Exception {
    List<Integer> batchSizes = new ArrayList<>();
    QueuedWriter<String> writer =
        new QueuedWriter<>(
            "item",
            db,
            1_000,
            10,
            (c, items) -> {
              batchSizes.add(items.size());
              insert(c, items);
            },
            s -> "item " + s);
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      String v = String.format("v%02d", i);
      assertThat(writer.offer(v)).isTrue();
      expected.add(v);
    }
    assertThat(writer.offer("much-too-long")).isTrue(); // VARCHAR(8): fails alone
    writer.close();

    assertThat(stored()).isEqualTo(expected);
    assertThat(writer.written()).isEqualTo(25);
    assertThat(writer.failed()).isOne();
    assertThat(batchSizes).allMatch(n -> n <= 10);
    assertThat(writer.offer("late")).isFalse();
    assertThat(writer.refused()).isOne();
    writer.close(); // idempotent
  }

  @Test
  void itemsGatherBetweenTheWritersLooksAndAreWrittenInFullBatches() throws Exception {
    List<Integer> batchSizes = java.util.Collections.synchronizedList(new ArrayList<>());
    // the writer looks once an hour: nothing wakes it but close()
    QueuedWriter<String> writer =
        new QueuedWriter<>(
            "item",
            db,
            1_000,
            10,
            (c, items) -> {
              batchSizes.add(items.size());
              insert(c, items);
            },
            s -> "item " + s,
            java.time.Duration.ofHours(1));
    for (int i = 0; i < 35; i++) {
      assertThat(writer.offer(String.format("v%02d", i))).isTrue();
    }
    assertThat(batchSizes).as("an offer does not wake the writer").isEmpty();
    writer.close();

    assertThat(batchSizes).containsExactly(10, 10, 10, 5);
    assertThat(stored()).hasSize(35);
    assertThat(writer.written()).isEqualTo(35);
  }

  @Test
  void theWriterLooksAgainAfterItsIntervalWithoutBeingWoken() throws Exception {
    QueuedWriter<String> writer =
        new QueuedWriter<>(
            "item",
            db,
            1_000,
            10,
            QueuedWriterTest::insert,
            s -> "item " + s,
            java.time.Duration.ofMillis(50));
    try {
      assertThat(writer.offer("a")).isTrue();
      await().atMost(java.time.Duration.ofSeconds(10)).until(() -> writer.written() == 1);
      assertThat(stored()).containsExactly("a");
    } finally {
      writer.close();
    }
  }

  @Test
  void anIdleWriterSleepsWithoutADeadlineUntilAnOfferWakesIt() throws Exception {
    QueuedWriter<String> writer =
        new QueuedWriter<>(
            "item",
            db,
            1_000,
            10,
            QueuedWriterTest::insert,
            s -> "item " + s,
            java.time.Duration.ofMillis(50));
    try {
      // WAITING, not TIMED_WAITING: no timed looks on an empty queue (an idle server's writer)
      await().atMost(java.time.Duration.ofSeconds(10)).until(writer::asleep);
      long slept = writer.sleeps();
      assertThat(writer.offer("a")).isTrue();
      await().atMost(java.time.Duration.ofSeconds(10)).until(() -> writer.written() == 1);
      assertThat(stored()).containsExactly("a");
      await().atMost(java.time.Duration.ofSeconds(10)).until(writer::asleep);
      assertThat(writer.sleeps()).as("one sleep per idle spell").isEqualTo(slept + 1);
      assertThat(writer.offer("b")).isTrue();
      await().atMost(java.time.Duration.ofSeconds(10)).until(() -> writer.written() == 2);
      assertThat(stored()).containsExactly("a", "b");
    } finally {
      writer.close();
    }
    assertThat(writer.written()).isEqualTo(2);
  }

  @Test
  void aFullQueueRefusesWithoutBlocking() throws Exception {
    CountDownLatch writing = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    QueuedWriter<String> writer =
        new QueuedWriter<>(
            "item",
            db,
            3,
            10,
            (c, items) -> {
              writing.countDown();
              try {
                release.await(30, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              insert(c, items);
            },
            s -> "item " + s);
    assertThat(writer.offer("first")).isTrue();
    assertThat(writing.await(10, TimeUnit.SECONDS)).isTrue(); // the writer holds "first"
    assertThat(writer.offer("q1")).isTrue();
    assertThat(writer.offer("q2")).isTrue();
    assertThat(writer.offer("q3")).isTrue();
    assertThat(writer.offer("over")).isFalse();
    assertThat(writer.refused()).isOne();

    release.countDown();
    await().atMost(Duration.ofSeconds(10)).until(() -> writer.written() == 4);
    writer.close();
    assertThat(stored()).containsExactly("first", "q1", "q2", "q3");
  }

  @Test
  void manyThreadsOfferAtOnceAndEveryItemIsWrittenOnceInEachThreadsOrder() throws Exception {
    List<String> order = java.util.Collections.synchronizedList(new ArrayList<>());
    QueuedWriter<String> writer =
        new QueuedWriter<>(
            "item",
            db,
            100_000,
            500,
            (c, items) -> {
              insert(c, items);
              order.addAll(items);
            },
            s -> "item " + s,
            Duration.ofMillis(5));
    int threads = 4;
    int each = 5_000;
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> producers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int id = t;
      Thread p =
          new Thread(() -> {
            try {
              start.await();
            } catch (InterruptedException e) {
              return;
            }
            for (int i = 0; i < each; i++) {
              assertThat(writer.offer(id + "-" + i)).isTrue();
            }
          });
      p.start();
      producers.add(p);
    }
    start.countDown();
    for (Thread p : producers) {
      p.join();
    }
    writer.close();
    assertThat(writer.written()).isEqualTo(threads * each);
    assertThat(writer.refused()).isZero();
    assertThat(order).hasSize(threads * each).doesNotHaveDuplicates();
    for (int t = 0; t < threads; t++) {
      String prefix = t + "-";
      List<String> mine = order.stream().filter(v -> v.startsWith(prefix)).toList();
      for (int i = 0; i < each; i++) {
        assertThat(mine.get(i)).isEqualTo(prefix + i);
      }
    }
  }
}
