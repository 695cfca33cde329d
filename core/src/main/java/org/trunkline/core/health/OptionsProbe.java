package org.trunkline.core.health;

import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.trunkline.core.trace.TraceSink;
import org.trunkline.core.trunk.HealthCheck;
import org.trunkline.core.trunk.Trunk;
import org.trunkline.core.trunk.TrunkAccess;
import org.trunkline.stack.ClientResult;
import org.trunkline.stack.OutboundRequest;
import org.trunkline.stack.SipClient;

/**
 * OPTIONS probing of one trunk's target: one probe per interval, {@code up} after {@code up-after}
 * alive answers in a row, {@code down} after {@code down-after} dead ones (a timeout is dead; so
 * are the configured dead codes). Until the first of those is reached the state is {@code probing},
 * its reason the last probe's outcome and the count toward {@code up} or {@code down}. A
 * cross-connect trunk's probes leave from its own listen point.
 */
public final class OptionsProbe {
  private final Trunk trunk;
  private final HealthCheck check;
  private final SipClient client;
  private final ScheduledExecutorService timers;
  private final TrunkStates states;
  private int alive;
  private int dead;
  private boolean up;
  private boolean known;
  private volatile boolean stopped;
  private ScheduledFuture<?> next;
  private final TraceSink trace;

  public OptionsProbe(
      Trunk trunk, SipClient client, ScheduledExecutorService timers, TrunkStates states) {
    this(trunk, client, timers, states, TraceSink.NONE);
  }

  /** As above; each probe's Call-ID is linked to the trunk's own trace in {@code trace}. */
  public OptionsProbe(
      Trunk trunk,
      SipClient client,
      ScheduledExecutorService timers,
      TrunkStates states,
      TraceSink trace) {
    this.trace = trace;
    this.trunk = trunk;
    this.check = trunk.health().orElseThrow();
    this.client = client;
    this.timers = timers;
    this.states = states;
  }

  public synchronized void start() {
    states.set(trunk.name(), "probing", "OPTIONS to " + trunk.target().orElseThrow());
    next = timers.schedule(this::probe, 0, TimeUnit.MILLISECONDS);
  }

  public synchronized void stop() {
    stopped = true;
    if (next != null) {
      next.cancel(false);
    }
  }

  private void probe() {
    if (stopped) {
      return;
    }
    String target = trunk.target().orElseThrow();
    String callId =
        "probe-" + Long.toHexString(ThreadLocalRandom.current().nextLong()) + "@trunkline";
    trace.link(callId, TraceSink.trunk(trunk.name()));
    OutboundRequest r =
        new OutboundRequest(
            "OPTIONS",
            target,
            "<sip:trunkline@{local}>;tag="
                + Long.toHexString(ThreadLocalRandom.current().nextLong()),
            "<" + target + ">",
            callId,
            1,
            List.of("Accept: application/sdp"),
            null,
            null,
            null,
            target,
            null,
            trunk.access() instanceof TrunkAccess.CrossConnect xc ? xc.listen() : null);
    long t0 = System.nanoTime();
    client.send(r).whenComplete((res, e) -> done(res, (System.nanoTime() - t0) / 1_000_000));
  }

  private synchronized void done(ClientResult res, long ms) {
    if (stopped || res == null) {
      return;
    }
    boolean ok = res.received() && check.isAlive(res.status());
    String what =
        res.received()
            ? "OPTIONS answered "
                + res.status()
                + " "
                + res.reason()
                + " by "
                + res.peer()
                + " in "
                + ms
                + " ms"
            : "OPTIONS to " + trunk.target().orElseThrow() + ": " + res;
    if (ok) {
      alive++;
      dead = 0;
      if ((!up || !known) && alive >= check.upAfter()) {
        up = true;
        known = true;
      }
    } else {
      dead++;
      alive = 0;
      if ((up || !known) && dead >= check.downAfter()) {
        up = false;
        known = true;
      }
    }
    states.set(trunk.name(), known ? (up ? "up" : "down") : "probing", what + progress(ok));
    next = timers.schedule(this::probe, check.interval().toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * How far a probe that does not (yet) change the state has gone toward changing it, e.g. {@code
   * "; 1 of 2 failed probes before down"}, so that an engineer reading {@code probing} or an {@code
   * up} with a timeout as its reason sees what comes next; empty when the probe agrees with the
   * state.
   */
  private String progress(boolean ok) {
    if (ok && !(known && up)) {
      return "; " + alive + " of " + check.upAfter() + " good probes before up";
    }
    if (!ok && !(known && !up)) {
      return "; " + dead + " of " + check.downAfter() + " failed probes before down";
    }
    return "";
  }

  /** Whether the last state reached is up (false before any). */
  public synchronized boolean isUp() {
    return known && up;
  }
}
