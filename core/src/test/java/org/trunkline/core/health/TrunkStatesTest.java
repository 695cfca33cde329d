package org.trunkline.core.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** A state keeps its {@code since} while its reason changes; the reason's own time moves. */
class TrunkStatesTest {
  private long now = 1_000_000;
  private final TrunkStates states = new TrunkStates(() -> Instant.ofEpochMilli(now));

  @Test
  void sinceMovesWithTheStateAndReasonAtWithTheReason() {
    states.set("beta", "failed", "408 Request Timeout");
    now += 60_000;
    states.set("beta", "failed", "403 Forbidden from udp:127.0.0.4:5060");
    now += 60_000;
    states.set("beta", "failed", "403 Forbidden from udp:127.0.0.4:5060");

    TrunkStatus s = states.get("beta").orElseThrow();
    assertThat(s.since()).isEqualTo(Instant.ofEpochMilli(1_000_000));
    assertThat(s.reasonAt()).isEqualTo(Instant.ofEpochMilli(1_060_000));
    assertThat(s.reason()).isEqualTo("403 Forbidden from udp:127.0.0.4:5060");

    now += 1_000;
    states.set("beta", "registered", "200 OK");
    s = states.get("beta").orElseThrow();
    assertThat(s.since()).isEqualTo(Instant.ofEpochMilli(1_121_000)).isEqualTo(s.reasonAt());
  }
}
