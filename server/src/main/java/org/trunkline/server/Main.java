package org.trunkline.server;

import java.io.PrintWriter;
import java.time.Clock;
import org.trunkline.server.cli.TrunklineCommand;

/** The entry point of {@code trunkline.jar}: runs the command line and exits with its code. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
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
}
