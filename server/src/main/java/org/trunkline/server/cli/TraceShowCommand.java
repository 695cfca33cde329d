package org.trunkline.server.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.trunkline.core.trace.Ladder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code trunkline trace show ID}: the ladder of one trace. */
@Command(
    name = "show",
    mixinStandardHelpOptions = true,
    description = {
      "Draw one trace as a ladder: a column per party (caller, us, each callee), an arrow per"
          + " message with its method or status, the time since the previous one,"
          + " retransmissions marked.",
      "ID is the call id (the CDR id), either leg's Call-ID, or trunk:NAME."
    })
final class TraceShowCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ConfigOption config = new ConfigOption();

  @Option(names = "--api", paramLabel = "URL", description = "The server's API URL.")
  String api;

  @Option(names = "--full", description = "Print each whole message under its arrow.")
  boolean full;

  @Option(
      names = "--message",
      paramLabel = "N",
      description = "Print only message N (as numbered on the ladder), whole.")
  Integer message;

  @Option(names = "--ascii", description = "Plain ASCII instead of box-drawing characters.")
  boolean ascii;

  @Option(
      names = "--width",
      paramLabel = "W",
      description = "The terminal's width, at least 40 (default: $COLUMNS, else 100).")
  Integer width;

  @Parameters(paramLabel = "ID", description = "Call id, Call-ID of either leg, or trunk:NAME.")
  String id;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    int w = width != null ? width : columns();
    if (w < 40) {
      return TraceCommand.failed(
          spec,
          new ApiClient.Failure(
              "--width: must be at least 40, got " + w, TrunklineCommand.EXIT_NO_SERVER));
    }
    try {
      TraceJson.Fetched t = TraceJson.fetch(config.file, api, id);
      if (message != null) {
        if (message < 1 || message > t.messages().size()) {
          throw new ApiClient.Failure(
              "--message: must be 1.." + t.messages().size() + ", got " + message,
              TrunklineCommand.EXIT_NO_SERVER);
        }
        out.print(Ladder.message(t.messages(), message));
      } else {
        out.print(Ladder.draw(t.messages(), new Ladder.Options(w, ascii, full)));
      }
      out.flush();
      return 0;
    } catch (ApiClient.Failure f) {
      return TraceCommand.failed(spec, f);
    }
  }

  private static int columns() {
    try {
      String c = System.getenv("COLUMNS");
      return c == null ? 100 : Math.max(40, Integer.parseInt(c.strip()));
    } catch (NumberFormatException e) {
      return 100;
    }
  }
}
