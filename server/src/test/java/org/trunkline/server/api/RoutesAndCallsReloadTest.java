package org.trunkline.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.trunkline.core.trunk.TrunksConfig;
import org.trunkline.server.config.ConfigException;
import org.trunkline.server.config.ConfigLoader;

/**
 * A reload that changes only the routes or the {@code calls} section is a change (it used to be "no
 * trunk changes" and was not applied).
 */
class RoutesAndCallsReloadTest {
  private static final String TRUNKS =
      "listen: [{transport: udp, address: 127.0.0.1}]\n"
          + "trunks:\n"
          + "  - {name: c1, mode: ip, peers: [203.0.113.10], target: \"sip:203.0.113.10\"}\n"
          + "  - {name: c2, mode: ip, peers: [203.0.113.20], target: \"sip:203.0.113.20\"}\n";

  private static TrunksConfig parse(String yaml) throws ConfigException {
    return ConfigLoader.parse(Path.of("conf/test.yaml"), TRUNKS + yaml).trunks();
  }

  @Test
  void editedRoutesAreAChange() throws ConfigException {
    TrunksConfig before = parse("routes: [{prefix: \"+49\", trunks: [c1]}]\n");
    TrunksConfig after = parse("routes: [{prefix: \"+49\", trunks: [c2, c1]}]\n");

    assertThat(TrunkChanges.between(before, after)).containsExactly("changed routes");
    assertThat(TrunkChanges.between(before, before)).isEmpty();
  }

  @Test
  void anEditedCallsSectionNamesItsKeys() throws ConfigException {
    TrunksConfig before = parse("calls: {max-channels: 100}\n");
    TrunksConfig after = parse("calls: {max-channels: 200, limit-status: 480}\n");

    assertThat(TrunkChanges.between(before, after))
        .containsExactly("changed calls: max-channels, limit-status");
  }
}
