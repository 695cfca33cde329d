package org.trunkline.stack;

import java.time.Duration;

/**
 * How long a TCP connection may hold resources without progress.
 *
 * @param partialMessage a connection that has sent part of a message and then nothing for this long
 *     is closed (RFC 4475 §3.1.2.2: close "if none arrives within a reasonable time"); default 32
 *     s, the 64*T1 of a transaction
 * @param idle a connection with no traffic at all for this long is closed; default 15 min
 * @param connect an outbound connection not established in this long fails, and the messages
 *     waiting for it are reported failed to their transactions; default 10 s (a TLS handshake has
 *     another 10 s, Netty's default)
 */
public record StreamTimeouts(Duration partialMessage, Duration idle, Duration connect) {
  public static final StreamTimeouts DEFAULT =
      new StreamTimeouts(Duration.ofSeconds(32), Duration.ofMinutes(15), Duration.ofSeconds(10));

  public StreamTimeouts {
    for (Duration d : new Duration[] {partialMessage, idle, connect}) {
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(
            "stream timeouts must be positive: " + partialMessage + ", " + idle + ", " + connect);
      }
    }
  }

  /** With the default connect timeout. */
  public StreamTimeouts(Duration partialMessage, Duration idle) {
    this(partialMessage, idle, DEFAULT.connect());
  }
}
