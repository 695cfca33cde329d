package org.trunkline.sip.sdp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.trunkline.sip.sdp.SdpVectors.crlf;
import static org.trunkline.sip.sdp.SdpVectors.text;
import static org.trunkline.sip.sdp.SdpVectors.vector;

import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** Every edit a media relay makes, checked on the exact bytes that come out. */
class SdpEditTest {
  private static final String ASTERISK =
      crlf(
          "v=0",
          "o=- 1187226364 1187226364 IN IP4 203.0.113.10",
          "s=Asterisk",
          "c=IN IP4 203.0.113.10",
          "t=0 0",
          "m=audio 14514 RTP/AVP 0 8 101",
          "a=rtpmap:0 PCMU/8000",
          "a=rtpmap:8 PCMA/8000",
          "a=rtpmap:101 telephone-event/8000",
          "a=fmtp:101 0-16",
          "a=ptime:20",
          "a=maxptime:150",
          "a=sendrecv");

  private static final Connection RELAY = Connection.of("198.51.100.99");

  @Test
  void anchorsMediaAtTheRelay() {
    SessionDescription d = vector("asterisk-pcmu-pcma-dtmf.sdp");
    assertThat(text(d)).isEqualTo(ASTERISK);

    SessionDescription out =
        d.withConnection(RELAY).withMedia(0, m -> m.withPort(40000)).withNextVersion();

    assertThat(text(out))
        .isEqualTo(
            ASTERISK
                .replace("1187226364 1187226364", "1187226364 1187226365")
                .replace("c=IN IP4 203.0.113.10", "c=IN IP4 198.51.100.99")
                .replace("m=audio 14514", "m=audio 40000"));
    assertThat(text(d)).as("the original is untouched").isEqualTo(ASTERISK);
  }

  @Test
  void sessionConnectionIsInsertedInRfcOrderWhenMissing() {
    SessionDescription d = vector("audio-video-two-connections.sdp");

    SessionDescription out = d.withConnection(RELAY);

    assertThat(out.lines())
        .extracting(SdpLine::toString)
        .containsExactly(
            "v=0",
            "o=alice 2890844526 2890844526 IN IP4 192.0.2.30",
            "s=Video call",
            "c=IN IP4 198.51.100.99",
            "b=CT:1024",
            "t=0 0");
    assertThat(text(out)).contains("s=Video call\r\nc=IN IP4 198.51.100.99\r\nb=CT:1024\r\n");
  }

  @Test
  void mediaConnectionIsReplacedOrInsertedAfterTheMediaLine() {
    SessionDescription d = vector("rfc8866-s5-example.sdp");
    Connection v6 = Connection.of("2001:db8::99");

    SessionDescription out =
        d.withMedia(0, m -> m.withConnection(RELAY)).withMedia(2, m -> m.withConnection(v6));

    assertThat(text(out))
        .contains("m=audio 49170 RTP/AVP 0\r\nc=IN IP4 198.51.100.99\r\nm=audio 49180")
        .contains("m=video 51372 RTP/AVP 99\r\nc=IN IP6 2001:db8::99\r\na=rtpmap:99");
    assertThat(out.media().get(0).connection()).contains(RELAY);
    assertThat(out.media().get(1).connection()).isEmpty();
  }

  @Test
  void mediaConnectionGoesAfterMediaTitle() {
    SessionDescription d =
        SdpVectors.parse(
            crlf(
                "v=0",
                "o=- 1 1 IN IP4 192.0.2.1",
                "s=-",
                "c=IN IP4 192.0.2.1",
                "t=0 0",
                "m=audio 4000 RTP/AVP 0",
                "i=main audio",
                "a=sendrecv"));

    SessionDescription out = d.withMedia(0, m -> m.withConnection(RELAY));

    assertThat(out.media().getFirst().lines())
        .extracting(SdpLine::toString)
        .containsExactly(
            "m=audio 4000 RTP/AVP 0", "i=main audio", "c=IN IP4 198.51.100.99", "a=sendrecv");
  }

  @Test
  void allConnectionsRewritesEveryLevelThatHasOne() {
    SessionDescription d = vector("cisco-cube-g729.sdp");

    SessionDescription out = d.withAllConnections(RELAY);

    assertThat(text(out))
        .doesNotContain("c=IN IP4 198.51.100.40")
        .contains("o=CiscoSystemsSIP-GW-UserAgent 4711 2049 IN IP4 198.51.100.40\r\n");
    assertThat(out.connection()).contains(RELAY);
    assertThat(out.media().getFirst().connection()).contains(RELAY);
    assertThat(text(out).split("c=IN IP4 198.51.100.99", -1)).hasSize(3);
  }

  @Test
  void allConnectionsLeavesMediaWithoutOneInheriting() {
    SessionDescription d = vector("rfc8866-s5-example.sdp");

    SessionDescription out = d.withAllConnections(Connection.of("2001:db8::7"));

    assertThat(out.connection()).contains(Connection.of("2001:db8::7"));
    assertThat(out.media().get(0).connection()).isEmpty();
    assertThat(out.media().get(2).connection()).contains(Connection.of("2001:db8::7"));
  }

  @Test
  void allConnectionsAddsASessionLineWhenThereIsNone() {
    SessionDescription d =
        SdpVectors.parse(
            crlf("v=0", "o=- 1 1 IN IP4 192.0.2.1", "s=-", "t=0 0", "m=audio 0 RTP/AVP 0"));

    SessionDescription out = d.withAllConnections(RELAY);

    assertThat(text(out))
        .isEqualTo(
            crlf(
                "v=0",
                "o=- 1 1 IN IP4 192.0.2.1",
                "s=-",
                "c=IN IP4 198.51.100.99",
                "t=0 0",
                "m=audio 0 RTP/AVP 0"));
  }

  @Test
  void mediaConnectionCanBeDroppedInFavourOfTheSessionOne() {
    SessionDescription d = vector("cisco-cube-g729.sdp");

    SessionDescription out = d.withMedia(0, MediaDescription::withoutConnection);

    assertThat(out.media().getFirst().connection()).isEmpty();
    assertThat(out.media().getFirst().lines().get(1).toString()).isEqualTo("a=rtpmap:18 G729/8000");
  }

  @Test
  void portChangeKeepsPortCountAndFormats() {
    SessionDescription d =
        SdpVectors.parse(
            crlf(
                "v=0",
                "o=- 1 1 IN IP4 192.0.2.1",
                "s=-",
                "c=IN IP4 192.0.2.1",
                "t=0 0",
                "m=video 49170/2 RTP/AVP 31 32"));

    MediaDescription m = d.withMedia(0, x -> x.withPort(50000)).media().getFirst();

    assertThat(m.lines().getFirst().toString()).isEqualTo("m=video 50000/2 RTP/AVP 31 32");
    assertThat(m.port()).isEqualTo(50000);
    assertThat(m.portCount()).hasValue(2);
    assertThatIllegalArgumentException()
        .isThrownBy(() -> m.withPort(65536))
        .withMessage("m= port must be 0-65535, got 65536");
    assertThatIllegalArgumentException().isThrownBy(() -> m.withPort(-1));
  }

  @Test
  void rejectedStreamWithoutFormatsCannotBeReopened() {
    MediaDescription m =
        SdpVectors.parse(
                crlf("v=0", "o=- 1 1 IN IP4 192.0.2.1", "s=-", "t=0 0", "m=audio 0 RTP/AVP"))
            .media()
            .getFirst();

    assertThatIllegalArgumentException()
        .isThrownBy(() -> m.withPort(4000))
        .withMessage("m=audio lists no formats; it cannot be given port 4000");
    assertThat(m.withPort(0).lines().getFirst().toString()).isEqualTo("m=audio 0 RTP/AVP");
  }

  @Test
  void rejectingAStreamSetsPortZero() {
    SessionDescription out =
        vector("audio-video-two-connections.sdp").withMedia(1, m -> m.withPort(0));

    assertThat(text(out)).contains("\r\nm=video 0 RTP/AVP 96 97\r\n");
    assertThat(SdpVectors.parse(out.toBytes()).media().get(1).port()).isZero();
  }

  @Test
  void mediaDirectionReplacesTheAttributeInPlace() {
    SessionDescription d = vector("asterisk-pcmu-pcma-dtmf.sdp");

    SessionDescription out = d.withMedia(0, m -> m.withDirection(Direction.SENDONLY));

    assertThat(text(out)).isEqualTo(ASTERISK.replace("a=sendrecv", "a=sendonly"));
    assertThat(out.media().getFirst().direction()).isEqualTo(Direction.SENDONLY);
  }

  @Test
  void mediaDirectionIsAddedAfterTheLastAttributeWhenAbsent() {
    SessionDescription d = vector("cisco-cube-g729.sdp");

    SessionDescription out = d.withMedia(0, m -> m.withDirection(Direction.INACTIVE));

    assertThat(text(out)).endsWith("a=ptime:20\r\na=inactive\r\n");
    assertThat(out.media().getFirst().direction()).isEqualTo(Direction.INACTIVE);
  }

  @Test
  void sessionDirectionChangesWhatMediaInherit() {
    SessionDescription d = vector("hold-session-sendonly.sdp");

    SessionDescription out = d.withDirection(Direction.SENDRECV);

    assertThat(text(out)).contains("t=0 0\r\na=sendrecv\r\nm=audio");
    assertThat(out.direction()).isEqualTo(Direction.SENDRECV);
    assertThat(out.media().get(0).direction()).isEqualTo(Direction.SENDRECV);
    assertThat(out.media().get(1).direction()).isEqualTo(Direction.INACTIVE);
  }

  @Test
  void sessionDirectionIsAddedAtTheEndOfTheSessionLevel() {
    SessionDescription out = vector("cisco-cube-g729.sdp").withDirection(Direction.RECVONLY);

    assertThat(text(out)).contains("t=0 0\r\na=recvonly\r\nm=audio");
    assertThat(out.media().getFirst().direction()).isEqualTo(Direction.RECVONLY);
  }

  @Test
  void nextVersionCarriesAcrossDigitsOfAnyLength() {
    SessionDescription d =
        SdpVectors.parse(
            crlf(
                "v=0",
                "o=- 5 99999999999999999999 IN IP4 192.0.2.1",
                "s=-",
                "c=IN IP4 192.0.2.1",
                "t=0 0"));

    SessionDescription out = d.withNextVersion();

    assertThat(out.origin().sessionVersion()).isEqualTo("100000000000000000000");
    assertThat(text(out))
        .startsWith("v=0\r\no=- 5 100000000000000000000 IN IP4 192.0.2.1\r\ns=-\r\n");
    assertThat(out.withNextVersion().origin().sessionVersion()).isEqualTo("100000000000000000001");
  }

  @Test
  void originAddressCanBeHidden() {
    SessionDescription d = vector("carrier-ipv6.sdp");

    SessionDescription out = d.withOrigin(d.origin().withUnicastAddress("IP4", "198.51.100.99"));

    assertThat(out.lines().get(1).toString())
        .isEqualTo("o=sbc 8823419 8823420 IN IP4 198.51.100.99");
  }

  @Test
  void attributesAreAddedAfterTheLastOneAndRemovedByName() {
    SessionDescription d = vector("webrtc-ice-savpf.sdp");

    SessionDescription out =
        d.withoutAttribute("group")
            .withAttribute(Attribute.of("tool", "trunkline"))
            .withMedia(
                0,
                m ->
                    m.withoutAttribute("candidate")
                        .withoutAttribute("ice-ufrag")
                        .withAttribute(Attribute.of("ptime", "20")));

    assertThat(out.lines())
        .extracting(SdpLine::toString)
        .containsExactly(
            "v=0",
            "o=- 4611731400430051336 2 IN IP4 127.0.0.1",
            "s=-",
            "t=0 0",
            "a=msid-semantic: WMS",
            "a=tool:trunkline");
    MediaDescription audio = out.media().getFirst();
    assertThat(audio.attributes("candidate")).isEmpty();
    assertThat(audio.attribute("ice-ufrag")).isEmpty();
    assertThat(audio.attribute("ice-pwd")).isPresent();
    assertThat(audio.lines().getLast().toString()).isEqualTo("a=ptime:20");
    assertThat(audio.ptime()).hasValue(20);
    assertThat(text(out)).contains("a=ssrc:3735928559 cname:f0cJ2WxF1y2l\r\na=ptime:20\r\n");
  }

  @Test
  void attributeIsAddedAtTheEndOfALevelWithoutAttributes() {
    SessionDescription d = vector("rfc8866-s5-example.sdp");

    SessionDescription out = d.withMedia(1, m -> m.withAttribute(Attribute.of("rtcp-mux")));

    assertThat(text(out)).contains("m=audio 49180 RTP/AVP 0\r\na=rtcp-mux\r\nm=video");
  }

  @Test
  void removingFormatsDropsTheirRtpmapFmtpAndRtcpFeedback() {
    SessionDescription d = vector("audio-video-two-connections.sdp");

    SessionDescription out =
        d.withMedia(0, m -> m.withoutFormats(List.of("101")))
            .withMedia(1, m -> m.withoutFormats(List.of("96")));

    assertThat(out.media().get(0).lines())
        .extracting(SdpLine::toString)
        .containsExactly(
            "m=audio 49170 RTP/AVP 0",
            "c=IN IP4 192.0.2.30",
            "b=AS:64",
            "a=rtpmap:0 PCMU/8000",
            "a=sendrecv");
    assertThat(out.media().get(1).lines())
        .extracting(SdpLine::toString)
        .containsExactly(
            "m=video 51372 RTP/AVP 97",
            "c=IN IP6 ::ffff:192.0.2.31",
            "b=AS:512",
            "a=rtpmap:97 VP8/90000",
            "a=rtcp-fb:97 nack pli",
            "a=rtcp-fb:* ccm fir",
            "a=recvonly");
    assertThat(out.media().get(1).formats()).containsExactly("97");
  }

  @Test
  void removingFormatsKeepsOfferOrderOfTheRest() {
    MediaDescription m =
        vector("freeswitch-g722-g729-rtcp.sdp")
            .media()
            .getFirst()
            .withoutFormats(List.of("9", "18", "13"));

    assertThat(m.formats()).containsExactly("0", "8", "101");
    assertThat(m.rtpmaps().keySet()).containsExactly(0, 8, 101);
    assertThat(m.fmtp(18)).isEmpty();
    assertThat(m.fmtp(101)).contains("0-15");
    assertThat(m.lines().getFirst().toString()).isEqualTo("m=audio 24680 RTP/AVP 0 8 101");
  }

  @Test
  void removingEveryFormatIsRefused() {
    MediaDescription m = vector("asterisk-pcmu-pcma-dtmf.sdp").media().getFirst();

    assertThatIllegalArgumentException()
        .isThrownBy(() -> m.withoutFormats(List.of("0", "8", "101")))
        .withMessageContaining("would leave m=audio without formats");
  }

  @Test
  void bareLfBodyGetsBareLfOnChangedAndAddedLines() {
    SessionDescription d = vector("polycom.lf.sdp");

    SessionDescription out =
        d.withConnection(RELAY)
            .withMedia(0, m -> m.withPort(40002).withAttribute(Attribute.of("ptime", "20")));

    String s = text(out);
    assertThat(s).doesNotContain("\r").contains("c=IN IP4 198.51.100.99\nt=0 0\n");
    assertThat(s)
        .contains("m=audio 40002 RTP/AVP")
        .endsWith("a=rtpmap:127 telephone-event/8000\na=ptime:20\n");
  }

  @Test
  void unterminatedLastLineGetsALineEndOnlyWhenSomethingFollows() {
    String body = ASTERISK.substring(0, ASTERISK.length() - 2);
    SessionDescription d = SdpVectors.parse(body);

    assertThat(text(d.withMedia(0, m -> m.withDirection(Direction.INACTIVE))))
        .isEqualTo(body.replace("a=sendrecv", "a=inactive"));
    assertThat(text(d.withMedia(0, m -> m.withAttribute(Attribute.of("rtcp-mux")))))
        .isEqualTo(ASTERISK + "a=rtcp-mux\r\n");
  }

  @Test
  void editedLineKeepsTheBlankLinesAfterIt() {
    String body =
        crlf("v=0", "o=- 1 1 IN IP4 192.0.2.1", "s=-", "c=IN IP4 192.0.2.1", "", "t=0 0") + "\r\n";
    SessionDescription d = SdpVectors.parse(body);

    assertThat(text(d.withConnection(RELAY)))
        .isEqualTo(
            "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 198.51.100.99\r\n\r\nt=0 0\r\n\r\n");
  }

  @Test
  void valuesThatWouldInjectLinesAreRefused() {
    SessionDescription d = vector("asterisk-pcmu-pcma-dtmf.sdp");

    assertThatIllegalArgumentException()
        .isThrownBy(() -> d.withAttribute(Attribute.of("x", "1\r\nc=IN IP4 203.0.113.66")))
        .withMessageContaining("must not contain CR, LF or NUL");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> d.withAttribute(Attribute.of("a:b", "1")));
    assertThatIllegalArgumentException().isThrownBy(() -> d.withAttribute(Attribute.of("")));
    assertThatIllegalArgumentException().isThrownBy(() -> Connection.of("203.0.113.66\r\nm=audio"));
  }

  @Test
  void connectionsBuiltInCodeAreCheckedLikeParsedOnes() {
    assertThatIllegalArgumentException().isThrownBy(() -> Connection.of("1.2.3"));
    assertThatIllegalArgumentException().isThrownBy(() -> Connection.of("010.0.0.1"));
    assertThatIllegalArgumentException().isThrownBy(() -> Connection.of("2001:db8:::1"));
    assertThatIllegalArgumentException()
        .isThrownBy(() ->
            new Connection("IN", "IP6", "2001:db8::1", OptionalInt.of(5), OptionalInt.empty()));
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new Origin("-", "1", "x1", "IN", "IP4", "192.0.2.1"));
    assertThat(Connection.of("media.example.net").addrType()).isEqualTo("IP4");
  }

  @Test
  void rtpmapBuiltInCodeBecomesAnAttribute() {
    RtpMap opus = new RtpMap(111, "opus", 48000, OptionalInt.of(2));
    MediaDescription m =
        vector("asterisk-pcmu-pcma-dtmf.sdp").media().getFirst().withAttribute(opus.toAttribute());

    assertThat(m.attributes("rtpmap").getLast().value()).isEqualTo("111 opus/48000/2");
    assertThat(m.rtpmap(111)).contains(opus);
  }
}
