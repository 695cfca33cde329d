package org.trunkline.core.call;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.trunkline.core.trunk.AddressRange;
import org.trunkline.core.trunk.IngressPolicy;
import org.trunkline.core.trunk.Numbering;
import org.trunkline.core.trunk.Route;
import org.trunkline.core.trunk.Trunk;
import org.trunkline.core.trunk.TrunkAccess;
import org.trunkline.core.trunk.TrunksConfig;

/** Router, numbering rules and trunk limits, without sockets. */
class RoutingTest {
  private static Trunk ip(String name, int maxChannels, int maxCps, String... numbers) {
    TrunkAccess.Ip access = new TrunkAccess.Ip(List.of(AddressRange.parse("192.0.2.1")));
    return new Trunk(
        name,
        access.mode(),
        access,
        Optional.empty(),
        Optional.empty(),
        maxChannels,
        maxCps,
        List.of(numbers));
  }

  private final Trunk acme = ip("acme", 0, 0, "+74951234500", "+749512346*");
  private final Trunk c1 = ip("carrier1", 0, 0);
  private final Trunk c2 = ip("carrier2", 0, 0);
  private final Trunk c3 = ip("carrier3", 0, 0);
  private final Router router =
      new Router(
          new TrunksConfig(
              List.of(acme, c1, c2, c3),
              IngressPolicy.DEFAULT,
              List.of(
                  new Route("+7495", List.of("carrier1", "carrier2"), Set.of(503)),
                  new Route("+7", List.of("carrier3"), Route.DEFAULT_FAILOVER_ON),
                  new Route("", List.of("carrier1"), Route.DEFAULT_FAILOVER_ON))));

  private List<String> route(String number, Trunk from, Set<String> down) {
    return router.route(number, from, t -> down.contains(t.name())).orElseThrow().trunks().stream()
        .map(Trunk::name)
        .toList();
  }

  @Test
  void ownedNumbersWinOverRoutesExactBeforePrefix() {
    assertThat(route("+74951234500", c1, Set.of())).containsExactly("acme");
    assertThat(route("+74951234699", c1, Set.of())).containsExactly("acme");
    assertThat(router.route("+74951234699", c1, t -> false).orElseThrow().how())
        .isEqualTo("numbers +749512346* of acme");
  }

  @Test
  void theLongestPrefixRouteGivesTheTrunksInOrder() {
    assertThat(route("+74959999999", acme, Set.of())).containsExactly("carrier1", "carrier2");
    assertThat(router.route("+74959999999", acme, t -> false).orElseThrow().failoverOn())
        .containsExactly(503);
    // the text is made once per route (Router's constructor); every call gets the same one
    assertThat(router.route("+74959999999", acme, t -> false).orElseThrow().how())
        .isEqualTo("route \"+7495\" [carrier1, carrier2]")
        .isSameAs(router.route("+74951111111", c1, t -> false).orElseThrow().how());
    assertThat(route("+78121234567", acme, Set.of())).containsExactly("carrier3");
    assertThat(route("+4930123", acme, Set.of())).containsExactly("carrier1");
  }

  @Test
  void theCallingTrunkIsNeverACandidateAndDownTrunksComeLast() {
    assertThat(route("+74959999999", c1, Set.of())).containsExactly("carrier2");
    assertThat(route("+74959999999", acme, Set.of("carrier1")))
        .containsExactly("carrier2", "carrier1");
    assertThat(router.route("+4930123", c1, t -> false)).isEmpty();
  }

  @Test
  void aNumberTheCallingTrunkOwnsGoesBackToIt() {
    // a PBX dialling its own DID: the owner wins even when it is the calling trunk
    assertThat(route("+74951234500", acme, Set.of())).containsExactly("acme");
    assertThat(route("+74951234601", acme, Set.of())).containsExactly("acme");
    // a number nobody owns still never goes back to the calling trunk by a route
    assertThat(route("+74951234599", c1, Set.of())).containsExactly("carrier2");
  }

  @Test
  void numberingRulesApplyTheFirstMatchOnly() {
    Numbering n =
        new Numbering(
            List.of(
                new Numbering.Rule(Pattern.compile("^8(\\d{10})$"), "+7$1"),
                new Numbering.Rule(Pattern.compile("^(\\d{10})$"), "+7$1")),
            List.of(new Numbering.Rule(Pattern.compile("^\\+7(\\d+)$"), "8$1")));
    assertThat(n.in("84951234567")).isEqualTo("+74951234567");
    assertThat(n.in("4951234567")).isEqualTo("+74951234567");
    assertThat(n.in("+4930123")).isEqualTo("+4930123");
    assertThat(n.out("+74951234567")).isEqualTo("84951234567");
    assertThat(n.out(null)).isNull();
  }

  @Test
  void channelsAndCallsPerSecondAreLimitedPerTrunk() {
    long[] now = {10_000};
    TrunkLimits limits = new TrunkLimits(() -> now[0]);
    Trunk two = ip("two", 2, 0);
    assertThat(limits.acquire(two, TrunkLimits.Direction.OUT)).isNull();
    assertThat(limits.acquire(two, TrunkLimits.Direction.OUT)).isNull();
    assertThat(limits.acquire(two, TrunkLimits.Direction.OUT))
        .isEqualTo("trunk two has its max-channels 2 in use");
    limits.release(two, TrunkLimits.Direction.OUT);
    assertThat(limits.inUse("two")).isEqualTo(1);
    assertThat(limits.acquire(two, TrunkLimits.Direction.OUT)).isNull();

    Trunk slow = ip("slow", 0, 2);
    assertThat(limits.acquire(slow, TrunkLimits.Direction.OUT)).isNull();
    assertThat(limits.acquire(slow, TrunkLimits.Direction.OUT)).isNull();
    assertThat(limits.acquire(slow, TrunkLimits.Direction.OUT))
        .isEqualTo("trunk slow is at its max-cps 2");
    now[0] += 1000;
    assertThat(limits.acquire(slow, TrunkLimits.Direction.OUT)).isNull();

    assertThat(limits.acquireServer(1, 0)).isNull();
    assertThat(limits.acquireServer(1, 0)).isEqualTo("the server has its max-channels 1 in use");
    limits.releaseServer();
    assertThat(limits.acquireServer(1, 0)).isNull();
  }
}
