package org.trunkline.core.registrar;

import java.util.List;

/**
 * Where bindings survive a restart (ARCHITECTURE.md, Storage: core owns the interface, server
 * implements it over JDBC). {@link #save} and {@link #remove} are called on event loops: they must
 * not block (queue the write); {@link #loadAll} is called once at start-up.
 */
public interface LocationStore {
  /** Every stored binding, expired ones included (the registrar drops those). */
  List<Binding> loadAll();

  /**
   * As {@link #loadAll()}, for a registrar that expects about {@code expectedContacts} contacts (a
   * store may size its tables for them).
   */
  default List<Binding> loadAll(int expectedContacts) {
    return loadAll();
  }

  /** Stores {@code b}, replacing the binding of the same trunk and contact. */
  void save(Binding b);

  /**
   * Stores {@code b}, a refresh of {@code previous} (the binding of the same trunk and contact
   * handed to this store before, or null): a store may write only what differs. The default saves
   * {@code b} whole.
   */
  default void save(Binding b, Binding previous) {
    save(b);
  }

  /** Forgets the binding of {@code trunk} and {@code contact}. */
  void remove(String trunk, String contact);

  /** Changes accepted by {@link #save}/{@link #remove} and not yet stored; 0 if it cannot tell. */
  default long pending() {
    return 0;
  }

  /** Changes that could not be stored (the store logged why). */
  default long failed() {
    return 0;
  }

  /** Keeps nothing: bindings live in memory only. */
  LocationStore NONE =
      new LocationStore() {
        @Override
        public List<Binding> loadAll() {
          return List.of();
        }

        @Override
        public void save(Binding b) {}

        @Override
        public void remove(String trunk, String contact) {}
      };
}
