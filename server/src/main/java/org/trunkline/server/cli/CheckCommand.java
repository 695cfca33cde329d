package org.trunkline.server.cli;

import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.trunkline.server.config.TrunklineConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code trunkline check}: validates the config and exits, touching neither sockets nor storage.
 */
@Command(
    name = "check",
    mixinStandardHelpOptions = true,
    description = {
      "Validate a config file and exit.",
      "Prints 'FILE: ok (...)' and exits 0, or prints 'FILE:LINE: field: problem' lines and exits 1."
    })
final class CheckCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ConfigOption config = new ConfigOption();

  @Override
  public Integer call() {
    Optional<TrunklineConfig> loaded = config.load(spec.commandLine().getErr());
    if (loaded.isEmpty()) {
      return TrunklineCommand.EXIT_FAILED;
    }
    TrunklineConfig c = loaded.get();
    int points = c.listen().size();
    PrintWriter out = spec.commandLine().getOut();
    out.println(
        c.source()
            + ": ok ("
            + points
            + (points == 1 ? " listen point" : " listen points")
            + ", database "
            + c.database().redactedUrl()
            + ")");
    out.flush();
    return 0;
  }
}
