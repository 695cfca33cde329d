package org.trunkline.server.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SuggestionsTest {
  private static final List<String> KEYS = List.of("transport", "address", "port");

  @Test
  void suggestsTheClosestKeyForTyposAndSwaps() {
    assertThat(Suggestions.closest("lisen", List.of("listen", "database"))).contains("listen");
    assertThat(Suggestions.closest("prot", KEYS)).contains("port");
    assertThat(Suggestions.closest("adress", KEYS)).contains("address");
    assertThat(Suggestions.closest("Port", KEYS)).contains("port");
  }

  @Test
  void suggestsNothingForUnrelatedNames() {
    assertThat(Suggestions.closest("trunks", List.of("listen", "database"))).isEmpty();
    assertThat(Suggestions.closest("ip", KEYS)).isEmpty();
  }

  @Test
  void countsASwapOfNeighboursAsOneEdit() {
    assertThat(Suggestions.distance("prot", "port")).isEqualTo(1);
    assertThat(Suggestions.distance("port", "port")).isZero();
    assertThat(Suggestions.distance("", "port")).isEqualTo(4);
    assertThat(Suggestions.distance("kitten", "sitting")).isEqualTo(3);
  }
}
