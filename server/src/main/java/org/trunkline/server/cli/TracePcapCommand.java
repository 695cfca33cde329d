package org.trunkline.server.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
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
      TraceJson.fetch(config.file, api, id);
      throw new ApiClient.Failure(
          "pcap export is not in this build yet", TrunklineCommand.EXIT_FAILED);
    } catch (ApiClient.Failure f) {
      return TraceCommand.failed(spec, f);
    }
  }
}
