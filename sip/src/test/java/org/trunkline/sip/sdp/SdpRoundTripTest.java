package org.trunkline.sip.sdp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Writing an unmodified parsed description gives back the input, byte for byte, for every vector in
 * every framing a peer might use: CRLF, bare LF, mixed, no line end on the last line, blank lines
 * after the body.
 */
class SdpRoundTripTest {

  static Stream<Arguments> variants() {
    List<Arguments> out = new ArrayList<>();
    for (String name : SdpVectors.names()) {
      String body = new String(SdpVectors.load(name), StandardCharsets.UTF_8);
      String lf = body.replace("\r\n", "\n");
      String crlf = lf.replace("\n", "\r\n");
      out.add(Arguments.of(name + " as stored", body));
      out.add(Arguments.of(name + " CRLF", crlf));
      out.add(Arguments.of(name + " LF", lf));
      out.add(Arguments.of(name + " mixed", mixed(crlf)));
      out.add(Arguments.of(name + " unterminated last line", crlf.substring(0, crlf.length() - 2)));
      out.add(Arguments.of(name + " trailing blank lines", crlf + "\r\n\n"));
      out.add(Arguments.of(name + " blank line inside", crlf.replaceFirst("\r\nt=", "\r\n\r\nt=")));
    }
    return out.stream();
  }

  /** Every other line ends in a bare LF. */
  private static String mixed(String crlf) {
    String[] lines = crlf.split("\r\n");
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < lines.length; i++) {
      b.append(lines[i]).append(i % 2 == 0 ? "\r\n" : "\n");
    }
    return b.toString();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("variants")
  void writesBackExactlyWhatItRead(String label, String body) {
    byte[] in = body.getBytes(StandardCharsets.UTF_8);

    SessionDescription d = SdpVectors.parse(in);

    assertThat(d.toBytes()).isEqualTo(in);
    assertThat(SdpWriter.length(d)).isEqualTo(in.length);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("variants")
  void parseWriteParseIsStable(String label, String body) {
    SessionDescription once = SdpVectors.parse(body);
    SessionDescription twice = SdpVectors.parse(once.toBytes());

    assertThat(twice.lines())
        .map(SdpLine::toString)
        .isEqualTo(once.lines().stream().map(SdpLine::toString).toList());
    assertThat(twice.media())
        .map(MediaDescription::toString)
        .isEqualTo(once.media().stream().map(MediaDescription::toString).toList());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("variants")
  void writesIntoAnOffsetOfALargerBuffer(String label, String body) {
    byte[] in = body.getBytes(StandardCharsets.UTF_8);
    SessionDescription d = SdpVectors.parse(in);
    byte[] dst = new byte[in.length + 7];

    int n = SdpWriter.write(d, dst, 3);

    assertThat(n).isEqualTo(in.length);
    assertThat(Arrays.copyOfRange(dst, 3, 3 + n)).isEqualTo(in);
  }
}
