package org.trunkline.stack;

import java.time.Duration;

/**
 * How long a TCP connection may hold resources without progress.
 *
 * @param partialMessage a connection that has sent part of a message and then nothing for this long
 *     is closed (RFC 4475 §3.1.2.2: close "if none arrives within a reasonable time"); default 32
 *     s, the 64*T1 of a transaction
 * @param idle a connection with no traffic at all for this long is closed; default 15 min
 */
public record StreamTimeouts(Duration partialMessage, Duration idle) {
  public static final StreamTimeouts DEFAULT =
      new StreamTimeouts(Duration.ofSeconds(32), Duration.ofMinutes(15));

  public StreamTimeouts {
    if (partialMessage.isNegative()
        || partialMessage.isZero()
        || idle.isNegative()
        || idle.isZero()) {
      throw new IllegalArgumentException(
          "stream timeouts must be positive: " + partialMessage + ", " + idle);
    }
  }
}
