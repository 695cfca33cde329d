package org.trunkline.server.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import org.trunkline.server.config.ConfigException;
import org.trunkline.server.config.ConfigLoader;
import org.trunkline.server.config.TrunklineConfig;
import picocli.CommandLine.Option;

/** {@code --config FILE}, shared by every subcommand. */
final class ConfigOption {
  @Option(
      names = {"-c", "--config"},
      paramLabel = "FILE",
      defaultValue = TrunklineConfig.DEFAULT_FILE,
      description = "Config file (default: ${DEFAULT-VALUE}).")
  Path file;

  /** The config, or empty after printing every problem to {@code err}. */
  Optional<TrunklineConfig> load(PrintWriter err) {
    try {
      return Optional.of(ConfigLoader.load(file));
    } catch (ConfigException e) {
      e.problems().forEach(err::println);
      err.flush();
      return Optional.empty();
    }
  }
}
