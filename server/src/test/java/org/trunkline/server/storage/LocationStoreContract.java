package org.trunkline.server.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.trunkline.core.registrar.Binding;
import org.trunkline.core.registrar.LocationStore;
import org.trunkline.stack.Transport;

/** What every {@link LocationStore} of a database keeps: run on H2 and on PostgreSQL. */
final class LocationStoreContract {
  private LocationStoreContract() {}

  static Binding binding(String contact, long expiresAt, String ip) throws Exception {
    return new Binding(
        "acme",
        contact,
        expiresAt,
        Transport.TCP,
        new InetSocketAddress(InetAddress.getByName(ip), 5062),
        "public-tcp",
        "call-" + contact.hashCode() + "@pbx",
        7,
        "PBX 1.0",
        1_000L);
  }

  /** Saves, replaces and removes through {@code db}'s store; reads back with a fresh one. */
  static void roundTrip(DatabaseConfigurer open) throws Exception {
    Binding a = binding("sip:a@192.0.2.1:5062;transport=tcp", 5_000L, "192.0.2.1");
    Binding b = binding("sip:b@[2001:db8::1]", 6_000L, "2001:db8::1");
    Binding a2 = binding("sip:a@192.0.2.1:5062;transport=tcp", 9_000L, "198.51.100.7");
    try (Database db = open.open()) {
      LocationStore store = db.locationStore();
      store.save(a);
      store.save(b);
      store.save(a2); // same trunk + contact: replaces a
      store.remove("acme", b.contact());
    } // close writes what was queued
    try (Database db = open.open()) {
      assertThat(db.locationStore().loadAll()).containsExactly(asStored(a2));
    }
  }

  /**
   * Many changes at once, each contact refreshed several times and some removed, as in a
   * re-registration storm: the newest state of every contact is stored, none lost, none failed.
   */
  static void storm(DatabaseConfigurer open) throws Exception {
    int n = 5_000;
    java.util.List<Binding> last = new java.util.ArrayList<>();
    try (Database db = open.open()) {
      LocationStore store = db.locationStore();
      Binding[] previous = new Binding[n];
      for (int round = 1; round <= 3; round++) {
        for (int i = 0; i < n; i++) {
          // rounds a minute apart: each round's expiry is a new multiple of the grid, written
          Binding b = binding("sip:u" + i + "@192.0.2.1:5060", round * 100_000L + i, "192.0.2.1");
          // rounds 2 and 3 are refreshes of the round before (the registrar's save(b, old))
          store.save(b, previous[i]);
          previous[i] = b;
          if (round == 3 && i % 10 != 0) {
            last.add(asStored(b));
          }
        }
      }
      for (int i = 0; i < n; i += 10) {
        store.remove("acme", "sip:u" + i + "@192.0.2.1:5060");
      }
      assertThat(store.pending()).isBetween(0L, (long) n);
    }
    try (Database db = open.open()) {
      assertThat(db.locationStore().loadAll())
          .filteredOn(b -> b.contact().startsWith("sip:u"))
          .containsExactlyInAnyOrderElementsOf(last);
      assertThat(db.locationStore().failed()).isZero();
    }
  }

  /**
   * New contacts after {@code loadAll} (INSERTed without an UPDATE first): stored; one whose row
   * was written behind the store's back is still stored (the transaction written again as
   * UPDATE-or-INSERT, nothing counted failed), and one removed and bound again before the writer
   * ran replaces its row.
   */
  static void newContactsAfterTheLoad(DatabaseConfigurer open) throws Exception {
    Binding kept = binding("sip:new-kept@192.0.2.1:5060", 5_000L, "192.0.2.1");
    try (Database db = open.open()) {
      db.locationStore().save(kept);
    }
    Binding fresh = binding("sip:new-fresh@192.0.2.1:5060", 6_000L, "192.0.2.1");
    Binding behind = binding("sip:new-behind@192.0.2.1:5060", 7_000L, "192.0.2.1");
    Binding again = refresh(binding(kept.contact(), 8_000L, "198.51.100.2"), 9_000L, "again", 3);
    try (Database db = open.open()) {
      LocationStore store = db.locationStore();
      assertThat(store.loadAll()).filteredOn(b -> b.contact().startsWith("sip:new-")).hasSize(1);
      // a row the store does not know of: its INSERT collides
      try (java.sql.Connection c = db.dataSource().getConnection();
          java.sql.PreparedStatement i =
              c.prepareStatement(
                  "INSERT INTO registration (trunk, contact, expires_at, transport, source_ip,"
                      + " source_port, listen_point, call_id, cseq, user_agent, registered_at)"
                      + " VALUES ('acme', ?, 1, 'UDP', '192.0.2.9', 5060, NULL, 'x', 1, 'x', 1)")) {
        i.setString(1, behind.contact());
        i.executeUpdate();
      }
      store.save(fresh);
      store.save(behind);
      store.remove(kept.trunk(), kept.contact());
      store.save(again); // new to the registrar, but its removal may still wait
    }
    try (Database db = open.open()) {
      assertThat(db.locationStore().loadAll())
          .filteredOn(b -> b.contact().startsWith("sip:new-"))
          .containsExactlyInAnyOrder(asStored(fresh), asStored(behind), asStored(again));
    }
  }

  /**
   * Refreshes ({@code save(b, previous)}): one that changes only expiry, Call-ID and CSeq is a
   * shorter UPDATE, which must still store everything when the change before it waits or the row
   * was never stored.
   */
  static void refreshes(DatabaseConfigurer open) throws Exception {
    // every step's expiry in a later minute than the one before: none is left unwritten
    Binding a = binding("sip:refresh-r@192.0.2.1:5060", 5_000L, "192.0.2.1");
    try (Database db = open.open()) {
      db.locationStore().save(a);
    }
    Binding moved =
        new Binding(
            a.trunk(),
            a.contact(),
            66_000L,
            a.transport(),
            new InetSocketAddress(InetAddress.getByName("198.51.100.9"), 5062),
            a.listenPoint(),
            a.callId(),
            8,
            a.userAgent(),
            a.registeredAt());
    Binding refreshed = refresh(moved, 127_000L, "new-call@pbx", 1);
    Binding never = binding("sip:refresh-never@192.0.2.1:5060", 8_000L, "192.0.2.1");
    Binding neverRefreshed = refresh(never, 69_000L, "other-call@pbx", 2);
    try (Database db = open.open()) {
      LocationStore store = db.locationStore();
      store.save(moved, a); // not a refresh: the source changed
      store.save(refreshed, moved); // a refresh of a change that may still wait
      store.save(neverRefreshed, never); // a refresh of a row that was never stored
    }
    try (Database db = open.open()) {
      assertThat(db.locationStore().loadAll())
          .filteredOn(b -> b.contact().startsWith("sip:refresh-"))
          .containsExactlyInAnyOrder(asStored(refreshed), asStored(neverRefreshed));
    }
    Binding again = refresh(refreshed, 190_000L, "new-call@pbx", 2);
    try (Database db = open.open()) {
      db.locationStore().save(again, refreshed); // alone: the three-column UPDATE
    }
    try (Database db = open.open()) {
      assertThat(db.locationStore().loadAll())
          .filteredOn(b -> b.contact().startsWith("sip:refresh-"))
          .containsExactlyInAnyOrder(asStored(again), asStored(neverRefreshed));
      assertThat(db.locationStore().failed()).isZero();
    }
  }

  /**
   * A refresh that changes only expiry, Call-ID and CSeq, whose expiry rounds up to the one the row
   * holds, is not written: the row keeps an expiry at or after the one granted (the binding
   * survives a restart) and the last written Call-ID and CSeq. One whose expiry passes the row's is
   * written, and so is one of a row loaded with an expiry off the grid.
   */
  static void refreshesWithinTheStoredExpiryAreNotWritten(DatabaseConfigurer open)
      throws Exception {
    long minute = JdbcLocationStore.EXPIRY_GRID.toMillis();
    Binding a = binding("sip:defer@192.0.2.1:5060", 10 * minute + 1, "192.0.2.1");
    Binding b = refresh(a, 10 * minute + 30_000, "call-b@pbx", 8);
    Binding c = refresh(b, 11 * minute, "call-c@pbx", 9);
    Binding d = refresh(c, 11 * minute + 1, "call-d@pbx", 10);
    try (Database db = open.open()) {
      JdbcLocationStore store = (JdbcLocationStore) db.locationStore();
      store.save(a, null);
      store.save(b, a); // 11 minutes rounded, as a: not written
      store.save(c, b); // exactly 11 minutes: not written
      assertThat(store.deferred()).isEqualTo(2);
    }
    try (Database db = open.open()) {
      assertThat(db.locationStore().loadAll())
          .filteredOn(x -> x.contact().equals(a.contact()))
          .containsExactly(refresh(a, 11 * minute, a.callId(), a.cseq()));
      JdbcLocationStore store = (JdbcLocationStore) db.locationStore();
      store.save(d, c); // past 11 minutes: written
      assertThat(store.deferred()).isZero();
    }
    try (Database db = open.open()) {
      assertThat(db.locationStore().loadAll())
          .filteredOn(x -> x.contact().equals(a.contact()))
          .containsExactly(asStored(d));
      // a row off the grid (an older version wrote it): its first refresh is written
      try (java.sql.Connection conn = db.dataSource().getConnection();
          java.sql.Statement st = conn.createStatement()) {
        st.executeUpdate(
            "UPDATE registration SET expires_at = "
                + (12 * minute - 5)
                + " WHERE contact = '"
                + a.contact()
                + "'");
      }
    }
    Binding e = refresh(d, 12 * minute - 1, "call-e@pbx", 11);
    try (Database db = open.open()) {
      JdbcLocationStore store = (JdbcLocationStore) db.locationStore();
      Binding loaded =
          store.loadAll().stream().filter(x -> x.contact().equals(a.contact())).findFirst().get();
      assertThat(loaded.expiresAt()).isEqualTo(12 * minute - 5);
      store.save(e, loaded);
      assertThat(store.deferred()).isZero();
    }
    try (Database db = open.open()) {
      assertThat(db.locationStore().loadAll())
          .filteredOn(x -> x.contact().equals(a.contact()))
          .containsExactly(asStored(e));
      assertThat(db.locationStore().failed()).isZero();
    }
  }

  /** {@code b} as the store keeps it: its expiry rounded up to the grid. */
  static Binding asStored(Binding b) {
    long g = JdbcLocationStore.EXPIRY_GRID.toMillis();
    return refresh(b, Math.ceilDiv(b.expiresAt(), g) * g, b.callId(), b.cseq());
  }

  /** {@code b} refreshed: a new expiry, Call-ID and CSeq, everything else kept. */
  static Binding refresh(Binding b, long expiresAt, String callId, long cseq) {
    return new Binding(
        b.trunk(),
        b.contact(),
        expiresAt,
        b.transport(),
        b.source(),
        b.listenPoint(),
        callId,
        cseq,
        b.userAgent(),
        b.registeredAt());
  }

  @FunctionalInterface
  interface DatabaseConfigurer {
    Database open() throws Exception;
  }
}
