package org.trunkline.server.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code trunkline trace explain ID}: what happened in one trace, in a few sentences. The server
 * explains it ({@code explanation} of {@code GET /api/traces/ID}), since only it knows the trunks'
 * peers, usernames and states.
 */
@Command(
    name = "explain",
    mixinStandardHelpOptions = true,
    description = {
      "Say in a few plain sentences what happened in one trace and why: wrong password or realm,"
          + " source not allowed, no route, trunk down, limit reached, codec mismatch, no answer,"
          + " a PBX that ignores our challenge, a registration refused.",
      "ID is the call id (the CDR id), either leg's Call-ID, or trunk:NAME."
    })
final class TraceExplainCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ConfigOption config = new ConfigOption();

  @Option(names = "--api", paramLabel = "URL", description = "The server's API URL.")
  String api;

  @Parameters(paramLabel = "ID", description = "Call id, Call-ID of either leg, or trunk:NAME.")
  String id;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    try {
      TraceJson.Fetched t = TraceJson.fetch(config.file, api, id);
      out.println(t.explanation().strip());
      out.flush();
      return 0;
    } catch (ApiClient.Failure f) {
      return TraceCommand.failed(spec, f);
    }
  }
}
