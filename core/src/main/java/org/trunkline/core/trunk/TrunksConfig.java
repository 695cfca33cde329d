package org.trunkline.core.trunk;

import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Every configured trunk and the ingress policy: what a config file (or a reload) says. Immutable;
 * a reload swaps one instance for another. Not a record only because it keeps an index by name:
 * {@link #byName} is asked once per stored binding at start-up and once per trunk on a reload, so
 * with 100,000 trunks a linear search would cost minutes.
 */
public final class TrunksConfig {
  /** No trunks and the default ingress policy: a config file without {@code trunks:}. */
  public static final TrunksConfig EMPTY = new TrunksConfig(List.of(), IngressPolicy.DEFAULT);

  private final List<Trunk> trunks;
  private final IngressPolicy ingress;
  private final Map<String, Trunk> byName;

  /**
   * @param trunks in file order, names unique
   * @param ingress the policy for requests that match no trunk
   */
  public TrunksConfig(List<Trunk> trunks, IngressPolicy ingress) {
    this.trunks = List.copyOf(trunks);
    this.ingress = Objects.requireNonNull(ingress, "ingress");
    Map<String, Trunk> names = HashMap.newHashMap(this.trunks.size());
    for (Trunk t : this.trunks) {
      if (names.putIfAbsent(t.name(), t) != null) {
        throw new IllegalArgumentException(
            "duplicate trunk names in " + this.trunks.stream().map(Trunk::name).toList());
      }
    }
    this.byName = Collections.unmodifiableMap(names);
  }

  /** In file order, names unique. */
  public List<Trunk> trunks() {
    return trunks;
  }

  /** The policy for requests that match no trunk. */
  public IngressPolicy ingress() {
    return ingress;
  }

  /** The trunk called {@code name} (exact match). */
  public Optional<Trunk> byName(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TrunksConfig c && trunks.equals(c.trunks) && ingress.equals(c.ingress);
  }

  @Override
  public int hashCode() {
    return Objects.hash(trunks, ingress);
  }

  @Override
  public String toString() {
    return "TrunksConfig[trunks=" + trunks + ", ingress=" + ingress + "]";
  }
}
