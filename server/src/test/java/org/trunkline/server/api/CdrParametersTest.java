package org.trunkline.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.trunkline.server.storage.CdrQuery;

/** What no HTTP client sends as such: raw query strings straight to the parser. */
class CdrParametersTest {
  @Test
  void decodesPercentEscapesButKeepsPlusSigns() {
    CdrQuery q =
        CdrParameters.parse(
            "number=+7495&call-id=a%40b%20c&trunk=%D0%B0&since=2026-03-01T13:00:00%2B03:00&");

    assertThat(q.number()).isEqualTo("+7495");
    assertThat(q.callId()).isEqualTo("a@b c");
    assertThat(q.trunk()).isEqualTo("а"); // Cyrillic a, two UTF-8 bytes
    assertThat(q.since()).isEqualTo(Instant.parse("2026-03-01T10:00:00Z"));
    assertThat(q.limit()).isEqualTo(50);
    assertThat(CdrParameters.parse(null)).isEqualTo(CdrQuery.newest(50));
  }

  @Test
  void aBrokenEscapeIsNamed() {
    assertThatThrownBy(() -> CdrParameters.parse("number=%2"))
        .hasMessage("bad percent-encoding in the query: %2");
    assertThatThrownBy(() -> CdrParameters.parse("number=%zz1"))
        .hasMessage("bad percent-encoding in the query: %zz1");
    assertThatThrownBy(() -> CdrParameters.parse("limit")).hasMessage("limit: must not be empty");
  }
}
