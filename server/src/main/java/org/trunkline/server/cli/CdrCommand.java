package org.trunkline.server.cli;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code trunkline cdr}: the running server's CDRs (from its database), newest first. */
@Command(
    name = "cdr",
    mixinStandardHelpOptions = true,
    description = {
      "Show the CDRs of the running server's database, newest first: start, duration, trunks,"
          + " numbers, final status, why it ended, the trunks tried.",
      "Asks the API that the config's 'api' section names (default http://127.0.0.1:8060).",
      "Exits 2 when no server answers there or an option is wrong."
    })
final class CdrCommand implements Callable<Integer> {
  private static final Pattern AGE = Pattern.compile("(\\d{1,9})([smhd])");

  private final Clock clock;
  private final ZoneId zone;

  @Spec CommandSpec spec;
  @Mixin ConfigOption config = new ConfigOption();

  @Option(
      names = "--api",
      paramLabel = "URL",
      description = "The server's API, e.g. http://127.0.0.1:8060 (default: from the config file).")
  String api;

  @Option(names = "--trunk", paramLabel = "T", description = "Calls in on or out to trunk T.")
  String trunk;

  @Option(
      names = "--number",
      paramLabel = "N",
      description =
          "Calls whose caller or called number starts with N, after numbering (+7495) or as"
              + " the trunk sent it (8495).")
  String number;

  @Option(
      names = "--call-id",
      paramLabel = "C",
      description = "The call with Call-ID C (either leg).")
  String callId;

  @Option(
      names = "--status",
      paramLabel = "S",
      description = "Calls that ended with final status S (486) or class S (4xx).")
  String status;

  @Option(
      names = "--since",
      paramLabel = "T",
      description =
          "Calls that started at or after T: 2026-03-01T10:00:00Z, 2026-03-01 10:00 (local),"
              + " 2026-03-01 (local midnight), or an age: 30m, 2h, 7d.")
  String since;

  @Option(
      names = "--until",
      paramLabel = "T",
      description = "Calls that started before T (as --since).")
  String until;

  @Option(
      names = "--limit",
      paramLabel = "N",
      description = "At most N calls, 1..1000 (default: 50).")
  Integer limit;

  @Option(names = "--json", description = "Print the API's JSON answer as it is (--format json).")
  boolean json;

  @Option(
      names = "--format",
      paramLabel = "F",
      description = "table (default), csv (one row per call, every field, RFC 4180) or json.")
  String format = "table";

  CdrCommand(Clock clock, ZoneId zone) {
    this.clock = clock;
    this.zone = zone;
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (!List.of("table", "csv", "json").contains(format)) {
      err.println("--format: must be table, csv or json, got " + format);
      err.flush();
      return TrunklineCommand.EXIT_NO_SERVER;
    }
    try {
      ApiQuery query =
          new ApiQuery()
              .add("trunk", trunk)
              .add("number", number)
              .add("call-id", callId)
              .add("status", status)
              .add("since", since == null ? null : time("--since", since))
              .add("until", until == null ? null : time("--until", until))
              .add("limit", limit);
      ApiClient.Reply reply = ApiClient.forConfig(config.file, api).get("/api/cdrs" + query);
      List<?> cdrs = ApiQuery.list(reply, "cdrs");
      out.print(
          json || format.equals("json")
              ? reply.body()
              : format.equals("csv") ? CdrTable.csv(cdrs) : CdrTable.render(cdrs, zone));
      out.flush();
      return 0;
    } catch (ApiClient.Failure f) {
      err.println(f.getMessage());
      err.flush();
      return f.exitCode();
    }
  }

  /**
   * {@code text} as an instant: ISO-8601 with an offset, a local date-time or date (in the zone of
   * this machine), or an age before now.
   */
  Instant time(String option, String text) throws ApiClient.Failure {
    String t = text.strip();
    Matcher age = AGE.matcher(t);
    if (age.matches()) {
      long n = Long.parseLong(age.group(1));
      Duration d =
          switch (age.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
          };
      return clock.instant().minus(d);
    }
    try {
      return OffsetDateTime.parse(t).toInstant();
    } catch (DateTimeParseException e) {
      // not with an offset; try the local forms
    }
    try {
      return LocalDateTime.parse(t.replace(' ', 'T')).atZone(zone).toInstant();
    } catch (DateTimeParseException e) {
      // not a local date-time
    }
    try {
      return LocalDate.parse(t).atStartOfDay(zone).toInstant();
    } catch (DateTimeParseException e) {
      throw new ApiClient.Failure(
          option
              + ": must be a time like 2026-03-01T10:00:00Z, 2026-03-01 10:00 or 2026-03-01, or an"
              + " age like 30m, 2h or 7d; got "
              + text,
          TrunklineCommand.EXIT_NO_SERVER);
    }
  }
}
