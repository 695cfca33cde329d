package org.trunkline.server.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code trunkline reload}: the running server re-reads its config file and applies the trunks;
 * prints what changed, or the file's problems (and the server keeps its running config).
 */
@Command(
    name = "reload",
    mixinStandardHelpOptions = true,
    description = {
      "Make the running server re-read the config file it was started with and apply its trunks.",
      "Prints what changed and exits 0, or prints 'FILE:LINE: field: problem' lines and exits 1",
      "(the server then keeps its running config). Exits 2 when no server answers.",
      "Changes to listen, database and api need a restart; reload says so."
    })
final class ReloadCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ConfigOption config = new ConfigOption();

  @Option(
      names = "--api",
      paramLabel = "URL",
      description = "The server's API, e.g. http://127.0.0.1:8060 (default: from the config file).")
  String api;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      ApiClient.Reply reply = ApiClient.forConfig(config.file, api).post("/api/reload");
      if (reply.status() == 422 && reply.get("errors") instanceof List<?> errors) {
        errors.forEach(err::println);
        err.println("reload rejected: the server keeps its running config");
        err.flush();
        return TrunklineCommand.EXIT_FAILED;
      }
      if (reply.status() != 200 || !(reply.get("changes") instanceof List<?> changes)) {
        err.println(
            "unexpected answer from the server: HTTP "
                + reply.status()
                + " "
                + reply.body().strip());
        err.flush();
        return TrunklineCommand.EXIT_FAILED;
      }
      out.println(
          changes.isEmpty()
              ? "reloaded: no trunk changes"
              : "reloaded: " + changes.size() + (changes.size() == 1 ? " change" : " changes"));
      changes.forEach(c -> out.println("  " + c));
      if (reply.get("restart") instanceof List<?> restart && !restart.isEmpty()) {
        out.println(
            "not applied, needs a restart: "
                + String.join(", ", restart.stream().map(String::valueOf).toList()));
      }
      if (reply.get("warnings") instanceof List<?> warnings) {
        warnings.forEach(w -> out.println("warning: " + w));
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
