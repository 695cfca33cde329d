package org.trunkline.stack;

import java.time.Duration;
import org.trunkline.stack.transaction.TransactionConfig;

/** Transaction timers for tests that wait out a timeout in real time. */
public final class TestTimers {
  private TestTimers() {}

  /** T1 = 20 ms: a silent peer times out (Timer B/F = 64*T1) after 1.28 s instead of 32 s. */
  public static final TransactionConfig FAST =
      new TransactionConfig(
          Duration.ofMillis(20),
          Duration.ofMillis(160),
          Duration.ofMillis(200),
          Duration.ofMillis(200),
          Duration.ofSeconds(2),
          Duration.ofSeconds(3));
}
