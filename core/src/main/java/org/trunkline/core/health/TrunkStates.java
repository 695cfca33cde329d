package org.trunkline.core.health;

import java.time.InstantSource;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The current {@link TrunkStatus} of every trunk that has one. Thread-safe. */
public final class TrunkStates {
  private static final Logger LOG = LoggerFactory.getLogger(TrunkStates.class);

  private final InstantSource clock;
  private final Map<String, TrunkStatus> states = new ConcurrentHashMap<>();

  public TrunkStates(InstantSource clock) {
    this.clock = clock;
  }

  /**
   * Sets the state and its reason; {@code since} changes only with the state, {@code reasonAt} with
   * the reason. Logs changes of state.
   */
  public void set(String trunk, String state, String reason) {
    states.compute(
        trunk,
        (k, old) -> {
          if (old != null && old.state().equals(state) && old.reason().equals(reason)) {
            return old;
          }
          if (old != null && old.state().equals(state)) {
            return new TrunkStatus(state, reason, old.since(), clock.instant());
          }
          LOG.info("trunk {}: {}{}", trunk, state, reason.isEmpty() ? "" : ": " + reason);
          java.time.Instant now = clock.instant();
          return new TrunkStatus(state, reason, now, now);
        });
  }

  public Optional<TrunkStatus> get(String trunk) {
    return Optional.ofNullable(states.get(trunk));
  }

  public void remove(String trunk) {
    states.remove(trunk);
  }
}
