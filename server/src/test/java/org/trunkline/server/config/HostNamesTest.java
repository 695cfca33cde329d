package org.trunkline.server.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HostNamesTest {
  @ParameterizedTest
  @ValueSource(
      strings = {
        "127.0.0.1",
        "0.0.0.0",
        "255.255.255.255",
        "::",
        "::1",
        "2001:db8::5060",
        "::ffff:192.0.2.1",
        "localhost",
        "sip.example.com",
        "sip.example.com.",
        "a-b.example",
        "x1"
      })
  void accepts(String address) {
    assertThat(HostNames.isValid(address)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "256.0.0.1",
        "1.2.3",
        "1.2.3.4.5",
        "1::2::3",
        "[::1]",
        "fe80::1%eth0",
        "-sip.example.com",
        "sip-.example.com",
        "sip..example.com",
        "sip_1.example.com",
        "foo bar",
        "sip:127.0.0.1"
      })
  void rejects(String address) {
    assertThat(HostNames.isValid(address)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(ints = {63, 64})
  void limitsALabelTo63Characters(int length) {
    assertThat(HostNames.isValid("a".repeat(length) + ".example")).isEqualTo(length <= 63);
  }
}
