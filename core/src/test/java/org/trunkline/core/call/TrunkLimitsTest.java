package org.trunkline.core.call;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.trunkline.core.call.TrunkLimits.Direction;
import org.trunkline.core.trunk.AddressRange;
import org.trunkline.core.trunk.Numbering;
import org.trunkline.core.trunk.ReferPolicy;
import org.trunkline.core.trunk.Trunk;
import org.trunkline.core.trunk.TrunkAccess;
import org.trunkline.core.trunk.TrunkMedia;

class TrunkLimitsTest {
  private final TrunkLimits limits = new TrunkLimits(() -> 10_000);

  private static Trunk trunk(int maxChannels, int in, int out) {
    TrunkAccess.Ip access = new TrunkAccess.Ip(List.of(AddressRange.parse("192.0.2.1")));
    return new Trunk(
        "c1",
        access.mode(),
        access,
        Optional.empty(),
        Optional.empty(),
        maxChannels,
        0,
        List.of(),
        Numbering.NONE,
        false,
        ReferPolicy.REJECT,
        in,
        out,
        TrunkMedia.PASS_THROUGH);
  }

  @Test
  void eachDirectionHasItsOwnLimitWithinTheTrunks() {
    Trunk t = trunk(3, 1, 2);
    assertThat(limits.acquire(t, Direction.IN)).isNull();
    assertThat(limits.acquire(t, Direction.IN))
        .isEqualTo("trunk c1 has its max-channels-in 1 in use");
    assertThat(limits.acquire(t, Direction.OUT)).isNull();
    assertThat(limits.acquire(t, Direction.OUT)).isNull();
    assertThat(limits.inUse("c1")).isEqualTo(3);
    assertThat(limits.acquire(t, Direction.OUT))
        .as("the trunk's own limit comes first")
        .isEqualTo("trunk c1 has its max-channels 3 in use");

    limits.release(t, Direction.OUT);
    assertThat(limits.inUse("c1", Direction.OUT)).isEqualTo(1);
    assertThat(limits.acquire(t, Direction.IN))
        .as("a free channel of the trunk is not one of its full direction")
        .isEqualTo("trunk c1 has its max-channels-in 1 in use");
    assertThat(limits.inUse("c1"))
        .as("a refused direction gives the trunk's channel back")
        .isEqualTo(2);
  }

  @Test
  void withoutDirectionLimitsOnlyTheTrunksCount() {
    Trunk t = trunk(2, 0, 0);
    assertThat(limits.acquire(t, Direction.IN)).isNull();
    assertThat(limits.acquire(t, Direction.OUT)).isNull();
    assertThat(limits.acquire(t, Direction.IN)).isEqualTo("trunk c1 has its max-channels 2 in use");
    limits.release(t, Direction.IN);
    limits.release(t, Direction.OUT);
    assertThat(limits.inUse("c1")).isZero();
    assertThat(limits.inUse("c1", Direction.IN)).isZero();
  }
}
