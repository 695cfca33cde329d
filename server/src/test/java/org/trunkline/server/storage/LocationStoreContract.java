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

  @FunctionalInterface
  interface DatabaseConfigurer {
    Database open() throws Exception;
  }
}
