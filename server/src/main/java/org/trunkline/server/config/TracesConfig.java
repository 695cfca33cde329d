package org.trunkline.server.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The {@code traces:} section (issue 7): whether every SIP message is kept, and for how long.
 *
 * @param enabled whether the trace tap captures at all
 * @param maxBytes the stored messages' bytes are kept at or under this (oldest deleted first)
 * @param maxAge messages older than this are deleted
 * @param queue messages that may wait for the trace writer per capturing thread (each event loop
 *     has its own ring); more are dropped and counted
 * @param path the directory of the segment files (relative: to the working directory); null for
 *     {@code traces/} beside an embedded H2 database's file, else {@link #DEFAULT_PATH}
 * @param hep the Homer collector every traced message is also sent to, or null for none
 */
public record TracesConfig(
    boolean enabled, long maxBytes, Duration maxAge, int queue, Path path, HepConfig hep) {
  /** Without HEP. */
  public TracesConfig(boolean enabled, long maxBytes, Duration maxAge, int queue, Path path) {
    this(enabled, maxBytes, maxAge, queue, path, null);
  }

  public static final Path DEFAULT_PATH = Path.of("data/traces");

  public static final long DEFAULT_MAX_BYTES = 1L << 30;
  public static final Duration DEFAULT_MAX_AGE = Duration.ofDays(7);
  public static final int DEFAULT_QUEUE = 65_536;

  /** What a config file without a {@code traces} section gets: on, 1 GB, 7 days. */
  public static TracesConfig defaults() {
    return new TracesConfig(true, DEFAULT_MAX_BYTES, DEFAULT_MAX_AGE, DEFAULT_QUEUE, null);
  }

  /** Tracing off: what configs built in code get. */
  public static final TracesConfig DISABLED =
      new TracesConfig(false, DEFAULT_MAX_BYTES, DEFAULT_MAX_AGE, DEFAULT_QUEUE, null);
}
