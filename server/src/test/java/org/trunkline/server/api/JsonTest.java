package org.trunkline.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
  @Test
  void writesIndentedJsonWithEscapes() {
    Map<String, Object> value = new LinkedHashMap<>();
    value.put("name", "a \"b\"\\c\n\u0001");
    value.put("n", 42L);
    value.put("ok", true);
    value.put("none", null);
    value.put("list", List.of(1, "x"));
    value.put("empty", List.of());
    value.put("map", Map.of());

    assertThat(Json.write(value))
        .isEqualTo(
            """
            {
              "name": "a \\"b\\"\\\\c\\n\\u0001",
              "n": 42,
              "ok": true,
              "none": null,
              "list": [
                1,
                "x"
              ],
              "empty": [],
              "map": {}
            }
            """);
  }

  @Test
  void readsWhatItWrites() {
    Map<String, Object> value = new LinkedHashMap<>();
    value.put("s", "ü \"q\" \t\u2028");
    value.put("nested", List.of(Map.of("k", List.of(-1L, 2.5, false)), List.of()));
    value.put("null", null);

    assertThat(Json.parse(Json.write(value))).isEqualTo(value);
    assertThat(Json.parse(" {\"a\" : \"\\u00fc\\/\"} ")).isEqualTo(Map.of("a", "ü/"));
    assertThat(Json.parse("1e3")).isEqualTo(1000.0);
  }

  @Test
  void rejectsMalformedTextNamingTheOffset() {
    assertThatThrownBy(() -> Json.parse("{\"a\": 1,}"))
        .hasMessage("bad JSON at offset 8: expected a key");
    assertThatThrownBy(() -> Json.parse("[1 2]")).hasMessage("bad JSON at offset 3: expected ']'");
    assertThatThrownBy(() -> Json.parse("\"abc"))
        .hasMessage("bad JSON at offset 4: unterminated string");
    assertThatThrownBy(() -> Json.parse("<html>"))
        .hasMessage("bad JSON at offset 0: unexpected '<'");
    assertThatThrownBy(() -> Json.parse("{} x"))
        .hasMessage("bad JSON at offset 3: text after the value");
    assertThatThrownBy(() -> Json.parse("")).hasMessage("bad JSON at offset 0: unexpected end");
    assertThatThrownBy(() -> Json.parse("[".repeat(100)))
        .hasMessageContaining("nested deeper than 64");
  }
}
