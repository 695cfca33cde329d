package org.trunkline.stack.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FailoverTest {

  private static Target udp(String ip, int port) {
    return new Target(SipTransport.UDP, new InetSocketAddress(ip, port), ip);
  }

  @Test
  void handsOutTargetsInOrderAndRecordsWhatHappened() {
    Failover f =
        Failover.over(
            List.of(udp("192.0.2.1", 5060), udp("192.0.2.2", 5060), udp("192.0.2.3", 5061)));

    assertThat(f.next()).contains(udp("192.0.2.1", 5060));
    f.failed("timeout");
    assertThat(f.next()).contains(udp("192.0.2.2", 5060));
    f.failed("503");
    assertThat(f.hasNext()).isTrue();
    assertThat(f.next()).contains(udp("192.0.2.3", 5061));
    f.failed("connection refused");

    assertThat(f.hasNext()).isFalse();
    assertThat(f.next()).isEqualTo(Optional.empty());
    assertThat(f.summary())
        .isEqualTo(
            "tried 3 of 3: udp 192.0.2.1:5060: timeout, udp 192.0.2.2:5060: 503, "
                + "udp 192.0.2.3:5061: connection refused");
  }

  @Test
  void onlyA503FailsOver() {
    assertThat(Failover.failsOver(503)).isTrue();
    assertThat(Failover.failsOver(500)).isFalse();
    assertThat(Failover.failsOver(486)).isFalse();
    assertThat(Failover.failsOver(408)).isFalse();
  }

  @Test
  void misuseNamesTheState() {
    Failover f = Failover.over(List.of(udp("192.0.2.1", 5060), udp("192.0.2.2", 5060)));
    assertThatThrownBy(() -> f.failed("timeout"))
        .hasMessage("failed(timeout) with no target being tried");
    f.next();
    assertThatThrownBy(f::next)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("next() while udp 192.0.2.1:5060 is still being tried; report failed() first");
  }

  @Test
  void emptyListHasNothingToTry() {
    Failover f = Failover.over(List.of());
    assertThat(f.next()).isEmpty();
    assertThat(f.summary()).isEqualTo("tried 0 of 0");
  }
}
