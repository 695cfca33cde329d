package org.trunkline.core.call;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.trunkline.sip.HeaderName;
import org.trunkline.sip.SipMessage;

/**
 * A Session-Expires value (RFC 4028 §4): the session interval in seconds and who refreshes, as the
 * request or response that carries it says ({@code refresher=uac}: the UAC of that transaction).
 * The negotiation rules of a UAS (§9) and a UAC (§7.2) are here as pure functions, so each leg of a
 * call negotiates on its own.
 *
 * @param seconds the session interval, at least 1
 * @param refresher {@code uac}, {@code uas}, or null when the parameter is absent
 */
record SessionExpires(int seconds, String refresher) {
  static final String UAC = "uac";
  static final String UAS = "uas";

  /** The Session-Expires of {@code m}, empty when it has none or a malformed one. */
  static Optional<SessionExpires> of(SipMessage m) {
    String v = m.header(HeaderName.SESSION_EXPIRES);
    if (v == null) {
      return Optional.empty();
    }
    String[] parts = v.split(";");
    int seconds = seconds(parts[0]);
    if (seconds < 1) {
      return Optional.empty();
    }
    String refresher = null;
    for (int i = 1; i < parts.length; i++) {
      String p = parts[i].strip().toLowerCase(Locale.ROOT).replace(" ", "");
      if (p.equals("refresher=uac") || p.equals("refresher=uas")) {
        refresher = p.substring("refresher=".length());
      }
    }
    return Optional.of(new SessionExpires(seconds, refresher));
  }

  /** The Min-SE of {@code m} in seconds, 0 when it has none (or a malformed one). */
  static int minSe(SipMessage m) {
    String v = m.header(HeaderName.MIN_SE);
    if (v == null) {
      return 0;
    }
    int semi = v.indexOf(';');
    return Math.max(0, seconds(semi < 0 ? v : v.substring(0, semi)));
  }

  /** Whether {@code m} lists {@code tag} in Supported or Require. */
  static boolean supports(SipMessage m, String tag) {
    return lists(m, HeaderName.SUPPORTED, tag) || lists(m, HeaderName.REQUIRE, tag);
  }

  private static boolean lists(SipMessage m, HeaderName h, String tag) {
    for (String t : m.headers(h)) {
      if (t.strip().equalsIgnoreCase(tag)) {
        return true;
      }
    }
    return false;
  }

  /** Whether {@code m}'s Allow lists {@code method}. */
  static boolean allows(SipMessage m, String method) {
    for (String a : m.headers(HeaderName.ALLOW)) {
      if (a.strip().equalsIgnoreCase(method)) {
        return true;
      }
    }
    return false;
  }

  /** The header line, e.g. {@code Session-Expires: 1800;refresher=uac}. */
  String line() {
    return "Session-Expires: " + seconds + (refresher == null ? "" : ";refresher=" + refresher);
  }

  private static int seconds(String s) {
    try {
      long v = Long.parseLong(s.strip());
      return (int) Math.min(v, Integer.MAX_VALUE);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** What a UAS does with a request's session timer (§9). */
  sealed interface Uas {}

  /** §9: the interval is below our minimum: answer 422 with our Min-SE. */
  record TooSmall(int minSe) implements Uas {}

  /** No session timer in this dialog (timers are off, or nothing to negotiate). */
  record None() implements Uas {}

  /**
   * The session timer the 2xx carries: its interval, whether the request's sender (the peer)
   * refreshes, and whether the 2xx needs {@code Require: timer} (the peer supports it).
   */
  record Agreed(int seconds, boolean peerRefreshes, boolean requireTimer) implements Uas {
    /** The 2xx's header lines (§9: Session-Expires with the refresher, Require: timer). */
    List<String> lines() {
      String se = new SessionExpires(seconds, peerRefreshes ? UAC : UAS).line();
      return requireTimer ? List.of(se, "Require: timer") : List.of(se);
    }
  }

  /**
   * §9, we are the UAS of {@code request}: a Session-Expires below our {@code minSe} is refused
   * (422); a larger one than {@code ours} is reduced to ours (never below the request's Min-SE);
   * without one we insert ours. The refresher is the one the request names, else the requester when
   * it supports {@code timer}, else us (§9: refresher=uas when the UAC does not support it).
   *
   * @param ours our session interval, 0 when timers are off (then nothing is negotiated)
   */
  static Uas asUas(SipMessage request, int ours, int minSe) {
    if (ours == 0) {
      return new None();
    }
    SessionExpires asked = of(request).orElse(null);
    if (asked != null && asked.seconds() < minSe) {
      return new TooSmall(minSe);
    }
    boolean peerSupports = supports(request, "timer");
    int floor = Math.max(minSe(request), minSe);
    int seconds = Math.max(floor, Math.min(asked != null ? asked.seconds() : ours, ours));
    String refresher = asked != null ? asked.refresher() : null;
    boolean peerRefreshes = peerSupports && (refresher == null || refresher.equals(UAC));
    return new Agreed(seconds, peerRefreshes, peerSupports);
  }

  /**
   * §7.2, we are the UAC: the session timer a 2xx response agreed, empty when it carries none (then
   * there is no session expiration in that dialog). A 2xx without a refresher parameter leaves
   * refreshing to us.
   *
   * @return the interval and whether we refresh
   */
  static Optional<Agreed> asUac(SipMessage response) {
    return of(response).map(se -> new Agreed(se.seconds(), UAS.equals(se.refresher()), false));
  }
}
