package org.trunkline.server.warmup;

import java.io.IOException;
import java.nio.channels.Selector;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * What the warm-up's registrations and calls share: up to a window of exchanges in flight, keyed by
 * Call-ID; the answers read as they come; one without an answer for 5 s given up; a deadline that
 * drops whatever is still in flight (not counted as failed).
 *
 * @param <T> what is kept of one exchange in flight
 */
abstract class Exchanges<T extends Exchanges.Sent> {
  /** An exchange without its answer this long is given up. */
  private static final long GIVE_UP_NANOS = 5_000_000_000L;

  /** One exchange in flight: when its last request was sent. */
  static class Sent {
    long sentAt;

    Sent(long sentAt) {
      this.sentAt = sentAt;
    }
  }

  private final Selector selector;
  private final int window;
  private final String silent;
  final Failures failures;
  final Map<String, T> inFlight = new HashMap<>();
  int ok;
  int failed;

  /**
   * @param window exchanges in flight at once
   * @param silent the failure reason of one given up ({@code "call without an answer"})
   */
  Exchanges(Selector selector, int window, String silent, Failures failures) {
    this.selector = selector;
    this.window = window;
    this.silent = silent;
    this.failures = failures;
  }

  int ok() {
    return ok;
  }

  int failed() {
    return failed;
  }

  /** Sends exchange {@code n}'s first request and puts it in {@link #inFlight}. */
  abstract void start(int n, long now) throws IOException;

  /** Reads and answers every message waiting. */
  abstract void drain() throws IOException;

  /**
   * Runs exchanges {@code 1..count}; false when {@code deadline} ({@link System#nanoTime}) came.
   */
  final boolean run(int count, long deadline) throws IOException {
    int next = 1;
    while (next <= count || !inFlight.isEmpty()) {
      long now = System.nanoTime();
      if (now - deadline > 0) {
        inFlight.clear();
        return false;
      }
      while (next <= count && inFlight.size() < window) {
        start(next++, now);
      }
      selector.select(20);
      selector.selectedKeys().clear();
      drain();
      long later = System.nanoTime();
      for (Iterator<T> it = inFlight.values().iterator(); it.hasNext(); ) {
        if (later - it.next().sentAt > GIVE_UP_NANOS) {
          it.remove();
          failed++;
          failures.add(silent, 1);
        }
      }
    }
    return true;
  }
}
