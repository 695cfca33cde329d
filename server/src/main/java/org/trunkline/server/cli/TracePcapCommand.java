package org.trunkline.server.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.trunkline.core.trace.Pcap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code trunkline trace pcap ID -o FILE}: one trace as a pcap file. */
@Command(
    name = "pcap",
    mixinStandardHelpOptions = true,
    description = {
      "Write one trace as a pcap file that tshark, Wireshark and sngrep open.",
      "ID is the call id (the CDR id), either leg's Call-ID, or trunk:NAME."
    })
final class TracePcapCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ConfigOption config = new ConfigOption();

  @Option(names = "--api", paramLabel = "URL", description = "The server's API URL.")
  String api;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FILE",
      required = true,
      description = "The pcap file to write.")
  Path output;

  @Parameters(paramLabel = "ID", description = "Call id, Call-ID of either leg, or trunk:NAME.")
  String id;

  @Override
  public Integer call() {
    try {
      TraceJson.Fetched t = TraceJson.fetch(config.file, api, id);
      try (OutputStream out = Files.newOutputStream(output)) {
        Pcap.write(t.messages(), out);
      } catch (IOException e) {
        throw new ApiClient.Failure(
            "cannot write " + output + ": " + e.getMessage(), TrunklineCommand.EXIT_FAILED);
      }
      PrintWriter err = spec.commandLine().getErr();
      err.println(
          "wrote " + t.messages().size() + " messages of trace " + t.id() + " to " + output);
      err.flush();
      return 0;
    } catch (ApiClient.Failure f) {
      return TraceCommand.failed(spec, f);
    }
  }
}
