package org.trunkline.server.cli;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code trunkline trunks}: every trunk of the running server with its state, as a table. */
@Command(
    name = "trunks",
    mixinStandardHelpOptions = true,
    description = {
      "Show every trunk of the running server: mode, state, since when, why, calls, contacts or"
          + " peers; then the sources banned now (ingress.ban) and until when.",
      "Asks the API that the config's 'api' section names (default http://127.0.0.1:8060).",
      "Exits 2 when no server answers there."
    })
final class TrunksCommand implements Callable<Integer> {
  private final Clock clock;
  private final ZoneId zone;

  @Spec CommandSpec spec;
  @Mixin ConfigOption config = new ConfigOption();

  @Option(
      names = "--api",
      paramLabel = "URL",
      description = "The server's API, e.g. http://127.0.0.1:8060 (default: from the config file).")
  String api;

  @Option(names = "--json", description = "Print the API's JSON answer as it is.")
  boolean json;

  TrunksCommand(Clock clock, ZoneId zone) {
    this.clock = clock;
    this.zone = zone;
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      ApiClient.Reply reply = ApiClient.forConfig(config.file, api).get("/api/trunks");
      if (reply.status() != 200 || !(reply.get("trunks") instanceof List<?> trunks)) {
        err.println(
            "unexpected answer from the server: HTTP "
                + reply.status()
                + " "
                + reply.body().strip());
        err.flush();
        return TrunklineCommand.EXIT_FAILED;
      }
      if (json) {
        out.print(reply.body());
      } else {
        out.print(TrunkTable.render(trunks, zone, clock.instant()));
        // the sources ingress.ban keeps out now, from the counters (an older server has none)
        ApiClient.Reply counters = ApiClient.forConfig(config.file, api).get("/api/counters");
        if (counters.status() == 200) {
          out.print(TrunkTable.banned(counters.get("banned_sources"), zone, clock.instant()));
        }
      }
      out.flush();
      return 0;
    } catch (ApiClient.Failure f) {
      err.println(f.getMessage());
      err.flush();
      return f.exitCode();
    }
  }
}
