package org.trunkline.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrunkTableTest {
  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
  private static final Instant NOW = Instant.parse("2026-11-27T11:30:00Z");

  private static Map<String, Object> trunk(
      String name, String mode, String state, String reason, String since, List<String> endpoints) {
    Map<String, Object> t = new LinkedHashMap<>();
    t.put("name", name);
    t.put("mode", mode);
    t.put("state", state);
    t.put("reason", reason);
    t.put("since", since);
    t.put("endpoints", endpoints);
    t.put("calls", 0L);
    return t;
  }

  @Test
  void oneRowPerTrunkWithFurtherEndpointsBelow() {
    String table =
        TrunkTable.render(
            List.of(
                trunk(
                    "acme",
                    "register-in",
                    "registered",
                    "2 of 2 contacts",
                    "2026-11-27T11:01:07Z",
                    List.of(
                        "sip:a@192.0.2.1:5062 from udp:192.0.2.1:5062 expires in 59 s",
                        "sip:b@192.0.2.2 from tcp:192.0.2.2:40000 expires in 3000 s")),
                trunk(
                    "beta",
                    "register-out",
                    "failed",
                    "403 Forbidden from udp:127.0.0.4:5060",
                    "2026-11-26T08:00:00Z",
                    List.of("registrar sip:127.0.0.4:5060")),
                trunk("quiet", "ip", "active", "", null, List.of())),
            BERLIN,
            NOW);

    assertThat(table)
        .isEqualTo(
            """
            NAME   MODE          STATE       SINCE             REASON                                 CALLS  CONTACTS / PEERS
            acme   register-in   registered  12:01:07          2 of 2 contacts                        0      sip:a@192.0.2.1:5062 from udp:192.0.2.1:5062 expires in 59 s
                                                                                                             sip:b@192.0.2.2 from tcp:192.0.2.2:40000 expires in 3000 s
            beta   register-out  failed      2026-11-26 09:00  403 Forbidden from udp:127.0.0.4:5060  0      registrar sip:127.0.0.4:5060
            quiet  ip            active      -                 -                                      0      -
            """);
  }

  /** A reason that came after the state began says when: a 408 first, the 403 a minute later. */
  @Test
  void aReasonNewerThanItsStateSaysWhenItCame() {
    assertThat(
            TrunkTable.reason(
                "403 Forbidden from udp:127.0.0.4:5060",
                "2026-11-27T11:00:01Z",
                "2026-11-27T11:01:07Z",
                BERLIN,
                NOW))
        .isEqualTo("403 Forbidden from udp:127.0.0.4:5060 at 12:01:07");
    assertThat(
            TrunkTable.reason(
                "403 Forbidden", "2026-11-27T11:00:01Z", "2026-11-27T11:00:01Z", BERLIN, NOW))
        .isEqualTo("403 Forbidden");
    assertThat(TrunkTable.reason("no contact bound", null, null, BERLIN, NOW))
        .isEqualTo("no contact bound");
  }

  @Test
  void saysSoWhenThereAreNoTrunks() {
    assertThat(TrunkTable.render(List.of(), BERLIN, NOW)).isEqualTo("no trunks configured\n");
  }
}
