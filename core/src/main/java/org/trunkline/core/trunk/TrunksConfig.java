package org.trunkline.core.trunk;

import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Every configured trunk, the routes, the call policy and the ingress policy: what a config file
 * (or a reload) says. Immutable; a reload swaps one instance for another. Not a record only because
 * it keeps an index by name: {@link #byName} is asked once per stored binding at start-up and once
 * per trunk on a reload, so with 100,000 trunks a linear search would cost minutes.
 */
public final class TrunksConfig {
  /** No trunks and the default ingress policy: a config file without {@code trunks:}. */
  public static final TrunksConfig EMPTY = new TrunksConfig(List.of(), IngressPolicy.DEFAULT);

  private final List<Trunk> trunks;
  private final IngressPolicy ingress;
  private final List<Route> routes;
  private final CallPolicy calls;
  private final Map<String, Trunk> byName;

  /** Trunks without prefix routes, with the default call policy. */
  public TrunksConfig(List<Trunk> trunks, IngressPolicy ingress) {
    this(trunks, ingress, List.of());
  }

  /** With the default call policy. */
  public TrunksConfig(List<Trunk> trunks, IngressPolicy ingress, List<Route> routes) {
    this(trunks, ingress, routes, CallPolicy.DEFAULT);
  }

  /**
   * @param trunks in file order, names unique
   * @param ingress the policy for requests that match no trunk
   * @param routes the prefix routes, in file order
   * @param calls what crosses between the legs of a call
   */
  public TrunksConfig(
      List<Trunk> trunks, IngressPolicy ingress, List<Route> routes, CallPolicy calls) {
    this.trunks = List.copyOf(trunks);
    this.ingress = Objects.requireNonNull(ingress, "ingress");
    this.routes = List.copyOf(routes);
    this.calls = Objects.requireNonNull(calls, "calls");
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

  /** The prefix routes, in file order. */
  public List<Route> routes() {
    return routes;
  }

  /** What crosses between the legs of a call. */
  public CallPolicy calls() {
    return calls;
  }

  /** The trunk called {@code name} (exact match). */
  public Optional<Trunk> byName(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TrunksConfig c
        && c.trunks.equals(trunks)
        && c.ingress.equals(ingress)
        && c.routes.equals(routes)
        && c.calls.equals(calls);
  }

  @Override
  public int hashCode() {
    return Objects.hash(trunks, ingress, routes, calls);
  }

  @Override
  public String toString() {
    return "TrunksConfig[trunks="
        + trunks
        + ", ingress="
        + ingress
        + ", routes="
        + routes
        + ", calls="
        + calls
        + "]";
  }
}
