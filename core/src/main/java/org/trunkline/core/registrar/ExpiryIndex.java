package org.trunkline.core.registrar;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which trunks to look at when, for the registrar's sweep: trunk names by the second (epoch
 * seconds, rounded down) at which one of their bindings may lapse, so that a sweep visits what is
 * due and not every trunk. An entry only says "look then": the registrar checks the trunk's
 * bindings against the time and files the trunk again under its next lapse, so a stale entry (one
 * whose binding was refreshed, removed, or whose trunk was reconfigured) costs a look and nothing
 * else. The registrar keeps at most one entry per trunk live (see {@link Registrar}); stale ones
 * leave as they come due.
 *
 * <p>Thread-safe (one lock; adds are rare: a new trunk's first binding, or a sweep filing a trunk
 * under its next lapse, not a refresh).
 */
final class ExpiryIndex {
  private final TreeMap<Long, List<String>> bySecond = new TreeMap<>();
  private int size;

  /** Files {@code trunk} under {@code second}. */
  synchronized void add(long second, String trunk) {
    bySecond.computeIfAbsent(second, s -> new ArrayList<>(4)).add(trunk);
    size++;
  }

  /**
   * Takes out every entry filed under {@code second} or earlier, oldest second first, and hands
   * each to {@code visit} with its second, after the lock is let go (so {@code visit} may {@link
   * #add}).
   */
  void takeDue(long second, DueVisitor visit) {
    List<Map.Entry<Long, List<String>>> due = new ArrayList<>();
    synchronized (this) {
      for (Map.Entry<Long, List<String>> e = bySecond.firstEntry();
          e != null && e.getKey() <= second;
          e = bySecond.firstEntry()) {
        bySecond.pollFirstEntry();
        size -= e.getValue().size();
        due.add(e);
      }
    }
    for (Map.Entry<Long, List<String>> e : due) {
      long s = e.getKey();
      for (String trunk : e.getValue()) {
        visit.visit(s, trunk);
      }
    }
  }

  /** Entries filed, live and stale. */
  synchronized int size() {
    return size;
  }

  /** What {@link #takeDue} hands each entry to. */
  @FunctionalInterface
  interface DueVisitor {
    void visit(long second, String trunk);
  }
}
