package org.trunkline.core.call;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.trunkline.sip.SipMessage;
import org.trunkline.sip.SipParser;
import org.trunkline.stack.transaction.VirtualScheduler;

/**
 * RFC 4028 negotiation (§7.2 UAC, §9 UAS) as pure functions, and the per-leg timer (§10) on virtual
 * time.
 */
class SessionTimerTest {
  private final VirtualScheduler time = new VirtualScheduler();
  private final List<String> events = new ArrayList<>();
  private final SessionTimer timer =
      new SessionTimer(
          (task, delay) -> time.schedule(task, delay.toNanos()),
          () -> events.add("refresh at " + time.elapsed().toMillis()),
          () -> events.add("expired at " + time.elapsed().toMillis()));

  private static SipMessage invite(String... headers) {
    StringBuilder sb =
        new StringBuilder(
            "INVITE sip:+74951234567@127.0.0.1 SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.20:5060;branch=z9hG4bK1\r\n"
                + "From: <sip:a@127.0.0.20>;tag=1\r\nTo: <sip:b@127.0.0.1>\r\n"
                + "Call-ID: c1\r\nCSeq: 1 INVITE\r\nMax-Forwards: 70\r\n");
    for (String h : headers) {
      sb.append(h).append("\r\n");
    }
    sb.append("Content-Length: 0\r\n\r\n");
    return new SipParser().parseDatagram(sb.toString().getBytes(StandardCharsets.UTF_8));
  }

  private static SipMessage ok(String... headers) {
    StringBuilder sb =
        new StringBuilder(
            "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK1\r\n"
                + "From: <sip:a@127.0.0.1>;tag=1\r\nTo: <sip:b@127.0.0.1>;tag=2\r\n"
                + "Call-ID: c1\r\nCSeq: 1 INVITE\r\n");
    for (String h : headers) {
      sb.append(h).append("\r\n");
    }
    sb.append("Content-Length: 0\r\n\r\n");
    return new SipParser().parseDatagram(sb.toString().getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void anIntervalBelowOurMinSeIsTooSmall() {
    assertThat(SessionExpires.asUas(invite("Session-Expires: 60"), 1800, 90))
        .isEqualTo(new SessionExpires.TooSmall(90));
    assertThat(SessionExpires.asUas(invite("x: 89;refresher=uac"), 1800, 90))
        .as("the compact form too")
        .isEqualTo(new SessionExpires.TooSmall(90));
  }

  @Test
  void aLargerIntervalIsReducedToOursButNotBelowTheRequestsMinSe() {
    assertThat(
            SessionExpires.asUas(
                invite("Supported: timer", "Session-Expires: 7200;refresher=uac"), 1800, 90))
        .isEqualTo(new SessionExpires.Agreed(1800, true, true));
    assertThat(
            SessionExpires.asUas(
                invite("Supported: timer", "Session-Expires: 7200", "Min-SE: 3600"), 1800, 90))
        .isEqualTo(new SessionExpires.Agreed(3600, true, true));
  }

  @Test
  void withoutSessionExpiresWeInsertOursAndTheRefresherDependsOnSupport() {
    SessionExpires.Uas supported = SessionExpires.asUas(invite("Supported: timer"), 1800, 90);
    assertThat(supported).isEqualTo(new SessionExpires.Agreed(1800, true, true));
    assertThat(((SessionExpires.Agreed) supported).lines())
        .containsExactly("Session-Expires: 1800;refresher=uac", "Require: timer");
    SessionExpires.Uas unsupported = SessionExpires.asUas(invite(), 1800, 90);
    assertThat(((SessionExpires.Agreed) unsupported).lines())
        .as("§9: refresher=uas and no Require: timer for a UAC that does not support timers")
        .containsExactly("Session-Expires: 1800;refresher=uas");
  }

  @Test
  void theRequestsRefresherChoiceIsKeptAndTimersOffNegotiateNothing() {
    assertThat(
            SessionExpires.asUas(
                invite("Supported: timer", "Session-Expires: 600;refresher=uas"), 1800, 90))
        .isEqualTo(new SessionExpires.Agreed(600, false, true));
    assertThat(SessionExpires.asUas(invite("Session-Expires: 30"), 0, 90))
        .isEqualTo(new SessionExpires.None());
  }

  @Test
  void aUacReadsTheIntervalAndRefresherOfThe2xx() {
    assertThat(SessionExpires.asUac(ok("Session-Expires: 900;refresher=uas")))
        .contains(new SessionExpires.Agreed(900, true, false));
    assertThat(SessionExpires.asUac(ok("Session-Expires: 900")))
        .as("no refresher: we refresh")
        .contains(new SessionExpires.Agreed(900, false, false));
    assertThat(SessionExpires.asUac(ok())).isEmpty();
    assertThat(SessionExpires.minSe(ok("Min-SE: 3600"))).isEqualTo(3600);
  }

  @Test
  void asRefresherWeRefreshAtHalfTheIntervalAndExpireAtTheEndWithoutSuccess() {
    timer.arm(90, true);
    time.advance(Duration.ofSeconds(44));
    assertThat(events).isEmpty();
    time.advance(Duration.ofSeconds(1));
    assertThat(events).containsExactly("refresh at 45000");
    time.advance(Duration.ofSeconds(45));
    assertThat(events).containsExactly("refresh at 45000", "expired at 90000");
    assertThat(timer.requestLine()).isEqualTo("Session-Expires: 90;refresher=uac");
  }

  @Test
  void whenThePeerRefreshesWeWaitTheIntervalLessAThirdAtMost32Seconds() {
    timer.arm(90, false);
    time.advance(Duration.ofSeconds(59));
    assertThat(events).isEmpty();
    time.advance(Duration.ofSeconds(1));
    assertThat(events).containsExactly("expired at 60000");

    events.clear();
    timer.arm(1800, false);
    time.advance(Duration.ofSeconds(1767));
    assertThat(events).isEmpty();
    time.advance(Duration.ofSeconds(1));
    assertThat(events).as("1800 - 32 s").hasSize(1);
  }

  @Test
  void aRefreshRestartsTheTimerAndA2xxWithoutSessionExpiresKeepsIt() {
    timer.arm(90, false);
    time.advance(Duration.ofSeconds(50));
    timer.refreshed(Optional.empty());
    time.advance(Duration.ofSeconds(50));
    assertThat(events).isEmpty();
    timer.refreshed(Optional.of(new SessionExpires.Agreed(120, false, false)));
    time.advance(Duration.ofSeconds(60));
    assertThat(events).as("now we refresh, at 60 s").containsExactly("refresh at 160000");
    timer.stop();
    time.advance(Duration.ofSeconds(600));
    assertThat(events).hasSize(1);
    assertThat(timer.active()).isFalse();
  }

  @Test
  void glareRetryTimesFollowRfc3261Section14_1() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    for (int i = 0; i < 1000; i++) {
      Duration owner = Leg.glareDelay(true, r);
      Duration other = Leg.glareDelay(false, r);
      assertThat(owner).isBetween(Duration.ofMillis(2100), Duration.ofMillis(4000));
      assertThat(other).isBetween(Duration.ZERO, Duration.ofMillis(2000));
      assertThat(owner.toMillis() % 10).isZero();
      assertThat(other.toMillis() % 10).isZero();
    }
  }
}
