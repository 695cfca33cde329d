package org.trunkline.server;

import java.io.PrintWriter;
import java.time.Clock;
import org.trunkline.server.cli.TrunklineCommand;

/** The entry point of {@code trunkline.jar}: runs the command line and exits with its code. */
public final class Main {
  private Main() {}

  /** Netty's buffer-leak detector: sampled stack traces on the packet path; tests keep it on. */
  static final String LEAK_DETECTION = "io.netty.leakDetection.level";

  public static void main(String[] args) {
    serverDefaults();
    int code =
        TrunklineCommand.commandLine(
                new PrintWriter(System.out, true),
                new PrintWriter(System.err, true),
                Clock.systemUTC())
            .execute(args);
    // Netty's event-loop threads are not daemons: without an explicit exit a failed start would
    // leave the JVM running.
    System.exit(code);
  }

  /**
   * A running server does not sample its buffers for leaks (a stack trace now and then on every
   * event loop and relay socket; the test suites, which do not start here, keep Netty's default).
   * {@code -Dio.netty.leakDetection.level=...} on the command line still wins.
   */
  static void serverDefaults() {
    if (System.getProperty(LEAK_DETECTION) == null) {
      System.setProperty(LEAK_DETECTION, "disabled");
    }
  }
}
