package org.trunkline.core.call;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.trunkline.core.trunk.Route;
import org.trunkline.core.trunk.Trunk;
import org.trunkline.core.trunk.TrunksConfig;

/**
 * Where a call to a number goes: a number a trunk owns (exact, then the longest {@code *} prefix)
 * goes to that trunk; otherwise the longest-prefix route gives an ordered list of trunks. A route
 * never offers the calling trunk (no hairpin back to the carrier a call came from), and trunks that
 * are down are tried only when nothing else is left. A number the calling trunk owns does go back
 * to it: a customer's PBX calling one of its own DIDs reaches its own trunk, as it would from any
 * other network (a SIP loop still ends at Max-Forwards). Immutable; a reload builds a new one.
 */
public final class Router {
  /**
   * The candidates for one call.
   *
   * @param trunks in the order they are tried
   * @param failoverOn the final codes that move the call to the next candidate
   * @param how which rule matched, for logs and CDRs: {@code number +74951234500 of acme}
   */
  public record Routing(
      List<Trunk> trunks, Set<Integer> failoverOn, String how, java.time.Duration tryingTimeout) {
    /** A routing that waits for Timer B. */
    public Routing(List<Trunk> trunks, Set<Integer> failoverOn, String how) {
      this(trunks, failoverOn, how, java.time.Duration.ZERO);
    }
  }

  private final TrunksConfig config;

  /** Each route's {@link Routing#how}, written once here instead of once per call. */
  private final java.util.Map<Route, String> how = new java.util.IdentityHashMap<>();

  public Router(TrunksConfig config) {
    this.config = config;
    for (Route r : config.routes()) {
      how.put(r, how(r));
    }
  }

  private static String how(Route r) {
    return "route \"" + r.prefix() + "\" " + r.trunks();
  }

  /**
   * @param number the called number as normalized (E.164 with {@code +} where known)
   * @param from the trunk the call came in on
   * @param down whether a trunk is down now
   */
  public Optional<Routing> route(String number, Trunk from, Predicate<Trunk> down) {
    Trunk owner = null;
    int best = -1;
    for (Trunk t : config.trunks()) {
      for (String n : t.numbers()) {
        if (n.equals(number)) {
          return Optional.of(
              new Routing(
                  List.of(t), Route.DEFAULT_FAILOVER_ON, "number " + n + " of " + t.name()));
        }
        if (n.endsWith("*")) {
          String prefix = n.substring(0, n.length() - 1);
          if (number.startsWith(prefix) && prefix.length() > best) {
            owner = t;
            best = prefix.length();
          }
        }
      }
    }
    if (owner != null) {
      return Optional.of(
          new Routing(
              List.of(owner),
              Route.DEFAULT_FAILOVER_ON,
              "numbers " + number.substring(0, best) + "* of " + owner.name()));
    }
    Route route = null;
    for (Route r : config.routes()) {
      if (r.matches(number) && (route == null || r.prefix().length() > route.prefix().length())) {
        route = r;
      }
    }
    if (route == null) {
      return Optional.empty();
    }
    List<Trunk> up = new ArrayList<>();
    List<Trunk> downs = new ArrayList<>();
    for (String name : route.trunks()) {
      config
          .byName(name)
          .filter(t -> !t.name().equals(from.name()))
          .ifPresent(t -> (down.test(t) ? downs : up).add(t));
    }
    up.addAll(downs);
    if (up.isEmpty()) {
      return Optional.empty();
    }
    String text = how.get(route); // always there: the routes are the config's own objects
    return Optional.of(
        new Routing(
            up, route.failoverOn(), text != null ? text : how(route), route.tryingTimeout()));
  }
}
