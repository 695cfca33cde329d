package org.trunkline.server.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Callable;
import org.trunkline.core.trace.TracedMessage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code trunkline trace show ID}: the messages of one trace, oldest first. */
@Command(
    name = "show",
    mixinStandardHelpOptions = true,
    description = {
      "Show one trace: every message of the call's legs (or the trunk's exchanges), oldest first,"
          + " with the time since the first, direction, addresses and start line.",
      "ID is the call id (the CDR id), either leg's Call-ID, or trunk:NAME."
    })
final class TraceShowCommand implements Callable<Integer> {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS");

  private final ZoneId zone;

  @Spec CommandSpec spec;
  @Mixin ConfigOption config = new ConfigOption();

  @Option(names = "--api", paramLabel = "URL", description = "The server's API URL.")
  String api;

  @Option(names = "--full", description = "Print every message whole after its line.")
  boolean full;

  @Parameters(paramLabel = "ID", description = "Call id, Call-ID of either leg, or trunk:NAME.")
  String id;

  TraceShowCommand(ZoneId zone) {
    this.zone = zone;
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    try {
      TraceJson.Fetched t = TraceJson.fetch(config.file, api, id);
      out.print(render(t, zone, full));
      out.flush();
      return 0;
    } catch (ApiClient.Failure f) {
      return TraceCommand.failed(spec, f);
    }
  }

  /** One line per message: seconds since the first, direction, addresses, start line. */
  static String render(TraceJson.Fetched t, ZoneId zone, boolean full) {
    StringBuilder sb = new StringBuilder();
    sb.append("trace ").append(t.id()).append(", Call-IDs ").append(String.join(", ", t.callIds()));
    if (!t.messages().isEmpty()) {
      long first = t.messages().getFirst().epochMicros();
      sb.append(", from ")
          .append(
              TIME.format(
                  Instant.ofEpochSecond(first / 1_000_000, first % 1_000_000 * 1_000)
                      .atZone(zone)));
    }
    sb.append('\n');
    long first = t.messages().isEmpty() ? 0 : t.messages().getFirst().epochMicros();
    for (TracedMessage m : t.messages()) {
      String text = new String(m.bytes(), StandardCharsets.UTF_8);
      int eol = text.indexOf("\r\n");
      boolean in = m.direction() == org.trunkline.stack.TraceTap.Direction.IN;
      sb.append(String.format("%+10.6f  ", (m.epochMicros() - first) / 1e6))
          .append(m.transport())
          .append("  ")
          .append(TraceAddress.address(in ? m.remote() : m.local()))
          .append(" -> ")
          .append(TraceAddress.address(in ? m.local() : m.remote()))
          .append("  ")
          .append(eol < 0 ? text : text.substring(0, eol))
          .append('\n');
      if (full) {
        sb.append(text.replace("\r\n", "\n").stripTrailing()).append("\n\n");
      }
    }
    return sb.toString();
  }
}
