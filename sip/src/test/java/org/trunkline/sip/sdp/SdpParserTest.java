package org.trunkline.sip.sdp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.trunkline.sip.sdp.SdpVectors.vector;

import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** What the parser reads out of each vector: the fields a media relay acts on. */
class SdpParserTest {

  @Test
  void rfc8866Section5Example() {
    SessionDescription d = vector("rfc8866-s5-example.sdp");

    assertThat(d.origin())
        .isEqualTo(new Origin("jdoe", "3724394400", "3724394405", "IN", "IP4", "198.51.100.1"));
    assertThat(d.sessionName()).contains("Call to John Smith");
    assertThat(d.connection()).contains(Connection.of("198.51.100.1"));
    assertThat(d.lines())
        .extracting(SdpLine::type)
        .containsExactly('v', 'o', 's', 'i', 'u', 'e', 'p', 'c', 't');
    assertThat(d.lines().get(6).value()).isEqualTo("+1 617 555-6011");
    assertThat(d.media()).hasSize(3);
    MediaDescription video = d.media().get(2);
    assertThat(video.media()).isEqualTo("video");
    assertThat(video.port()).isEqualTo(51372);
    assertThat(video.proto()).isEqualTo("RTP/AVP");
    assertThat(video.formats()).containsExactly("99");
    assertThat(video.connection())
        .hasValueSatisfying(c -> {
          assertThat(c.addrType()).isEqualTo("IP6");
          assertThat(c.address()).isEqualTo("2001:db8::2");
        });
    assertThat(video.rtpmap(99)).contains(new RtpMap(99, "h263-1998", 90000, OptionalInt.empty()));
    assertThat(d.media().get(1).port()).isEqualTo(49180);
    assertThat(d.media().get(0).connection()).isEmpty();
    assertThat(d.direction()).isEqualTo(Direction.SENDRECV);
    assertThat(d.hasUnknownLineTypes()).isFalse();
  }

  @Test
  void asteriskOfferWithDtmf() {
    MediaDescription audio = vector("asterisk-pcmu-pcma-dtmf.sdp").media().getFirst();

    assertThat(audio.formats()).containsExactly("0", "8", "101");
    assertThat(audio.rtpmaps().keySet()).containsExactly(0, 8, 101);
    assertThat(audio.rtpmaps().get(101).encodingName()).isEqualTo("telephone-event");
    assertThat(audio.rtpmaps().get(101).clockRate()).isEqualTo(8000);
    assertThat(audio.fmtp(101)).contains("0-16");
    assertThat(audio.fmtp(0)).isEmpty();
    assertThat(audio.ptime()).hasValue(20);
    assertThat(audio.attribute("maxptime")).contains(Attribute.of("maxptime", "150"));
    assertThat(audio.direction()).isEqualTo(Direction.SENDRECV);
  }

  @Test
  void freeswitchOfferWithG729AnnexBAndRtcpAttribute() {
    SessionDescription d = vector("freeswitch-g722-g729-rtcp.sdp");
    MediaDescription audio = d.media().getFirst();

    assertThat(d.origin().username()).isEqualTo("FreeSWITCH");
    assertThat(d.origin().sessionVersion()).isEqualTo("1718270001");
    assertThat(audio.rtpmaps().values())
        .extracting(RtpMap::encodingName)
        .containsExactly("G722", "PCMU", "PCMA", "G729", "telephone-event", "CN");
    assertThat(audio.fmtp("18")).contains("annexb=no");
    assertThat(audio.fmtp(101)).contains("0-15");
    assertThat(audio.attribute("rtcp")).contains(Attribute.of("rtcp", "24681 IN IP4 192.0.2.20"));
  }

  @Test
  void ciscoOfferHasSessionAndMediaConnection() {
    SessionDescription d = vector("cisco-cube-g729.sdp");
    MediaDescription audio = d.media().getFirst();

    assertThat(d.connection()).contains(Connection.of("198.51.100.40"));
    assertThat(audio.connection()).contains(Connection.of("198.51.100.40"));
    assertThat(audio.formats()).containsExactly("18", "0", "8", "101", "19");
    assertThat(audio.rtpmap(19).orElseThrow().encodingName()).isEqualTo("CN");
    assertThat(audio.ptime()).hasValue(20);
  }

  @Test
  void staticPayloadTypesWithoutRtpmapFallBackToRfc3551() {
    MediaDescription audio = vector("rfc8866-s5-example.sdp").media().getFirst();

    assertThat(audio.rtpmaps()).isEmpty();
    assertThat(audio.rtpmap(0)).contains(new RtpMap(0, "PCMU", 8000, OptionalInt.empty()));
    assertThat(audio.rtpmap(18).orElseThrow().encodingName()).isEqualTo("G729");
    assertThat(audio.rtpmap(96)).isEmpty();
  }

  @Test
  void legacyHoldAddressIsRead() {
    SessionDescription d = vector("rfc3264-legacy-hold-cisco.sdp");

    assertThat(d.connection().orElseThrow().address()).isEqualTo("0.0.0.0");
  }

  @Test
  void carrierIpv6Offer() {
    SessionDescription d = vector("carrier-ipv6.sdp");

    assertThat(d.origin().addrType()).isEqualTo("IP6");
    assertThat(d.origin().unicastAddress()).isEqualTo("2001:db8:100::10");
    assertThat(d.connection())
        .contains(
            new Connection(
                "IN", "IP6", "2001:db8:100::10", OptionalInt.empty(), OptionalInt.empty()));
    assertThat(d.sessionName()).contains("-");
    assertThat(d.media().getFirst().lines()).extracting(SdpLine::toString).contains("b=AS:80");
  }

  @Test
  void twoMediaWithOwnConnectionsAndDirections() {
    SessionDescription d = vector("audio-video-two-connections.sdp");

    assertThat(d.connection()).isEmpty();
    assertThat(d.media()).extracting(MediaDescription::media).containsExactly("audio", "video");
    assertThat(d.media().get(0).connection()).contains(Connection.of("192.0.2.30"));
    assertThat(d.media().get(1).connection()).contains(Connection.of("::ffff:192.0.2.31"));
    assertThat(d.media().get(0).direction()).isEqualTo(Direction.SENDRECV);
    assertThat(d.media().get(1).direction()).isEqualTo(Direction.RECVONLY);
    assertThat(d.media().get(1).fmtp(96)).contains("profile-level-id=42e01f;packetization-mode=1");
    assertThat(d.media().get(1).attributes("rtcp-fb")).hasSize(3);
  }

  @Test
  void iceOfferKeepsCandidatesAndReadsOpusChannels() {
    SessionDescription d = vector("webrtc-ice-savpf.sdp");
    MediaDescription audio = d.media().getFirst();

    assertThat(d.attribute("group")).contains(Attribute.of("group", "BUNDLE 0"));
    assertThat(d.attribute("msid-semantic")).contains(Attribute.of("msid-semantic", " WMS"));
    assertThat(audio.proto()).isEqualTo("UDP/TLS/RTP/SAVPF");
    assertThat(audio.attributes("candidate")).hasSize(3);
    assertThat(audio.attributes("candidate").get(1).value())
        .isEqualTo(
            "435653019 1 udp 1845501695 198.51.100.77 46243 typ srflx raddr 192.0.2.50 rport"
                + " 46243 generation 0");
    assertThat(audio.attribute("rtcp-mux")).contains(Attribute.of("rtcp-mux"));
    assertThat(audio.attribute("rtcp-mux").orElseThrow().hasValue()).isFalse();
    assertThat(audio.rtpmap(111)).contains(new RtpMap(111, "opus", 48000, OptionalInt.of(2)));
    assertThat(d.origin().sessionId()).isEqualTo("4611731400430051336");
  }

  @Test
  void t38ImageStreamHasNamedFormat() {
    MediaDescription image = vector("t38-reinvite.sdp").media().getFirst();

    assertThat(image.media()).isEqualTo("image");
    assertThat(image.proto()).isEqualTo("udptl");
    assertThat(image.formats()).containsExactly("t38");
    assertThat(image.attribute("T38FaxMaxDatagram"))
        .contains(Attribute.of("T38FaxMaxDatagram", "400"));
    assertThat(image.rtpmaps()).isEmpty();
  }

  @Test
  void mediaInheritsSessionDirectionUnlessItHasItsOwn() {
    SessionDescription d = vector("hold-session-sendonly.sdp");

    assertThat(d.direction()).isEqualTo(Direction.SENDONLY);
    assertThat(d.media().get(0).direction()).isEqualTo(Direction.SENDONLY);
    assertThat(d.media().get(1).direction()).isEqualTo(Direction.INACTIVE);
    assertThat(d.media().get(1).port()).isZero();
  }

  @Test
  void unknownLinesAndAttributesAreKeptInPlaceAndFlagged() {
    SessionDescription d = vector("unknown-lines.sdp");

    assertThat(d.hasUnknownLineTypes()).isTrue();
    assertThat(d.lines()).extracting(SdpLine::toString).contains("y=0123456789");
    assertThat(d.attribute("X-nat")).contains(Attribute.of("X-nat", "0"));
    assertThat(d.media().getFirst().lines())
        .extracting(SdpLine::toString)
        .containsExactly(
            "m=audio 20000 RTP/AVP 0",
            "a=rtpmap:0 PCMU/8000",
            "a=x-custom-thing",
            "a=X-cisco-media:umoh",
            "q=media level unknown");
  }

  @Test
  void missingSessionNameAndTimingAreTolerated() {
    SessionDescription d = vector("lenient-no-s-no-t.sdp");

    assertThat(d.sessionName()).isEmpty();
    assertThat(d.lines()).extracting(SdpLine::type).containsExactly('v', 'o', 'c');
    assertThat(d.media().getFirst().rtpmap(8).orElseThrow().encodingName()).isEqualTo("PCMA");
  }

  @Test
  void bareLfBodyParses() {
    SessionDescription d = vector("polycom.lf.sdp");

    assertThat(SdpVectors.load("polycom.lf.sdp")).doesNotContain((byte) '\r');
    assertThat(d.media().getFirst().rtpmap(127).orElseThrow().encodingName())
        .isEqualTo("telephone-event");
    assertThat(d.sessionName()).contains("Polycom IP Phone");
  }

  @Test
  void parsesASliceOfALargerBuffer() {
    byte[] body = SdpVectors.load("asterisk-pcmu-pcma-dtmf.sdp");
    byte[] message = new byte[body.length + 20];
    Arrays.fill(message, (byte) 'X');
    System.arraycopy(body, 0, message, 10, body.length);

    SdpResult r = new SdpParser().parse(message, 10, body.length);

    assertThat(r.ok()).isTrue();
    assertThat(r.description().toBytes()).isEqualTo(body);
  }

  @Test
  void parsedDescriptionDoesNotShareTheCallersBuffer() {
    byte[] body = SdpVectors.load("asterisk-pcmu-pcma-dtmf.sdp");
    SessionDescription d = SdpVectors.parse(body);

    Arrays.fill(body, (byte) 0);

    assertThat(d.media().getFirst().port()).isEqualTo(14514);
    assertThat(SdpVectors.text(d)).startsWith("v=0\r\no=- 1187226364");
  }

  @Test
  void extraSpacesBetweenFieldsAreTolerated() {
    SessionDescription d =
        SdpVectors.parse(
            SdpVectors.crlf(
                "v=0",
                "o=-  1 2 IN IP4 192.0.2.1",
                "s=-",
                "c=IN  IP4 192.0.2.1 ",
                "t=0 0",
                "m=audio  4000 RTP/AVP 0  8 "));

    assertThat(d.connection()).contains(Connection.of("192.0.2.1"));
    assertThat(d.media().getFirst().formats()).isEqualTo(List.of("0", "8"));
    assertThat(d.media().getFirst().port()).isEqualTo(4000);
  }

  @Test
  void trailingSpacesAreToleratedAndKept() {
    String body =
        SdpVectors.crlf(
            "v=0 ",
            "o=- 1 2 IN IP4 192.0.2.1",
            "s=-",
            "c=IN IP4 192.0.2.1",
            "t=0 0",
            "m=audio 4000 RTP/AVP 0",
            "a=sendonly ");

    SessionDescription d = SdpVectors.parse(body);

    assertThat(d.media().getFirst().direction()).isEqualTo(Direction.SENDONLY);
    assertThat(SdpVectors.text(d)).isEqualTo(body);
    assertThat(SdpVectors.text(d.withMedia(0, m -> m.withDirection(Direction.SENDRECV))))
        .isEqualTo(body.replace("a=sendonly ", "a=sendrecv"));
  }

  @Test
  void multicastConnectionWithTtlAndCount() {
    SessionDescription d =
        SdpVectors.parse(
            SdpVectors.crlf(
                "v=0", "o=- 1 2 IN IP4 192.0.2.1", "s=-", "c=IN IP4 233.252.0.1/127/3", "t=0 0"));

    assertThat(d.connection())
        .contains(
            new Connection("IN", "IP4", "233.252.0.1", OptionalInt.of(127), OptionalInt.of(3)));
  }

  @Test
  void resultAccessorsNameTheOtherCase() {
    SdpResult failed = new SdpParser().parse(new byte[0]);
    SdpResult parsed = new SdpParser().parse(SdpVectors.load("carrier-ipv6.sdp"));

    assertThat(failed.ok()).isFalse();
    assertThatIllegalStateException()
        .isThrownBy(failed::description)
        .withMessageContaining("MISSING_VERSION at line 1 col 1: empty body");
    assertThatIllegalStateException().isThrownBy(parsed::error);
  }
}
