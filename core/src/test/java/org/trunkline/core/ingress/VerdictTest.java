package org.trunkline.core.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.trunkline.core.trunk.Trunk;
import org.trunkline.core.trunk.TrunkAccess;

/** The lazy forms of a verdict's log text: made when asked, once, and the same as the eager one. */
class VerdictTest {
  private final Trunk acme =
      new Trunk(
          "acme",
          registerIn().mode(),
          registerIn(),
          Optional.empty(),
          Optional.empty(),
          0,
          0,
          List.of());

  private static TrunkAccess.RegisterIn registerIn() {
    return new TrunkAccess.RegisterIn("acme", "s3cret", "trunkline", 1, 60, 3600);
  }

  @Test
  void aLazyRejectMakesItsWhyOnceWhenAskedAndEqualsTheEagerOne() {
    AtomicInteger made = new AtomicInteger();
    Verdict.Reject lazy =
        Verdict.Reject.lazily(
            401,
            "Unauthorized",
            List.of("WWW-Authenticate: Digest realm=\"trunkline\""),
            () -> "REGISTER from udp:192.0.2.7:5070: no credentials #" + made.incrementAndGet());
    assertThat(lazy.status()).isEqualTo(401);
    assertThat(lazy.reason()).isEqualTo("Unauthorized");
    assertThat(lazy.headers()).containsExactly("WWW-Authenticate: Digest realm=\"trunkline\"");
    assertThat(made).as("nothing asked for the text yet").hasValue(0);

    assertThat(lazy.why()).isEqualTo("REGISTER from udp:192.0.2.7:5070: no credentials #1");
    assertThat(lazy.why()).isEqualTo("REGISTER from udp:192.0.2.7:5070: no credentials #1");
    assertThat(made).hasValue(1);

    Verdict.Reject eager =
        new Verdict.Reject(
            401,
            "Unauthorized",
            List.of("WWW-Authenticate: Digest realm=\"trunkline\""),
            "REGISTER from udp:192.0.2.7:5070: no credentials #1");
    assertThat(lazy).isEqualTo(eager).hasSameHashCodeAs(eager).hasToString(eager.toString());
    assertThat(lazy)
        .isNotEqualTo(new Verdict.Reject(401, "Unauthorized", eager.headers(), "another why"))
        .isNotEqualTo(new Verdict.Reject(407, "Unauthorized", eager.headers(), eager.why()));
    assertThat(eager.toString()).contains("status=401").contains("no credentials #1");
  }

  @Test
  void aLazyIdentifiedMakesItsHowOnceWhenAsked() {
    AtomicInteger made = new AtomicInteger();
    Verdict.Identified lazy =
        Verdict.Identified.lazily(acme, () -> "digest user acme (MD5) #" + made.incrementAndGet());
    assertThat(lazy.trunk()).isSameAs(acme);
    assertThat(made).hasValue(0);
    assertThat(lazy.how()).isEqualTo("digest user acme (MD5) #1");
    assertThat(lazy.how()).isEqualTo("digest user acme (MD5) #1");
    assertThat(made).hasValue(1);
    assertThat(lazy)
        .isEqualTo(new Verdict.Identified(acme, "digest user acme (MD5) #1"))
        .isNotEqualTo(new Verdict.Identified(acme, "ip peer 192.0.2.0/24"));
  }

  @Test
  void theHeadersCannotBeChangedAfterwards() {
    java.util.ArrayList<String> headers = new java.util.ArrayList<>(List.of("Retry-After: 5"));
    Verdict.Reject r = new Verdict.Reject(503, "Busy", headers, "why");
    headers.add("X-Late: 1");
    assertThat(r.headers()).containsExactly("Retry-After: 5");
  }
}
