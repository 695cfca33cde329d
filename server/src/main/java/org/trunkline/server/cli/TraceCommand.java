package org.trunkline.server.cli;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code trunkline trace}: the running server's SIP traces (issue 7). {@code list} searches, {@code
 * show}, {@code explain} and {@code pcap} take one trace by its call id or either leg's Call-ID.
 */
@Command(
    name = "trace",
    mixinStandardHelpOptions = true,
    description = {
      "The SIP traces the running server keeps: every message of a call's legs, or of a trunk's"
          + " REGISTER and OPTIONS exchanges (trace id trunk:NAME).",
      "Subcommands: list, show, explain, pcap."
    })
final class TraceCommand implements Runnable {
  @Spec CommandSpec spec;

  /** The {@code trace} command with its subcommands. */
  static CommandLine commandLine(Clock clock, ZoneId zone) {
    return new CommandLine(new TraceCommand())
        .addSubcommand(new ListCommand(clock, zone))
        .addSubcommand(new TraceShowCommand())
        .addSubcommand(new TraceExplainCommand())
        .addSubcommand(new TracePcapCommand());
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "Missing required subcommand: list, show, explain or pcap");
  }

  /** Prints {@code f}'s line and returns its exit code. */
  static int failed(CommandSpec spec, ApiClient.Failure f) {
    PrintWriter err = spec.commandLine().getErr();
    err.println(f.getMessage());
    err.flush();
    return f.exitCode();
  }

  /** {@code trunkline trace list}: the traces that match, newest first. */
  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = {
        "List the traces that match, newest first: first message (local time), trace id, messages,"
            + " trunks, numbers, final status and the first message's start line.",
        "Exits 2 when no server answers or an option is wrong."
      })
  static final class ListCommand implements Callable<Integer> {
    private static final DateTimeFormatter TIME =
        DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private final Clock clock;
    private final ZoneId zone;

    @Spec CommandSpec spec;
    @Mixin ConfigOption config = new ConfigOption();

    @Option(names = "--api", paramLabel = "URL", description = "The server's API URL.")
    String api;

    @Option(names = "--call-id", paramLabel = "C", description = "The trace with Call-ID C.")
    String callId;

    @Option(
        names = "--number",
        paramLabel = "N",
        description = "Calls whose caller or called number starts with N.")
    String number;

    @Option(
        names = "--trunk",
        paramLabel = "T",
        description = "Calls in on or out to trunk T, and T's own trace.")
    String trunk;

    @Option(
        names = "--source",
        paramLabel = "IP",
        description = "Traces with a message received from IP.")
    String source;

    @Option(
        names = "--status",
        paramLabel = "S",
        description = "Calls that ended with status S (486) or class S (4xx).")
    String status;

    @Option(
        names = "--since",
        paramLabel = "T",
        description = "At or after T (as for cdr: 2026-03-01T10:00:00Z, 2026-03-01 10:00, 2h).")
    String since;

    @Option(names = "--until", paramLabel = "T", description = "Before T (as --since).")
    String until;

    @Option(names = "--limit", paramLabel = "N", description = "At most N, 1..1000 (default 50).")
    Integer limit;

    @Option(names = "--json", description = "Print the API's JSON answer as it is.")
    boolean json;

    ListCommand(Clock clock, ZoneId zone) {
      this.clock = clock;
      this.zone = zone;
    }

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      try {
        CdrCommand times = new CdrCommand(clock, zone);
        ApiQuery query =
            new ApiQuery()
                .add("call-id", callId)
                .add("number", number)
                .add("trunk", trunk)
                .add("source", source)
                .add("status", status)
                .add("since", since == null ? null : times.time("--since", since))
                .add("until", until == null ? null : times.time("--until", until))
                .add("limit", limit);
        ApiClient.Reply reply = ApiClient.forConfig(config.file, api).get("/api/traces" + query);
        List<?> traces = ApiQuery.list(reply, "traces");
        out.print(json ? reply.body() : table(traces));
        out.flush();
        return 0;
      } catch (ApiClient.Failure f) {
        return failed(spec, f);
      }
    }

    private String table(List<?> traces) {
      List<List<String>> rows = new ArrayList<>();
      rows.add(
          List.of(
              "FIRST",
              "ID",
              "MSGS",
              "FROM-TRUNK",
              "CALLER",
              "TO-TRUNK",
              "CALLED",
              "STATUS",
              "START-LINE"));
      for (Object o : traces) {
        Map<?, ?> t = (Map<?, ?>) o;
        Map<?, ?> cdr = t.get("cdr") instanceof Map<?, ?> m ? m : Map.of();
        rows.add(
            List.of(
                TIME.format(Instant.parse(String.valueOf(t.get("first"))).atZone(zone)),
                TextTable.cell(t.get("id")),
                TextTable.cell(t.get("messages")),
                TextTable.cell(cdr.get("from_trunk")),
                TextTable.cell(cdr.get("caller")),
                TextTable.cell(cdr.get("to_trunk")),
                TextTable.cell(cdr.get("called")),
                TextTable.cell(cdr.get("status")),
                TextTable.cell(t.get("start_line"))));
      }
      return TextTable.render(rows);
    }
  }
}
