package org.trunkline.sip.sdp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.trunkline.sip.sdp.SdpVectors.crlf;

import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The field readers: addresses, rtpmap, fmtp, ptime, direction, version arithmetic. */
class SdpFieldsTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "::",
        "::1",
        "2001:db8::",
        "2001:DB8::2",
        "1:2:3:4:5:6:7:8",
        "1::8",
        "1:2:3:4:5:6:7::",
        "::ffff:192.0.2.1",
        "1:2:3:4:5:6:192.0.2.1",
        "fe80::1:2"
      })
  void acceptsIpv6Literals(String address) {
    assertThat(Addresses.ipv6(address)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "1:2:3:4:5:6:7:8:9",
        "1:2:3:4:5:6:7",
        "1::2::3",
        ":::",
        ":1:2:3:4:5:6:7",
        "1:2:3:4:5:6:7:",
        "12345::",
        "g::1",
        "1:2:3:4:5:6:7:192.0.2.1",
        "::ffff:192.0.2",
        "1.2.3.4::",
        "::1%eth0",
        ""
      })
  void rejectsMalformedIpv6(String address) {
    assertThat(Addresses.ipv6(address)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"0.0.0.0", "192.0.2.1", "255.255.255.255", "10.0.0.10"})
  void acceptsDottedQuads(String address) {
    assertThat(Addresses.ipv4(address)).isTrue();
    assertThat(Addresses.check("IP4", address)).isNull();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "256.1.1.1",
        "1.2.3",
        "1.2.3.4.",
        "01.2.3.4",
        "1..2.3",
        "1.2.3.4.5",
        "\uff11.2.3.4"
      })
  void rejectsAnythingElseAsIpv4(String address) {
    assertThat(Addresses.ipv4(address)).isFalse();
    assertThat(Addresses.check("IP4", address)).isNotNull();
  }

  @ParameterizedTest
  @ValueSource(strings = {"media.example.net", "a", "a-b.c", "sbc1.carrier.example"})
  void acceptsHostNames(String address) {
    assertThat(Addresses.check("IP4", address)).isNull();
    assertThat(Addresses.check("IP6", address)).isNull();
  }

  @ParameterizedTest
  @ValueSource(strings = {"-a.b", "a-.b", "a_b", "a..b", "a.b.", ".a", "a b"})
  void rejectsMalformedHostNames(String address) {
    assertThat(Addresses.hostname(address)).isFalse();
  }

  @Test
  void rejectsOverlongHostLabel() {
    assertThat(Addresses.hostname("x".repeat(63) + ".net")).isTrue();
    assertThat(Addresses.hostname("x".repeat(64) + ".net")).isFalse();
  }

  @Test
  void otherAddressTypesAreCarried() {
    SessionDescription d =
        SdpVectors.parse(
            crlf(
                "v=0", "o=- 1 1 IN IP4 192.0.2.1", "s=-", "c=ATM NSAP 47.0091.8100.0000", "t=0 0"));

    assertThat(d.connection())
        .contains(
            new Connection(
                "ATM", "NSAP", "47.0091.8100.0000", OptionalInt.empty(), OptionalInt.empty()));
  }

  @Test
  void malformedRtpmapsAreSkippedNotFatal() {
    SessionDescription d =
        SdpVectors.parse(
            crlf(
                "v=0",
                "o=- 1 1 IN IP4 192.0.2.1",
                "s=-",
                "c=IN IP4 192.0.2.1",
                "t=0 0",
                "m=audio 4000 RTP/AVP 0 96 97 98 99",
                "a=rtpmap:96",
                "a=rtpmap:97 opus",
                "a=rtpmap:128 x/8000",
                "a=rtpmap:98 AMR/0",
                "a=rtpmap:99 AMR-WB/16000/1",
                "a=rtpmap:99 duplicate/8000",
                "a=fmtp:98",
                "a=fmtp:99   mode-set=0,1 ",
                "a=ptime:twenty"));
    MediaDescription m = d.media().getFirst();

    assertThat(m.rtpmaps()).containsOnlyKeys(99);
    assertThat(m.rtpmaps().get(99)).isEqualTo(new RtpMap(99, "AMR-WB", 16000, OptionalInt.of(1)));
    assertThat(m.rtpmap(0).orElseThrow().encodingName()).isEqualTo("PCMU");
    assertThat(m.rtpmap(96)).isEmpty();
    assertThat(m.fmtp(98)).contains("");
    assertThat(m.fmtp(99)).contains("mode-set=0,1");
    assertThat(m.ptime()).isEmpty();
  }

  @Test
  void directionTokensAndAnswerMirror() {
    assertThat(Direction.fromToken("recvonly")).contains(Direction.RECVONLY);
    assertThat(Direction.fromToken("SENDONLY")).isEmpty();
    assertThat(Direction.SENDONLY.reversed()).isEqualTo(Direction.RECVONLY);
    assertThat(Direction.RECVONLY.reversed()).isEqualTo(Direction.SENDONLY);
    assertThat(Direction.INACTIVE.reversed()).isEqualTo(Direction.INACTIVE);
    assertThat(Direction.SENDRECV.token()).isEqualTo("sendrecv");
  }

  @Test
  void versionIncrementIsDecimal() {
    assertThat(Tokens.increment("0")).isEqualTo("1");
    assertThat(Tokens.increment("19")).isEqualTo("20");
    assertThat(Tokens.increment("999")).isEqualTo("1000");
    assertThat(Tokens.increment("3724394405")).isEqualTo("3724394406");
  }

  @Test
  void attributeTextSplitsAtTheFirstColon() {
    assertThat(Attribute.parse("rtcp:9 IN IP4 0.0.0.0"))
        .isEqualTo(Attribute.of("rtcp", "9 IN IP4 0.0.0.0"));
    assertThat(Attribute.parse("fingerprint:sha-256 4A:AD").value()).isEqualTo("sha-256 4A:AD");
    assertThat(Attribute.parse("rtcp-mux")).isEqualTo(Attribute.of("rtcp-mux"));
    assertThat(Attribute.parse("x:")).isEqualTo(Attribute.of("x", ""));
    assertThat(Attribute.of("ptime", "20")).hasToString("a=ptime:20");
  }

  @Test
  void quotedTextInErrorsIsEscapedAndCut() {
    assertThat(Tokens.quote("a\tb")).isEqualTo("'a\\x09b'");
    assertThat(Tokens.quote("x".repeat(50))).isEqualTo("'" + "x".repeat(40) + "...'");
  }
}
