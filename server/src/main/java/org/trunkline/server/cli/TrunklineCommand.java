package org.trunkline.server.cli;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.ZoneId;
import org.trunkline.server.Version;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The {@code trunkline} command. Exit codes: 0 success, 1 a rejected config or a failed start, 2 a
 * command-line mistake, or no running server answered {@code trunks}/{@code cdr}/{@code reload}.
 *
 * <p>Nothing here calls {@link System#exit}: {@link #commandLine} returns a picocli {@link
 * CommandLine} whose {@code execute} returns the code, so tests run it in-process and only {@code
 * Main} exits.
 */
@Command(
    name = "trunkline",
    mixinStandardHelpOptions = true,
    description = "Operator-side SIP trunking server (B2BUA).",
    subcommands = CommandLine.HelpCommand.class)
public final class TrunklineCommand implements Runnable {
  /** A config was rejected or the server could not start. */
  public static final int EXIT_FAILED = 1;

  /**
   * A command-line mistake, or {@code trunks}/{@code cdr}/{@code reload}: no server answers at the
   * configured API address.
   */
  public static final int EXIT_NO_SERVER = 2;

  @Spec CommandSpec spec;

  TrunklineCommand() {}

  /** The command line with all subcommands, printing to {@code out} and {@code err}. */
  public static CommandLine commandLine(PrintWriter out, PrintWriter err, Clock clock) {
    return commandLine(out, err, clock, ZoneId.systemDefault());
  }

  /** As above; {@code zone} is the one {@code trunks} and {@code cdr} show times in. */
  static CommandLine commandLine(PrintWriter out, PrintWriter err, Clock clock, ZoneId zone) {
    CommandLine cmd =
        new CommandLine(new TrunklineCommand())
            .addSubcommand(new RunCommand(clock))
            .addSubcommand(new CheckCommand())
            .addSubcommand(new TrunksCommand(clock, zone))
            .addSubcommand(new CdrCommand(clock, zone))
            .addSubcommand(new ReloadCommand())
            .addSubcommand("trace", TraceCommand.commandLine(clock, zone));
    cmd.getCommandSpec().version("trunkline " + Version.current());
    // Set after adding subcommands: picocli copies these settings down the hierarchy.
    cmd.setOut(out);
    cmd.setErr(err);
    return cmd;
  }

  @Override
  public void run() {
    throw new ParameterException(
        spec.commandLine(),
        "Missing required subcommand: run, check, trunks, cdr, trace or reload");
  }
}
