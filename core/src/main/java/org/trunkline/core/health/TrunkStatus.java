package org.trunkline.core.health;

import java.time.Instant;

/**
 * A trunk's state as an engineer reads it: {@code up}, {@code down}, {@code registered}, {@code
 * unregistered}, {@code failed}, {@code probing}, ..., why, and since when.
 *
 * @param state one word
 * @param reason what made it so, e.g. {@code 403 Forbidden from udp:192.0.2.1:5060}
 * @param since when the state last changed
 * @param reasonAt when the reason last changed (a new failure code, a probe's answer): {@code
 *     since} or later
 */
public record TrunkStatus(String state, String reason, Instant since, Instant reasonAt) {
  @Override
  public String toString() {
    return state + (reason.isEmpty() ? "" : ": " + reason) + " (since " + since + ")";
  }
}
