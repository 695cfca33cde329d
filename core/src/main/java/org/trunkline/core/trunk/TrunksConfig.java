package org.trunkline.core.trunk;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Every configured trunk and the ingress policy: what a config file (or a reload) says. Immutable;
 * a reload swaps one instance for another.
 *
 * @param trunks in file order, names unique
 * @param ingress the policy for requests that match no trunk
 * @param routes the prefix routes, in file order
 * @param calls what crosses between the legs of a call
 */
public record TrunksConfig(
    List<Trunk> trunks, IngressPolicy ingress, List<Route> routes, CallPolicy calls) {
  /** No trunks and the default ingress policy: a config file without {@code trunks:}. */
  public static final TrunksConfig EMPTY = new TrunksConfig(List.of(), IngressPolicy.DEFAULT);

  /** Trunks without prefix routes. */
  public TrunksConfig(List<Trunk> trunks, IngressPolicy ingress) {
    this(trunks, ingress, List.of());
  }

  /** With the default call policy. */
  public TrunksConfig(List<Trunk> trunks, IngressPolicy ingress, List<Route> routes) {
    this(trunks, ingress, routes, CallPolicy.DEFAULT);
  }

  public TrunksConfig {
    trunks = List.copyOf(trunks);
    routes = List.copyOf(routes);
    java.util.Objects.requireNonNull(calls, "calls");
    Objects.requireNonNull(ingress, "ingress");
    if (trunks.stream().map(Trunk::name).distinct().count() != trunks.size()) {
      throw new IllegalArgumentException(
          "duplicate trunk names in " + trunks.stream().map(Trunk::name).toList());
    }
  }

  /** The trunk called {@code name} (exact match). */
  public Optional<Trunk> byName(String name) {
    for (Trunk trunk : trunks) {
      if (trunk.name().equals(name)) {
        return Optional.of(trunk);
      }
    }
    return Optional.empty();
  }
}
