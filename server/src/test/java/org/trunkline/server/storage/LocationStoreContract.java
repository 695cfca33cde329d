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
      assertThat(db.locationStore().loadAll()).containsExactly(a2);
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
          Binding b = binding("sip:u" + i + "@192.0.2.1:5060", round * 10_000L + i, "192.0.2.1");
          // rounds 2 and 3 are refreshes of the round before (the registrar's save(b, old))
          store.save(b, previous[i]);
          previous[i] = b;
          if (round == 3 && i % 10 != 0) {
            last.add(b);
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
   * Refreshes ({@code save(b, previous)}): one that changes only expiry, Call-ID and CSeq is a
   * shorter UPDATE, which must still store everything when the change before it waits or the row
   * was never stored.
   */
  static void refreshes(DatabaseConfigurer open) throws Exception {
    Binding a = binding("sip:refresh-r@192.0.2.1:5060", 5_000L, "192.0.2.1");
    try (Database db = open.open()) {
      db.locationStore().save(a);
    }
    Binding moved =
        new Binding(
            a.trunk(),
            a.contact(),
            6_000L,
            a.transport(),
            new InetSocketAddress(InetAddress.getByName("198.51.100.9"), 5062),
            a.listenPoint(),
            a.callId(),
            8,
            a.userAgent(),
            a.registeredAt());
    Binding refreshed = refresh(moved, 7_000L, "new-call@pbx", 1);
    Binding never = binding("sip:refresh-never@192.0.2.1:5060", 8_000L, "192.0.2.1");
    Binding neverRefreshed = refresh(never, 9_000L, "other-call@pbx", 2);
    try (Database db = open.open()) {
      LocationStore store = db.locationStore();
      store.save(moved, a); // not a refresh: the source changed
      store.save(refreshed, moved); // a refresh of a change that may still wait
      store.save(neverRefreshed, never); // a refresh of a row that was never stored
    }
    try (Database db = open.open()) {
      assertThat(db.locationStore().loadAll())
          .filteredOn(b -> b.contact().startsWith("sip:refresh-"))
          .containsExactlyInAnyOrder(refreshed, neverRefreshed);
    }
    Binding again = refresh(refreshed, 10_000L, "new-call@pbx", 2);
    try (Database db = open.open()) {
      db.locationStore().save(again, refreshed); // alone: the three-column UPDATE
    }
    try (Database db = open.open()) {
      assertThat(db.locationStore().loadAll())
          .filteredOn(b -> b.contact().startsWith("sip:refresh-"))
          .containsExactlyInAnyOrder(again, neverRefreshed);
      assertThat(db.locationStore().failed()).isZero();
    }
  }

  private static Binding refresh(Binding b, long expiresAt, String callId, long cseq) {
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
