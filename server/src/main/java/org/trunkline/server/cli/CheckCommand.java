package org.trunkline.server.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.trunkline.server.config.TrunklineConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code trunkline check}: validates the config and exits, touching neither sockets nor storage.
 */
@Command(
    name = "check",
    mixinStandardHelpOptions = true,
    description = {
      "Validate a config file and exit: `check FILE` or `check --config FILE`.",
      "Prints 'FILE: ok (...)' and exits 0, or prints 'FILE:LINE: field: problem' lines and exits 1."
    })
final class CheckCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ConfigOption config = new ConfigOption();

  @Parameters(
      arity = "0..1",
      paramLabel = "FILE",
      description = "The config file to check, as --config FILE (an operator types it either way).")
  Path positional;

  @Override
  public Integer call() {
    if (positional != null) {
      if (spec.commandLine().getParseResult().hasMatchedOption("--config")
          && !positional.equals(config.file)) {
        throw new picocli.CommandLine.ParameterException(
            spec.commandLine(),
            "two config files given: " + positional + " and --config " + config.file);
      }
      config.file = positional;
    }
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
