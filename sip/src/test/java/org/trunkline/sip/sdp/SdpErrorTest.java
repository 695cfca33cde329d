package org.trunkline.sip.sdp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.trunkline.sip.sdp.SdpVectors.crlf;

import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/** Every {@link SdpError.Kind}, with the line and column it names and the text it says. */
class SdpErrorTest {
  private static final String HEAD = crlf("v=0", "o=- 1 1 IN IP4 192.0.2.1", "s=-");
  private static final String VALID = HEAD + crlf("c=IN IP4 192.0.2.1", "t=0 0");
  private static final SdpLimits SMALL = new SdpLimits(VALID.length(), 5, 40, 1);
  private static final SdpLimits TIGHT_BYTES = new SdpLimits(VALID.length(), 100, 4096, 32);
  private static final SdpLimits FIVE_LINES = new SdpLimits(1000, 5, 4096, 32);
  private static final SdpLimits SHORT_LINES = new SdpLimits(1000, 100, 40, 32);
  private static final SdpLimits ONE_MEDIA = new SdpLimits(1000, 100, 4096, 1);

  record Case(
      String label,
      SdpLimits limits,
      String body,
      SdpError.Kind kind,
      int line,
      int column,
      String message) {
    Case(String label, String body, SdpError.Kind kind, int line, int column, String message) {
      this(label, SdpLimits.DEFAULTS, body, kind, line, column, message);
    }

    @Override
    public String toString() {
      return label;
    }
  }

  static final List<Case> CASES =
      List.of(
          new Case(
              "too large",
              TIGHT_BYTES,
              VALID + "a=x\r\n",
              SdpError.Kind.TOO_LARGE,
              0,
              0,
              "body is " + (VALID.length() + 5) + " bytes, limit " + VALID.length()),
          new Case(
              "too many lines",
              FIVE_LINES,
              VALID.replace("t=0 0\r\n", "t=0 0\nb"),
              SdpError.Kind.TOO_MANY_LINES,
              6,
              1,
              "body has more than 5 lines"),
          new Case(
              "line too long",
              SHORT_LINES,
              crlf("v=0", "o=- 1 1 IN IP4 192.0.2.1", "s=" + "x".repeat(39)),
              SdpError.Kind.LINE_TOO_LONG,
              3,
              41,
              "line is longer than 40 bytes"),
          new Case(
              "too many media",
              ONE_MEDIA,
              HEAD.replace("s=-", "m=audio 0 RTP/AVP 0") + "m=video 0 RTP/AVP 31\r\n",
              SdpError.Kind.TOO_MANY_MEDIA,
              4,
              1,
              "more than 1 media descriptions"),
          new Case(
              "NUL byte",
              HEAD.replace("s=-", "s=ab\0c"),
              SdpError.Kind.INVALID_CHARACTER,
              3,
              5,
              "NUL byte"),
          new Case(
              "lone CR",
              HEAD.replace("s=-", "s=ab\rc"),
              SdpError.Kind.INVALID_CHARACTER,
              3,
              5,
              "CR not followed by LF"),
          new Case(
              "CR at the very end",
              HEAD + "t=0 0\r",
              SdpError.Kind.INVALID_CHARACTER,
              4,
              6,
              "CR not followed by LF"),
          new Case(
              "no equals",
              HEAD + "hello\r\n",
              SdpError.Kind.MISSING_EQUALS,
              4,
              2,
              "no '=' in 'hello'"),
          new Case(
              "lone letter", HEAD + "t\r\n", SdpError.Kind.MISSING_EQUALS, 4, 2, "no '=' in 't'"),
          new Case(
              "two-letter type",
              HEAD + "ab=cd\r\n",
              SdpError.Kind.BAD_TYPE,
              4,
              1,
              "type must be one letter before '=', got 'ab'"),
          new Case(
              "space before equals",
              HEAD + "t =0 0\r\n",
              SdpError.Kind.BAD_TYPE,
              4,
              1,
              "type must be one letter before '=', got 't '"),
          new Case(
              "empty type",
              HEAD + "=x\r\n",
              SdpError.Kind.BAD_TYPE,
              4,
              1,
              "type must be one letter before '=', got ''"),
          new Case(
              "digit type",
              HEAD + "1=x\r\n",
              SdpError.Kind.BAD_TYPE,
              4,
              1,
              "type must be a letter, got '1'"),
          new Case("empty body", "", SdpError.Kind.MISSING_VERSION, 1, 1, "empty body"),
          new Case(
              "starts with o=",
              VALID.substring(5),
              SdpError.Kind.MISSING_VERSION,
              1,
              1,
              "first line must be v=, got o=- 1 1 IN IP4 192.0.2.1"),
          new Case(
              "blank first line",
              "\r\n" + VALID,
              SdpError.Kind.MISSING_VERSION,
              1,
              1,
              "blank line before v="),
          new Case(
              "version 1",
              VALID.replace("v=0", "v=1"),
              SdpError.Kind.BAD_VERSION,
              1,
              3,
              "v= must be 0, got '1'"),
          new Case(
              "s= second",
              crlf("v=0", "s=-", "o=- 1 1 IN IP4 192.0.2.1"),
              SdpError.Kind.MISSING_ORIGIN,
              2,
              1,
              "o= must follow v="),
          new Case("v= alone", "v=0\r\n", SdpError.Kind.MISSING_ORIGIN, 2, 1, "o= must follow v="),
          new Case(
              "origin with 5 fields",
              crlf("v=0", "o=- 1 1 IN IP4", "s=-"),
              SdpError.Kind.BAD_ORIGIN,
              2,
              15,
              "o= needs 6 fields (username sess-id sess-version nettype addrtype address), got 5"),
          new Case(
              "origin version not a number",
              crlf("v=0", "o=- 1 x1 IN IP4 192.0.2.1", "s=-"),
              SdpError.Kind.BAD_ORIGIN,
              2,
              7,
              "o= sess-version must be digits, got 'x1'"),
          new Case(
              "c= short address",
              HEAD + "c=IN IP4 1.2.3\r\n",
              SdpError.Kind.BAD_CONNECTION,
              4,
              10,
              "c= '1.2.3' is not an IPv4 address or host name"),
          new Case(
              "c= octal-looking address",
              HEAD + "c=IN IP4 010.1.1.1\r\n",
              SdpError.Kind.BAD_CONNECTION,
              4,
              10,
              "c= '010.1.1.1' is not an IPv4 address or host name"),
          new Case(
              "c= IPv4 under IP6",
              HEAD + "c=IN IP6 192.0.2.1\r\n",
              SdpError.Kind.BAD_CONNECTION,
              4,
              10,
              "c= '192.0.2.1' is not an IPv6 address or host name"),
          new Case(
              "c= bad IPv6",
              HEAD + "c=IN IP6 2001:db8::1::2\r\n",
              SdpError.Kind.BAD_CONNECTION,
              4,
              10,
              "c= '2001:db8::1::2' is not an IPv6 address or host name"),
          new Case(
              "c= without address",
              HEAD + "c=IN IP4\r\n",
              SdpError.Kind.BAD_CONNECTION,
              4,
              9,
              "c= needs 3 fields (nettype addrtype address), got 2"),
          new Case(
              "c= with 4 fields",
              HEAD + "c=IN IP4 192.0.2.1 192.0.2.2\r\n",
              SdpError.Kind.BAD_CONNECTION,
              4,
              20,
              "c= needs 3 fields (nettype addrtype address), got 4"),
          new Case(
              "c= TTL over 255",
              HEAD + "c=IN IP4 233.252.0.1/300\r\n",
              SdpError.Kind.BAD_CONNECTION,
              4,
              22,
              "c= TTL must be 0-255, got '300'"),
          new Case(
              "c= zero count",
              HEAD + "c=IN IP6 ff15::101/0\r\n",
              SdpError.Kind.BAD_CONNECTION,
              4,
              20,
              "c= address count must be 1-65535, got '0'"),
          new Case(
              "no c= anywhere",
              HEAD + "t=0 0\r\nm=audio 4000 RTP/AVP 0\r\n",
              SdpError.Kind.MISSING_CONNECTION,
              5,
              1,
              "m=audio on port 4000 has no c= line and the session none"),
          new Case(
              "m= without proto",
              VALID + "m=audio 4000\r\n",
              SdpError.Kind.BAD_MEDIA,
              6,
              13,
              "m= needs media, port, proto and formats, got 2 fields"),
          new Case(
              "m= without formats",
              VALID + "m=audio 4000 RTP/AVP\r\n",
              SdpError.Kind.BAD_MEDIA,
              6,
              21,
              "m=audio on port 4000 lists no formats"),
          new Case(
              "m= port not a number",
              VALID + "m=audio abc RTP/AVP 0\r\n",
              SdpError.Kind.BAD_PORT,
              6,
              9,
              "m= port must be 0-65535, got 'abc'"),
          new Case(
              "m= port too big",
              VALID + "m=audio 70000 RTP/AVP 0\r\n",
              SdpError.Kind.BAD_PORT,
              6,
              9,
              "m= port must be 0-65535, got '70000'"),
          new Case(
              "m= port past int range",
              VALID + "m=audio 99999999999 RTP/AVP 0\r\n",
              SdpError.Kind.BAD_PORT,
              6,
              9,
              "m= port must be 0-65535, got '99999999999'"),
          new Case(
              "m= negative port",
              VALID + "m=audio -1 RTP/AVP 0\r\n",
              SdpError.Kind.BAD_PORT,
              6,
              9,
              "m= port must be 0-65535, got '-1'"),
          new Case(
              "m= zero port count",
              VALID + "m=audio 4000/0 RTP/AVP 0\r\n",
              SdpError.Kind.BAD_PORT,
              6,
              14,
              "m= number of ports must be 1-65535, got '0'"),
          new Case(
              "t= inside media",
              VALID + "m=audio 4000 RTP/AVP 0\r\nt=0 0\r\n",
              SdpError.Kind.LINE_ORDER,
              7,
              1,
              "t= belongs to the session level, found inside m=audio (line 6)"),
          new Case(
              "second o=",
              VALID + "o=- 1 1 IN IP4 192.0.2.1\r\n",
              SdpError.Kind.DUPLICATE_LINE,
              6,
              1,
              "second o= line"),
          new Case(
              "second v=", VALID + "v=0\r\n", SdpError.Kind.DUPLICATE_LINE, 6, 1, "second v= line"),
          new Case(
              "second session c=",
              VALID + "c=IN IP4 192.0.2.2\r\n",
              SdpError.Kind.DUPLICATE_LINE,
              6,
              1,
              "second c= line at session level"),
          new Case(
              "second media c=",
              VALID + crlf("m=audio 4000 RTP/AVP 0", "c=IN IP4 192.0.2.2", "c=IN IP4 192.0.2.3"),
              SdpError.Kind.DUPLICATE_LINE,
              8,
              1,
              "second c= line at m=audio"),
          new Case(
              "conflicting directions",
              VALID + crlf("m=audio 4000 RTP/AVP 0", "a=sendrecv", "a=sendonly"),
              SdpError.Kind.DUPLICATE_LINE,
              8,
              3,
              "a=sendonly contradicts a=sendrecv before it"));

  @ParameterizedTest(name = "{0}")
  @FieldSource("CASES")
  void reportsKindLineColumnAndText(Case c) {
    SdpParser parser = new SdpParser(c.limits());

    SdpResult r = parser.parse(c.body().getBytes(StandardCharsets.UTF_8));

    assertThat(r.ok()).as("parsed although it should not: %s", c.body()).isFalse();
    assertThat(r.error()).isEqualTo(new SdpError(c.kind(), c.line(), c.column(), c.message()));
  }

  @Test
  void everyKindIsCovered() {
    Set<SdpError.Kind> covered = CASES.stream().map(Case::kind).collect(Collectors.toSet());

    assertThat(covered).isEqualTo(EnumSet.allOf(SdpError.Kind.class));
  }

  @Test
  void limitsAreInclusive() {
    SdpParser parser = new SdpParser(SMALL);

    assertThat(parser.parse(VALID.getBytes(StandardCharsets.UTF_8)).ok())
        .as("maxBytes and maxLines exactly")
        .isTrue();
    String longest =
        crlf("v=0", "o=- 1 1 IN IP4 192.0.2.1", "s=" + "x".repeat(38), "c=IN IP4 192.0.2.1");
    assertThat(
            new SdpParser(new SdpLimits(1000, 5, 40, 1))
                .parse(longest.getBytes(StandardCharsets.UTF_8))
                .ok())
        .as("a line of exactly maxLineLength")
        .isTrue();
    String oneMedia = VALID + "m=audio 0 RTP/AVP 0\r\n";
    assertThat(
            new SdpParser(new SdpLimits(1000, 10, 40, 1))
                .parse(oneMedia.getBytes(StandardCharsets.UTF_8))
                .ok())
        .isTrue();
  }

  @Test
  void errorReadsWellInALog() {
    SdpError e =
        new SdpParser()
            .parse((VALID + "m=audio abc RTP/AVP 0\r\n").getBytes(StandardCharsets.UTF_8))
            .error();

    assertThat(e).hasToString("BAD_PORT at line 6 col 9: m= port must be 0-65535, got 'abc'");
  }

  @Test
  void lineNumbersCountBlankLinesAndBareLf() {
    String body = "v=0\no=- 1 1 IN IP4 192.0.2.1\n\ns=-\r\n\nc=IN IP4 1.2.3\n";

    SdpError e = new SdpParser().parse(body.getBytes(StandardCharsets.UTF_8)).error();

    assertThat(e.kind()).isEqualTo(SdpError.Kind.BAD_CONNECTION);
    assertThat(e.line()).isEqualTo(6);
    assertThat(e.column()).isEqualTo(10);
  }

  @Test
  void rejectedStreamNeedsNoConnectionAndMayListNoFormats() {
    String body = HEAD + crlf("t=0 0", "m=audio 0 RTP/AVP");

    SdpResult r = new SdpParser().parse(body.getBytes(StandardCharsets.UTF_8));

    assertThat(r.ok()).isTrue();
    assertThat(r.description().media().getFirst().formats()).isEmpty();
  }

  @Test
  void sameDirectionTwiceIsHarmless() {
    String body = VALID + crlf("m=audio 4000 RTP/AVP 0", "a=sendonly", "a=sendonly");

    assertThat(new SdpParser().parse(body.getBytes(StandardCharsets.UTF_8)).ok()).isTrue();
  }

  @Test
  void limitsMustBePositive() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new SdpLimits(0, 1, 1, 1))
        .withMessage("SdpLimits.maxBytes must be > 0, got 0");
  }
}
