package org.trunkline.server.storage;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trunkline.core.registrar.Binding;
import org.trunkline.core.registrar.LocationStore;
import org.trunkline.stack.Transport;

/**
 * Registrations in the {@code registration} table. Writes are queued to one writer thread, so the
 * event loops never wait on the database; {@link #close} writes what is queued (a clean shutdown
 * loses nothing). A failed write is logged and counted, never thrown at the caller.
 *
 * <p>The queue holds the newest state of each (trunk, contact), not every change: a refresh that
 * arrives while the previous one of the same contact still waits replaces it. So the queue never
 * holds more entries than there are bindings (a re-registration storm of 100,000 contacts queues at
 * most 100,000 rows, however often each refreshes), and the writer stores what is waiting in
 * transactions of up to {@link #BATCH} rows (batched statements: DELETE for removals, UPDATE for
 * saves, INSERT for saves that found no row), instead of one transaction per REGISTER.
 *
 * <p>Saving never wakes the writer: it looks for changes every {@link #FLUSH_INTERVAL} (200 ms), or
 * at once while it is behind (its last batch was full). So an event loop's save costs a map entry
 * and a queue node, not a thread wake-up, and re-registrations at 2,000/s become one transaction of
 * about 400 rows five times a second, not one transaction per REGISTER. A {@code kill -9} loses at
 * most the last interval's changes (ARCHITECTURE.md bounds that at one second).
 *
 * <p>A refresh that changes only the expiry, the Call-ID and the CSeq of the binding it replaces
 * (the same source, transport, listen point, User-Agent and first registration: the common case of
 * a PBX re-registering) is a shorter UPDATE of those three columns, unless the change before it is
 * still waiting or was not stored.
 *
 * <p>The {@code expires_at} column holds the granted expiry rounded up to the next multiple of a
 * grid: a quarter of the binding's lifetime (the Expires granted), in whole multiples of {@link
 * #EXPIRY_GRID} (60 s), at least 60 s; never earlier than the one granted. The store remembers the
 * expiry each row holds (or will hold once its change is written), so a refresh like that whose
 * grant the row already covers is not written at all: a PBX that refreshes a 3,600 s binding every
 * few seconds costs one UPDATE every 15 minutes, not one per REGISTER (nor one a minute, as with a
 * fixed 60 s grid: bench/RESULTS.md, stop 20, branch reg13). The price: after a restart, a binding
 * may outlive its grant by less than a quarter of its lifetime (less than 60 s when that is
 * shorter: a UA that vanished without unregistering is kept that much longer than the whole
 * lifetime a running server keeps it), and its row holds the Call-ID and CSeq of the last refresh
 * that was written (older than the one in memory, so the PBX's next REGISTER is still in order). A
 * binding never lapses early after a restart, whatever grant it had, and one that expires or is
 * removed while the server runs is deleted as before. Remembering what each row holds costs one map
 * entry per binding (87 B per contact, measured in the same RESULTS section).
 *
 * <p>{@link #save} and {@link #remove} may be called from any thread.
 */
final class JdbcLocationStore implements LocationStore, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(JdbcLocationStore.class);

  /** The most rows one transaction writes. */
  static final int BATCH = 1000;

  /** How often the writer looks for changes when it is not behind. */
  static final Duration FLUSH_INTERVAL = Duration.ofMillis(200);

  /**
   * The stored expiry is the granted one rounded up to a multiple of this, or of a larger multiple
   * of it (see above).
   */
  static final Duration EXPIRY_GRID = Duration.ofSeconds(60);

  /** The grid is the binding's lifetime divided by this (rounded down to {@link #EXPIRY_GRID}). */
  static final int LIFETIME_PER_GRID = 4;

  private record Key(String trunk, String contact) {}

  /**
   * What waits to be written for a key: the binding to store, or null to delete; {@code refresh}
   * when the stored row differs from it only in expires_at, call_id and cseq; {@code expiresAt} the
   * expiry written for it (rounded up).
   */
  private record Pending(Binding binding, boolean refresh, long expiresAt, boolean fresh) {
    /**
     * {@code next} replacing this one before it was written: a refresh only if both were, an INSERT
     * alone ({@code fresh}) only if this one was one too (after a removal still waiting, the row is
     * there).
     */
    Pending then(Pending next) {
      if (next.refresh && !(binding != null && refresh)) {
        return new Pending(next.binding, false, next.expiresAt, false);
      }
      if (next.fresh && !fresh) {
        return new Pending(next.binding, next.refresh, next.expiresAt, false);
      }
      return next;
    }
  }

  /**
   * The expiry each stored row holds, or will hold once the change waiting for it is written
   * (absent: unknown, the next change of it is written).
   */
  private volatile Map<Key, Long> rowExpiry = new ConcurrentHashMap<>();

  /** Keys whose last write failed: their row may hold older columns than a refresh assumes. */
  private final Set<Key> unsure = ConcurrentHashMap.newKeySet();

  private final DataSource db;
  private final long flushNanos;
  private final long gridMillis;
  private final LongSupplier clock;
  private final LongAdder deferred = new LongAdder();
  private final Map<Key, Pending> pending = new ConcurrentHashMap<>();
  private final Queue<Key> dirty = new ConcurrentLinkedQueue<>();
  private final LongAdder written = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final Thread writer;
  private volatile boolean closing;

  /**
   * Whether {@link #loadAll} read every row: from then on, a key {@link #rowExpiry} does not hold
   * has no row, unless a removal of it still waits or a write of it failed (see {@link #fresh}).
   */
  private volatile boolean loaded;

  /**
   * The writer's sleep while nothing waits (an idle registrar's writer does not look 5 times a
   * second), woken by the next change or by close().
   */
  private final IdleSleep idle = new IdleSleep(() -> dirty.isEmpty() && !closing);

  JdbcLocationStore(DataSource db) {
    this(db, FLUSH_INTERVAL);
  }

  /**
   * @param flushInterval how often the writer looks for changes when it is not behind
   */
  JdbcLocationStore(DataSource db, Duration flushInterval) {
    this(db, flushInterval, EXPIRY_GRID);
  }

  /**
   * @param flushInterval how often the writer looks for changes when it is not behind
   * @param expiryGrid the stored expiry is rounded up to a multiple of this; zero stores it as
   *     granted and writes every refresh
   */
  JdbcLocationStore(DataSource db, Duration flushInterval, Duration expiryGrid) {
    this(db, flushInterval, expiryGrid, System::currentTimeMillis);
  }

  /**
   * @param flushInterval how often the writer looks for changes when it is not behind
   * @param expiryGrid the smallest grid the stored expiry is rounded up to; zero stores it as
   *     granted and writes every refresh
   * @param clock now, epoch milliseconds: a binding's lifetime is its expiry minus this when saved
   */
  JdbcLocationStore(
      DataSource db, Duration flushInterval, Duration expiryGrid, LongSupplier clock) {
    this.db = db;
    this.flushNanos = flushInterval.toNanos();
    this.gridMillis = expiryGrid.toMillis();
    this.clock = clock;
    this.writer = new Thread(this::writeLoop, "registration-writer");
    writer.setDaemon(true);
    writer.start();
  }

  @Override
  public List<Binding> loadAll(int expectedContacts) {
    // sized before any traffic: a fill of new contacts does not grow it on the event loops
    if (expectedContacts > 0 && rowExpiry.isEmpty()) {
      rowExpiry = new ConcurrentHashMap<>(expectedContacts);
    }
    return loadAll();
  }

  @Override
  public List<Binding> loadAll() {
    List<Binding> out = new ArrayList<>();
    try (Connection c = db.getConnection();
        PreparedStatement q =
            c.prepareStatement(
                "SELECT trunk, contact, expires_at, transport, source_ip, source_port,"
                    + " listen_point, call_id, cseq, user_agent, registered_at FROM registration");
        ResultSet rs = q.executeQuery()) {
      while (rs.next()) {
        try {
          long expiresAt = rs.getLong(3);
          // what the row holds, whatever grid wrote it: a refresh it covers is not written
          rowExpiry.put(new Key(rs.getString(1), rs.getString(2)), expiresAt);
          out.add(
              new Binding(
                  rs.getString(1),
                  rs.getString(2),
                  expiresAt,
                  Transport.valueOf(rs.getString(4)),
                  new InetSocketAddress(InetAddress.getByName(rs.getString(5)), rs.getInt(6)),
                  rs.getString(7),
                  rs.getString(8),
                  rs.getLong(9),
                  rs.getString(10),
                  rs.getLong(11)));
        } catch (IllegalArgumentException | java.net.UnknownHostException e) {
          LOG.warn(
              "skipped unreadable registration of trunk {}: {}", rs.getString(1), e.getMessage());
        }
      }
      loaded = true;
    } catch (SQLException e) {
      LOG.error("cannot load registrations: {}", e.getMessage());
    }
    return out;
  }

  @Override
  public void save(Binding b) {
    enqueue(new Key(b.trunk(), b.contact()), b, false);
  }

  @Override
  public void save(Binding b, Binding previous) {
    Key k = new Key(b.trunk(), b.contact());
    boolean refresh = previous != null && refreshes(b, previous);
    if (refresh && gridMillis > 0) {
      // the row holds (or will once its waiting change is written) an expiry at or after b's:
      // nothing to write, unless its last write failed (its columns are unsure)
      Long row = rowExpiry.get(k);
      if (row != null && b.expiresAt() <= row && (unsure.isEmpty() || !unsure.contains(k))) {
        deferred.increment();
        return;
      }
    }
    enqueue(k, b, refresh);
  }

  /**
   * The expiry written for one granted until {@code expiresAt}: never earlier; rounded up to a
   * quarter of its lifetime (a multiple of the grid, at least one).
   */
  private long stored(long expiresAt) {
    if (gridMillis <= 0) {
      return expiresAt;
    }
    // the lifetime in whole seconds, rounded up: the registrar's clock read a moment earlier
    long lifetime = Math.ceilDiv(expiresAt - clock.getAsLong(), 1000) * 1000;
    long grid = Math.max(1, lifetime / LIFETIME_PER_GRID / gridMillis);
    grid = grid > Long.MAX_VALUE / gridMillis ? gridMillis : grid * gridMillis;
    if (expiresAt > Long.MAX_VALUE - grid) {
      return expiresAt;
    }
    return Math.ceilDiv(expiresAt, grid) * grid;
  }

  /** Refreshes not written because the stored expiry already covered them. */
  long deferred() {
    return deferred.sum();
  }

  /** Whether {@code b} differs from {@code previous} at most in expires_at, call_id and cseq. */
  private static boolean refreshes(Binding b, Binding previous) {
    return b.trunk().equals(previous.trunk())
        && b.contact().equals(previous.contact())
        && b.transport() == previous.transport()
        && b.source().equals(previous.source())
        && java.util.Objects.equals(b.listenPoint(), previous.listenPoint())
        && b.userAgent().equals(previous.userAgent())
        && b.registeredAt() == previous.registeredAt();
  }

  @Override
  public void remove(String trunk, String contact) {
    enqueue(new Key(trunk, contact), null, false);
  }

  /**
   * Whether a save of {@code k} may be an INSERT alone: every row was loaded, the store knows of no
   * row of {@code k} (a new contact: in a fill of 100,000, the UPDATE that finds nothing before
   * each INSERT was one statement of two) and none of its writes failed. A removal of {@code k}
   * still waiting turns it into an UPDATE-or-INSERT ({@link Pending#then}); should the INSERT still
   * find a row, the transaction is written again that way.
   */
  private boolean fresh(Key k) {
    return loaded && !rowExpiry.containsKey(k) && (unsure.isEmpty() || !unsure.contains(k));
  }

  private void enqueue(Key k, Binding b, boolean refresh) {
    if (closing) {
      LOG.warn(
          "registration {} of trunk {} not stored: the database is closing", k.contact, k.trunk);
      failed.increment();
      return;
    }
    Pending p;
    if (b == null) {
      rowExpiry.remove(k);
      p = new Pending(null, false, 0, false);
    } else {
      p = new Pending(b, refresh, stored(b.expiresAt()), !refresh && fresh(k));
      rowExpiry.put(k, p.expiresAt());
    }
    // a key is in `dirty` at most once while its state waits in `pending`: the writer removes the
    // state before it writes it, so a change made after that enqueues the key again
    Pending before = pending.putIfAbsent(k, p);
    while (before != null) {
      // a change still waits: this one replaces it (a refresh only if both were)
      if (pending.replace(k, before, before.then(p))) {
        return;
      }
      before = pending.putIfAbsent(k, p); // the writer took it meanwhile
    }
    dirty.add(k);
    idle.wake(writer);
  }

  /** Changes waiting to be written (distinct trunk + contact pairs). */
  @Override
  public long pending() {
    return pending.size();
  }

  /** Rows written (stored or deleted) since start. */
  long written() {
    return written.sum();
  }

  /** Changes that could not be written (logged). */
  @Override
  public long failed() {
    return failed.sum();
  }

  private void writeLoop() {
    List<Key> keys = new ArrayList<>(BATCH);
    boolean behind = false;
    while (true) {
      if (!behind) {
        if (dirty.isEmpty() && !idle.sleep()) {
          return; // close() gave up waiting
        }
        // let changes gather (close() unparks it)
        if (!idle.gather(flushNanos, () -> closing)) {
          return; // close() gave up waiting
        }
      }
      // read before draining: every change queued before close() set it is drained below
      boolean stop = closing;
      Key k;
      while (keys.size() < BATCH && (k = dirty.poll()) != null) {
        keys.add(k);
      }
      behind = keys.size() == BATCH;
      if (!keys.isEmpty()) {
        writeKeys(keys);
        keys.clear();
      }
      if (stop) {
        behind = true; // no more naps: drain what is left, then end
        if (dirty.isEmpty()) {
          return;
        }
      }
    }
  }

  /** Whether the writer sleeps now with nothing to write (for tests). */
  boolean asleep() {
    return idle.asleep(writer);
  }

  /** Writes the newest state of each of {@code keys} that is still waiting. */
  private void writeKeys(List<Key> keys) {
    List<Key> changes = new ArrayList<>(keys.size());
    List<Key> removals = new ArrayList<>();
    List<Pending> saves = new ArrayList<>(keys.size());
    List<Pending> refreshes = new ArrayList<>(keys.size());
    List<Pending> inserts = new ArrayList<>();
    for (Key k : keys) {
      Pending p = pending.remove(k);
      if (p != null) {
        changes.add(k);
        boolean sure = unsure.isEmpty() || !unsure.remove(k);
        if (p.binding() == null) {
          removals.add(k);
        } else if (p.refresh() && sure) {
          refreshes.add(p);
        } else if (p.fresh() && sure) {
          inserts.add(p);
        } else {
          saves.add(p);
        }
      }
    }
    if (!changes.isEmpty()) {
      write(changes, removals, saves, refreshes, inserts);
    }
  }

  /**
   * One transaction: a removal is a DELETE; a save UPDATEs its row (a refresh, the common case, is
   * one statement, of three columns when only those changed) and is INSERTed where there was none;
   * a new contact ({@code fresh}) is INSERTed at once. Should that INSERT fail (a row the store did
   * not know of), the transaction is written again with those as UPDATE-or-INSERT.
   */
  private void write(
      List<Key> changes,
      List<Key> removals,
      List<Pending> saves,
      List<Pending> refreshes,
      List<Pending> fresh) {
    List<Pending> saves0 = fresh.isEmpty() ? List.of() : List.copyOf(saves);
    List<Pending> refreshes0 = fresh.isEmpty() ? List.of() : List.copyOf(refreshes);
    try (Connection c = db.getConnection()) {
      c.setAutoCommit(false);
      try {
        writeAll(c, removals, saves, refreshes, fresh);
      } catch (SQLException e) {
        c.rollback();
        if (fresh.isEmpty()) {
          throw e;
        }
        LOG.warn(
            "registration writer: an INSERT of a new contact found its row ({}); writing {} changes"
                + " again as UPDATE-or-INSERT",
            e.getMessage(),
            changes.size());
        List<Pending> all = new ArrayList<>(saves0);
        all.addAll(fresh);
        writeAll(c, removals, all, new ArrayList<>(refreshes0), List.of());
      }
      c.commit();
      written.add(changes.size());
    } catch (SQLException e) {
      failed.add(changes.size());
      unsure.addAll(changes);
      // what these rows hold is unknown now: their next change is written
      changes.forEach(rowExpiry::remove);
      LOG.error(
          "cannot store {} registration changes (first: {} of trunk {}): {}",
          changes.size(),
          changes.get(0).contact(),
          changes.get(0).trunk(),
          e.getMessage());
    }
  }

  /** The statements of one transaction (see {@link #write}); {@code fresh} rows INSERTed alone. */
  private static void writeAll(
      Connection c,
      List<Key> removals,
      List<Pending> saves,
      List<Pending> refreshes,
      List<Pending> fresh)
      throws SQLException {
    delete(c, removals);
    List<Pending> inserts = new ArrayList<>(fresh);
    if (!refreshes.isEmpty()) {
      int[] updated;
      try (PreparedStatement u =
          c.prepareStatement(
              "UPDATE registration SET expires_at = ?, call_id = ?, cseq = ?"
                  + " WHERE trunk = ? AND contact = ?")) {
        for (Pending p : refreshes) {
          Binding b = p.binding();
          u.setLong(1, p.expiresAt());
          u.setString(2, truncate(b.callId(), 256));
          u.setLong(3, b.cseq());
          u.setString(4, b.trunk());
          u.setString(5, b.contact());
          u.addBatch();
        }
        updated = u.executeBatch();
      }
      for (int k = 0; k < refreshes.size(); k++) {
        if (updated[k] <= 0) {
          saves.add(refreshes.get(k)); // no row (or cannot tell): the whole binding, below
        }
      }
    }
    if (!saves.isEmpty()) {
      int[] updated;
      try (PreparedStatement u =
          c.prepareStatement(
              "UPDATE registration SET expires_at = ?, transport = ?, source_ip = ?,"
                  + " source_port = ?, listen_point = ?, call_id = ?, cseq = ?, user_agent = ?,"
                  + " registered_at = ? WHERE trunk = ? AND contact = ?")) {
        for (Pending p : saves) {
          bindColumns(u, 1, p);
          u.setString(10, p.binding().trunk());
          u.setString(11, p.binding().contact());
          u.addBatch();
        }
        updated = u.executeBatch();
      }
      List<Key> unknown = new ArrayList<>();
      for (int k = 0; k < saves.size(); k++) {
        if (updated[k] == 0) {
          inserts.add(saves.get(k));
        } else if (updated[k] < 0) {
          // a driver that cannot tell (SUCCESS_NO_INFO): replace the row, as before
          Binding b = saves.get(k).binding();
          unknown.add(new Key(b.trunk(), b.contact()));
          inserts.add(saves.get(k));
        }
      }
      delete(c, unknown);
    }
    if (!inserts.isEmpty()) {
      try (PreparedStatement i =
          c.prepareStatement(
              "INSERT INTO registration (trunk, contact, expires_at, transport, source_ip,"
                  + " source_port, listen_point, call_id, cseq, user_agent, registered_at)"
                  + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        for (Pending p : inserts) {
          i.setString(1, p.binding().trunk());
          i.setString(2, p.binding().contact());
          bindColumns(i, 3, p);
          i.addBatch();
        }
        i.executeBatch();
      }
    }
  }

  /**
   * A binding's nine columns after its key, in the order both the full UPDATE and the INSERT name
   * them (expires_at, transport, source_ip, source_port, listen_point, call_id, cseq, user_agent,
   * registered_at), into parameters {@code first} to {@code first + 8}.
   */
  private static void bindColumns(PreparedStatement s, int first, Pending p) throws SQLException {
    Binding b = p.binding();
    s.setLong(first, p.expiresAt());
    s.setString(first + 1, b.transport().name());
    s.setString(first + 2, b.source().getAddress().getHostAddress());
    s.setInt(first + 3, b.source().getPort());
    s.setString(first + 4, b.listenPoint());
    s.setString(first + 5, truncate(b.callId(), 256));
    s.setLong(first + 6, b.cseq());
    s.setString(first + 7, truncate(b.userAgent(), 256));
    s.setLong(first + 8, b.registeredAt());
  }

  private static void delete(Connection c, List<Key> keys) throws SQLException {
    if (keys.isEmpty()) {
      return;
    }
    try (PreparedStatement d =
        c.prepareStatement("DELETE FROM registration WHERE trunk = ? AND contact = ?")) {
      for (Key k : keys) {
        d.setString(1, k.trunk());
        d.setString(2, k.contact());
        d.addBatch();
      }
      d.executeBatch();
    }
  }

  private static String truncate(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max);
  }

  /** Writes what is queued (at most 10 s), then stops the writer. */
  @Override
  public void close() {
    closing = true;
    LockSupport.unpark(writer);
    try {
      writer.join(TimeUnit.SECONDS.toMillis(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (writer.isAlive()) {
      LOG.warn("registration writer did not finish in 10 s; {} changes not stored", pending.size());
      writer.interrupt();
      return;
    }
    // a save that passed its closing check while the writer was finishing: still written
    List<Key> late = new ArrayList<>(pending.keySet());
    for (int from = 0; from < late.size(); from += BATCH) {
      writeKeys(late.subList(from, Math.min(late.size(), from + BATCH)));
    }
  }
}
