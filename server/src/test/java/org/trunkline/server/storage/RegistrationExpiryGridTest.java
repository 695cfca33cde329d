package org.trunkline.server.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.trunkline.core.registrar.Binding;
import org.trunkline.server.config.DatabaseConfig;

/**
 * The registration writer's expiry grid, a quarter of a binding's lifetime (JdbcLocationStore): a
 * PBX refreshing every few seconds costs a few UPDATEs an hour, and after a restart no binding a
 * PBX refreshed in time is lost, whatever its lifetime: the stored expiry is at or after the last
 * one granted, and less than a quarter of the lifetime (at least 60 s) after it.
 */
class RegistrationExpiryGridTest {
  @TempDir Path dir;

  /** 2026-11-28 13:00 UTC, not on any grid's multiple. */
  private static final long T0 = 1_796_216_400_123L;

  private DatabaseConfig h2() {
    return new DatabaseConfig("jdbc:h2:file:" + dir.resolve("grid"), null, null, 2);
  }

  private static Binding granted(Binding b, long expiresAt, long cseq) {
    return LocationStoreContract.refresh(b, expiresAt, b.callId(), cseq);
  }

  /**
   * A PBX refreshes its binding every {@code every} s for 30 minutes, each time granted {@code
   * lifetime} s; then the server restarts: its row covers the last grant, by less than the grid.
   */
  @ParameterizedTest(name = "lifetime {0} s, refreshed every {1} s: grid {2} s")
  @CsvSource({"3600, 10, 900", "600, 10, 120", "120, 10, 60", "60, 5, 60", "3600, 1800, 900"})
  void refreshesInTimeSurviveARestartWithFewWrites(long lifetime, long every, long gridSeconds)
      throws Exception {
    AtomicLong now = new AtomicLong(T0);
    Binding b =
        granted(
            LocationStoreContract.binding("sip:pbx@192.0.2.1:5060", 0, "192.0.2.1"),
            T0 + lifetime * 1000,
            1);
    long grid = gridSeconds * 1000;
    // the first save, then one each time the grants pass the row's multiple of the grid
    long maxWrites = 1 + Math.min(1800 / every, Math.ceilDiv(1800, gridSeconds));
    try (Database db = Database.open(h2())) {
      JdbcLocationStore store =
          new JdbcLocationStore(
              db.dataSource(), Duration.ofMillis(20), JdbcLocationStore.EXPIRY_GRID, now::get);
      store.save(b, null);
      int refreshes = 0;
      for (long t = every; t <= 1800; t += every) {
        now.set(T0 + t * 1000);
        Binding next = granted(b, now.get() + lifetime * 1000, b.cseq() + 1);
        store.save(next, b);
        b = next;
        refreshes++;
      }
      store.close();
      // changes handed to the writer (it may write fewer: one that waits is replaced by the next)
      long queued = refreshes + 1 - store.deferred();
      assertThat(queued).isBetween(1L, maxWrites);
      assertThat(store.written()).isBetween(1L, queued);
      assertThat(store.failed()).isZero();
    }
    try (Database db = Database.open(h2())) {
      Binding loaded = db.locationStore().loadAll().get(0);
      assertThat(loaded.contact()).isEqualTo(b.contact());
      assertThat(loaded.expiresAt()).isBetween(b.expiresAt(), b.expiresAt() + grid - 1);
    }
  }

  /**
   * A refresh with a shorter lifetime than the row's grid holds is covered by the row (not
   * written); one with a longer lifetime is written, rounded on its own grid.
   */
  @Test
  void aChangedLifetimeIsWrittenWhenTheRowNoLongerCoversIt() throws Exception {
    AtomicLong now = new AtomicLong(T0);
    Binding b =
        granted(
            LocationStoreContract.binding("sip:pbx@192.0.2.1:5060", 0, "192.0.2.1"),
            T0 + 3_600_000,
            1);
    Binding shorter;
    Binding longer;
    try (Database db = Database.open(h2())) {
      JdbcLocationStore store =
          new JdbcLocationStore(
              db.dataSource(), Duration.ofMillis(20), JdbcLocationStore.EXPIRY_GRID, now::get);
      store.save(b, null);
      now.addAndGet(60_000);
      shorter = granted(b, now.get() + 600_000, 2);
      store.save(shorter, b); // 11 minutes from T0, inside the first hour's row: not written
      now.addAndGet(60_000);
      longer = granted(shorter, now.get() + 7_200_000, 3);
      store.save(longer, shorter); // 2 h 2 min from T0: past the row, written
      store.close();
      assertThat(store.deferred()).isEqualTo(1);
    }
    try (Database db = Database.open(h2())) {
      Binding loaded = db.locationStore().loadAll().get(0);
      assertThat(loaded.cseq()).isEqualTo(3);
      // a quarter of 7,200 s: rounded up to a multiple of 1,800 s
      assertThat(loaded.expiresAt() % 1_800_000).isZero();
      assertThat(loaded.expiresAt()).isBetween(longer.expiresAt(), longer.expiresAt() + 1_799_999);
    }
  }
}
