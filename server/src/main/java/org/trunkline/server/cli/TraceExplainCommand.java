package org.trunkline.server.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code trunkline trace explain ID}: what happened in one trace, in a few sentences. */
@Command(
    name = "explain",
    mixinStandardHelpOptions = true,
    description = {
      "Say in a few plain sentences what happened in one trace and why it failed.",
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
      // The call's CDR says how it ended; the search by Call-ID finds it.
      ApiClient.Reply reply =
          ApiClient.forConfig(config.file, api)
              .get(
                  "/api/traces?call-id="
                      + java.net.URLEncoder.encode(
                          t.id(), java.nio.charset.StandardCharsets.UTF_8));
      Map<?, ?> cdr = null;
      if (reply.get("traces") instanceof List<?> l
          && !l.isEmpty()
          && l.getFirst() instanceof Map<?, ?> s
          && s.get("cdr") instanceof Map<?, ?> c) {
        cdr = c;
      }
      StringBuilder sb = new StringBuilder();
      sb.append("Trace ")
          .append(t.id())
          .append(": ")
          .append(t.messages().size())
          .append(" messages on ")
          .append(t.callIds().size())
          .append(" Call-ID(s).\n");
      if (cdr != null) {
        sb.append("The call from trunk ")
            .append(cdr.get("from_trunk"))
            .append(" to ")
            .append(cdr.get("called"))
            .append(" ended with ")
            .append(cdr.get("status"))
            .append(": ")
            .append(cdr.get("reason"))
            .append('.');
        if (!String.valueOf(cdr.get("attempts")).isEmpty()) {
          sb.append(" Trunks tried: ").append(cdr.get("attempts")).append('.');
        }
        sb.append('\n');
      }
      out.print(sb);
      out.flush();
      return 0;
    } catch (ApiClient.Failure f) {
      return TraceCommand.failed(spec, f);
    }
  }
}
