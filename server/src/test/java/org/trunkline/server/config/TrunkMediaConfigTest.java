package org.trunkline.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.trunkline.core.trunk.Trunk;
import org.trunkline.core.trunk.TrunkMedia;
import org.trunkline.media.CodecPolicy;

/**
 * Trunks' {@code media}, {@code record} and {@code codecs}, and the media section's {@code default}
 * and {@code end-silent-calls} (issue 8).
 */
class TrunkMediaConfigTest {
  private static final Path FILE = Path.of("conf/test.yaml");
  private static final String LISTEN = "listen: [{transport: udp, address: 127.0.0.1}]\n";

  private static List<String> problems(String yaml) {
    ConfigException e =
        catchThrowableOfType(ConfigException.class, () -> ConfigLoader.parse(FILE, yaml));
    assertThat(e).as("expected problems in:%n%s", yaml).isNotNull();
    return e.problems().stream().map(ConfigProblem::toString).toList();
  }

  private static List<TrunkMedia> media(String yaml) throws ConfigException {
    return ConfigLoader.parse(FILE, yaml).trunks().trunks().stream().map(Trunk::media).toList();
  }

  @Test
  void trunksPassMediaThroughByDefault() throws ConfigException {
    String yaml =
        LISTEN
            + """
            trunks:
              - {name: a, mode: ip, peers: ["192.0.2.1"]}
            """;
    assertThat(media(yaml)).containsExactly(TrunkMedia.PASS_THROUGH);
    assertThat(ConfigLoader.parse(FILE, yaml).mediaPolicy()).isEqualTo(MediaPolicy.DEFAULT);
  }

  @Test
  void readsRelayRecordingAndCodecs() throws ConfigException {
    String yaml =
        LISTEN
            + """
            media: {ports: 30000-30999}
            trunks:
              - {name: a, mode: ip, peers: ["192.0.2.1"], media: relay, record: true,
                 codecs: {allow: [PCMA, PCMU, telephone-event], prefer: [PCMA]}}
              - {name: b, mode: ip, peers: ["192.0.2.2"], media: relay,
                 codecs: {remove: [G729]}}
              - {name: c, mode: ip, peers: ["192.0.2.3"], media: pass-through}
            """;
    assertThat(media(yaml))
        .containsExactly(
            new TrunkMedia(
                true,
                true,
                new CodecPolicy(
                    List.of(), List.of("PCMA", "PCMU", "telephone-event"), List.of("PCMA"))),
            new TrunkMedia(true, false, new CodecPolicy(List.of("G729"), List.of(), List.of())),
            TrunkMedia.PASS_THROUGH);
  }

  @Test
  void theSectionsDefaultAppliesToTrunksWithoutAMediaKey() throws ConfigException {
    String yaml =
        LISTEN
            + """
            media: {default: relay, end-silent-calls: false}
            trunks:
              - {name: a, mode: ip, peers: ["192.0.2.1"]}
              - {name: b, mode: ip, peers: ["192.0.2.2"], media: pass-through}
            """;
    assertThat(media(yaml)).containsExactly(TrunkMedia.RELAY, TrunkMedia.PASS_THROUGH);
    assertThat(ConfigLoader.parse(FILE, yaml).mediaPolicy())
        .isEqualTo(new MediaPolicy(true, false));
  }

  @Test
  void reportsEveryMistakeWithItsLine() {
    assertThat(
            problems(
                LISTEN
                    + """
                    trunks:
                      - {name: a, mode: ip, peers: ["192.0.2.1"], media: relay}
                      - {name: b, mode: ip, peers: ["192.0.2.2"], media: anchor}
                      - {name: c, mode: ip, peers: ["192.0.2.3"], record: true}
                      - {name: d, mode: ip, peers: ["192.0.2.4"], codecs: {allow: [PCMA]}}
                    """))
        .containsExactly(
            "conf/test.yaml:3: trunks[0].media: relay needs the top-level media section (the"
                + " relay's address and ports)",
            "conf/test.yaml:4: trunks[1].media: must be relay or pass-through, got anchor",
            "conf/test.yaml:5: trunks[2].record: needs media: relay (only relayed calls can be"
                + " recorded)",
            "conf/test.yaml:6: trunks[3].codecs: needs media: relay (only the relay rewrites the"
                + " codecs of an offer)");
    assertThat(
            problems(
                LISTEN
                    + """
                    media: {default: always, end-silent-calls: maybe}
                    trunks:
                      - {name: a, mode: ip, peers: ["192.0.2.1"], media: relay,
                         codecs: {allow: [PCMA], prefer: [PCMU], remove: [PCMA, "G 729"], keep: []}}
                    """))
        .containsExactly(
            "conf/test.yaml:2: media.default: must be relay or pass-through, got always",
            "conf/test.yaml:2: media.end-silent-calls: must be true or false, got maybe",
            "conf/test.yaml:5: trunks[0].codecs: unknown key 'keep' (known keys: allow, remove,"
                + " prefer)",
            "conf/test.yaml:5: trunks[0].codecs.remove[1]: must be an encoding name as in a=rtpmap"
                + " (PCMA, G729, telephone-event), got \"G 729\"",
            "conf/test.yaml:5: trunks[0].codecs.prefer: PCMU is not in allow, so it is never"
                + " offered",
            "conf/test.yaml:5: trunks[0].codecs.remove: PCMA is also in allow");
  }
}
