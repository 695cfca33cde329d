package org.trunkline.core.trunk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TrunkRecordsTest {
  private static Trunk ip(String name, List<String> numbers) {
    return new Trunk(
        name,
        TrunkMode.IP,
        new TrunkAccess.Ip(List.of(AddressRange.parse("203.0.113.10"))),
        Optional.empty(),
        Optional.empty(),
        0,
        0,
        numbers);
  }

  @Test
  void modesAreWrittenAsTheirTokens() {
    assertThat(TrunkMode.values())
        .extracting(TrunkMode::token)
        .containsExactly("register-in", "register-out", "ip", "cross-connect");
    assertThat(TrunkMode.of("cross-connect")).contains(TrunkMode.CROSS_CONNECT);
    assertThat(TrunkMode.of("Register-In")).contains(TrunkMode.REGISTER_IN);
    assertThat(TrunkMode.of("register_in")).isEmpty();
    assertThat(TrunkMode.IP).hasToString("ip");
  }

  @Test
  void eachAccessKnowsItsMode() {
    assertThat(new TrunkAccess.RegisterIn("u", "p", "r", 1, 60, 3600).mode())
        .isEqualTo(TrunkMode.REGISTER_IN);
    assertThat(
            new TrunkAccess.RegisterOut(
                    "sip:pbx.example",
                    "u",
                    "p",
                    "u",
                    600,
                    Duration.ofSeconds(1),
                    Duration.ofSeconds(1))
                .mode())
        .isEqualTo(TrunkMode.REGISTER_OUT);
    assertThat(new TrunkAccess.CrossConnect("xc", List.of()).mode())
        .isEqualTo(TrunkMode.CROSS_CONNECT);
  }

  @Test
  void passwordsNeverShowInText() {
    assertThat(new TrunkAccess.RegisterIn("acme", "s3cret", "trunkline", 1, 60, 3600).toString())
        .contains("acme")
        .doesNotContain("s3cret");
    assertThat(
            new TrunkAccess.RegisterOut(
                    "sip:pbx.example",
                    "trunk77",
                    "pw-77",
                    "trunk77",
                    600,
                    Duration.ofSeconds(5),
                    Duration.ofMinutes(5))
                .toString())
        .contains("trunk77")
        .doesNotContain("pw-77");
  }

  @Test
  void recordsRefuseWhatTheConfigWouldHaveRejected() {
    assertThatThrownBy(() -> new TrunkAccess.RegisterIn("u", "", "r", 1, 60, 3600))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("empty password");
    assertThatThrownBy(() -> new TrunkAccess.Ip(List.of()))
        .hasMessage("an ip trunk needs at least one peer");
    assertThatThrownBy(() ->
            new Trunk(
                "x",
                TrunkMode.REGISTER_IN,
                new TrunkAccess.Ip(List.of(AddressRange.parse("203.0.113.10"))),
                Optional.empty(),
                Optional.empty(),
                0,
                0,
                List.of()))
        .hasMessage("trunk x: mode register-in with ip access");
    assertThatThrownBy(() -> ip("x", List.of("4930123"))).hasMessage("trunk x: bad number 4930123");
    assertThatThrownBy(() ->
            new TrunksConfig(
                List.of(ip("a", List.of()), ip("a", List.of())), IngressPolicy.DEFAULT))
        .hasMessage("duplicate trunk names in [a, a]");
    assertThatThrownBy(() -> new BanPolicy(-1, Duration.ofSeconds(1), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void healthCountsEveryAnswerAsAliveExceptTheDeadCodes() {
    HealthCheck health = HealthCheck.DEFAULT;

    assertThat(health.deadCodes()).isEqualTo(Set.of(408, 503));
    assertThat(health.isAlive(200)).isTrue();
    assertThat(health.isAlive(404)).isTrue();
    assertThat(health.isAlive(503)).isFalse();
    assertThat(health.isAlive(408)).isFalse();
    assertThatThrownBy(() -> new HealthCheck(Duration.ofMillis(500), 1, 1, Set.of()))
        .hasMessage("interval must be at least 1s, got PT0.5S");
  }

  @Test
  void findsATrunkByName() {
    TrunksConfig config =
        new TrunksConfig(
            List.of(ip("a", List.of("+4930*")), ip("b", List.of())), IngressPolicy.DEFAULT);

    assertThat(config.byName("b")).map(Trunk::name).contains("b");
    assertThat(config.byName("B")).isEmpty();
    assertThat(config).isEqualTo(new TrunksConfig(config.trunks(), IngressPolicy.DEFAULT));
    assertThatThrownBy(() ->
            new TrunksConfig(
                List.of(ip("a", List.of()), ip("a", List.of())), IngressPolicy.DEFAULT))
        .hasMessage("duplicate trunk names in [a, a]");
    assertThat(TrunksConfig.EMPTY.trunks()).isEmpty();
    assertThat(BanPolicy.NEVER.enabled()).isFalse();
    assertThat(IngressPolicy.DEFAULT.ban().enabled()).isTrue();
  }
}
