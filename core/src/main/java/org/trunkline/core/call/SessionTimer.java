package org.trunkline.core.call;

import java.time.Duration;
import org.trunkline.stack.transaction.Scheduler;

/**
 * The session timer of one leg's dialog (RFC 4028 §10). When we refresh, a refresh is due at half
 * the interval and the session expires at the full interval if no refresh succeeded by then; when
 * the peer refreshes, the session expires at the interval minus a third of it (at most 32 s)
 * without a refresh from it (§10: "the minimum of 32 seconds and one third of the session
 * interval"). {@link #arm} restarts both after every successful refresh.
 *
 * <p>Confined to the call's event loop.
 */
final class SessionTimer {
  /** How a timer task is scheduled: the transaction layer's {@code schedule}. */
  interface Schedule {
    Scheduler.Scheduled at(Runnable task, Duration delay);
  }

  private final Schedule schedule;
  private final Runnable refresh;
  private final Runnable expired;
  private Scheduler.Scheduled refreshTask;
  private Scheduler.Scheduled expiryTask;
  private int seconds;
  private boolean weRefresh;

  /**
   * @param refresh run when a refresh of ours is due
   * @param expired run when the session expired without a refresh
   */
  SessionTimer(Schedule schedule, Runnable refresh, Runnable expired) {
    this.schedule = schedule;
    this.refresh = refresh;
    this.expired = expired;
  }

  /** Starts (or restarts after a refresh) the timer of a {@code seconds} session interval. */
  void arm(int seconds, boolean weRefresh) {
    stop();
    this.seconds = seconds;
    this.weRefresh = weRefresh;
    // in nanoseconds, not Duration.dividedBy (BigDecimal arithmetic per call); the same values
    long interval = seconds * 1_000_000_000L;
    if (weRefresh) {
      refreshTask = schedule.at(this::refreshDue, Duration.ofNanos(interval / 2));
      expiryTask = schedule.at(this::expiryDue, Duration.ofSeconds(seconds));
    } else {
      long margin = Math.min(interval / 3, MAX_MARGIN_NANOS);
      expiryTask = schedule.at(this::expiryDue, Duration.ofNanos(interval - margin));
    }
  }

  /** §10: the one who does not refresh ends the session at most 32 s before it expires. */
  private static final long MAX_MARGIN_NANOS = 32_000_000_000L;

  /** Arms the timer as {@code agreed} says. */
  void arm(SessionExpires.Agreed agreed) {
    arm(agreed.seconds(), !agreed.peerRefreshes());
  }

  /**
   * A re-INVITE or UPDATE in this dialog succeeded (§10): the timer starts again, with the interval
   * and refresher its 2xx carried. A 2xx without Session-Expires keeps both as they were: a peer
   * that does not support timers never echoes one (§9 makes us the refresher then), and reading its
   * silence as "no expiration" (§7.2, written for the initial INVITE) would let dead calls live on.
   */
  void refreshed(java.util.Optional<SessionExpires.Agreed> answer) {
    if (answer.isPresent()) {
      arm(answer.get());
    } else if (active()) {
      arm(seconds, weRefresh);
    }
  }

  /** A refresh of ours could not be sent now (a re-INVITE is in progress): try after {@code d}. */
  void retryRefresh(Duration d) {
    if (refreshTask != null) {
      refreshTask.cancel();
    }
    refreshTask = schedule.at(this::refreshDue, d);
  }

  /** No session timer any more (the call ended, or a refresh's answer carried none). */
  void stop() {
    if (refreshTask != null) {
      refreshTask.cancel();
      refreshTask = null;
    }
    if (expiryTask != null) {
      expiryTask.cancel();
      expiryTask = null;
    }
    seconds = 0;
  }

  /** Whether a session timer runs in this dialog. */
  boolean active() {
    return seconds > 0;
  }

  /** The session interval in seconds, 0 when none. */
  int seconds() {
    return seconds;
  }

  /** Whether we are the refresher. */
  boolean weRefresh() {
    return weRefresh;
  }

  /**
   * The Session-Expires line of a request we send in this dialog (§7.4, §10: a refresh carries the
   * current interval and refresher, named from the request's point of view), or null when none.
   */
  String requestLine() {
    return active()
        ? new SessionExpires(seconds, weRefresh ? SessionExpires.UAC : SessionExpires.UAS).line()
        : null;
  }

  private void refreshDue() {
    refreshTask = null;
    refresh.run();
  }

  private void expiryDue() {
    expiryTask = null;
    if (refreshTask != null) {
      refreshTask.cancel();
      refreshTask = null;
    }
    expired.run();
  }
}
