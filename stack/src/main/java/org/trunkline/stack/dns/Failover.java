package org.trunkline.stack.dns;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Walks the targets of one request in the order {@link SipResolver} gave them (RFC 3263 §4.3): the
 * caller sends to {@link #next()}, and when that target times out, fails at the transport or
 * answers 503 ({@link #failsOver(int)}), reports it with {@link #failed(String)} and asks for the
 * next. Only the order and the bookkeeping live here; sending and timers belong to the caller.
 *
 * <p>Not thread-safe: one request (one chain of client transactions) owns it.
 */
public final class Failover {
  private final List<Target> targets;
  private final List<String> outcomes = new ArrayList<>();
  private int next;
  private boolean awaiting;

  private Failover(List<Target> targets) {
    this.targets = List.copyOf(targets);
  }

  public static Failover over(List<Target> targets) {
    return new Failover(targets);
  }

  /**
   * §4.3: a 503 sends the request to the next target; other responses are final for the request
   * (timeouts and transport errors fail over too, but they are not responses).
   */
  public static boolean failsOver(int status) {
    return status == 503;
  }

  /** The next target to try, or empty once every target was tried. */
  public Optional<Target> next() {
    if (awaiting) {
      throw new IllegalStateException(
          "next() while " + targets.get(next - 1) + " is still being tried; report failed() first");
    }
    if (next >= targets.size()) {
      return Optional.empty();
    }
    awaiting = true;
    return Optional.of(targets.get(next++));
  }

  /**
   * The target last returned by {@link #next()} failed.
   *
   * @param outcome what happened, as it should read in a log: {@code timeout}, {@code 503}
   */
  public void failed(String outcome) {
    if (!awaiting) {
      throw new IllegalStateException("failed(" + outcome + ") with no target being tried");
    }
    awaiting = false;
    outcomes.add(targets.get(next - 1) + ": " + outcome);
  }

  /** Whether an untried target is left. */
  public boolean hasNext() {
    return next < targets.size();
  }

  /** How many targets were handed out so far. */
  public int tried() {
    return next;
  }

  /** One line per failed target, in order: {@code udp 192.0.2.1:5060: timeout}. */
  public List<String> outcomes() {
    return List.copyOf(outcomes);
  }

  /** {@code tried 2 of 3: udp 192.0.2.1:5060: timeout, tcp 192.0.2.2:5060: 503}. */
  public String summary() {
    String tried = "tried " + next + " of " + targets.size();
    return outcomes.isEmpty() ? tried : tried + ": " + String.join(", ", outcomes);
  }
}
