package org.trunkline.core.trace;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs tshark (Debian package tshark, installed by .ci/run) on a pcap file as a bounded child
 * process and returns its output lines.
 */
public final class Tshark {
  private Tshark() {}

  /**
   * The options that make tshark decode HEPv3 on UDP {@code port}: the test dissector
   * (src/test/resources/hep3.lua, copied out of the class path so that the server's tests can use
   * it from this module's test jar) and Decode As.
   */
  public static List<String> hepOn(int port) throws java.io.IOException {
    Path lua = java.nio.file.Files.createTempFile("hep3", ".lua");
    lua.toFile().deleteOnExit();
    try (java.io.InputStream in = Tshark.class.getResourceAsStream("/hep3.lua")) {
      java.nio.file.Files.copy(in, lua, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    return List.of("-X", "lua_script:" + lua, "-d", "udp.port==" + port + ",hep");
  }

  /** {@code tshark -r file -Y filter -T fields -E separator=| -e f1 -e f2 ... [extra]}. */
  public static List<String> fields(Path file, String filter, List<String> extra, String... fields)
      throws Exception {
    List<String> cmd =
        new ArrayList<>(List.of("tshark", "-r", file.toString(), "-Y", filter, "-T", "fields"));
    cmd.addAll(List.of("-E", "separator=|"));
    for (String f : fields) {
      cmd.add("-e");
      cmd.add(f);
    }
    cmd.addAll(extra);
    Process p =
        new ProcessBuilder(cmd)
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
            .start();
    byte[] out = p.getInputStream().readAllBytes();
    boolean ended = p.waitFor(60, TimeUnit.SECONDS);
    if (!ended) {
      p.destroyForcibly();
    }
    assertThat(ended).as("tshark ended").isTrue();
    assertThat(p.exitValue()).as("tshark exit code; %s", cmd).isZero();
    return new String(out, StandardCharsets.UTF_8).lines().toList();
  }
}
