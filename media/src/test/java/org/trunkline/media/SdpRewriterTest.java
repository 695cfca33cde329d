package org.trunkline.media;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.trunkline.sip.sdp.SessionDescription;

class SdpRewriterTest {
  private static final String OFFER =
      String.join(
          "\r\n",
          "v=0",
          "o=alice 2890844526 2890844527 IN IP4 198.51.100.7",
          "s=-",
          "c=IN IP4 198.51.100.7",
          "t=0 0",
          "a=ice-ufrag:8hhY",
          "m=audio 49170 RTP/AVP 18 0 8 101",
          "c=IN IP4 198.51.100.8",
          "a=rtpmap:18 G729/8000",
          "a=fmtp:18 annexb=no",
          "a=rtpmap:101 telephone-event/8000",
          "a=fmtp:101 0-16",
          "a=rtcp:49171 IN IP4 198.51.100.8",
          "a=candidate:1 1 UDP 2130706431 198.51.100.8 49170 typ host",
          "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:KEY",
          "m=video 0 RTP/AVP 96",
          "");

  private static SessionDescription offer() {
    return Relays.parse(OFFER.getBytes());
  }

  @Test
  void addressesPortsRtcpAndIceAreTheRelaysAndTheRestIsKept() {
    String out =
        SdpRewriter.rewrite(offer(), "203.0.113.1", new int[] {30000, 0}, CodecPolicy.ANY, null)
            .toString();
    assertThat(out)
        .doesNotContain("198.51.100", "candidate", "ice-ufrag")
        .contains(
            "o=alice 2890844526 2890844527 IN IP4 203.0.113.1",
            "c=IN IP4 203.0.113.1\r\nt=0 0",
            "m=audio 30000 RTP/AVP 18 0 8 101",
            "a=rtcp:30001 IN IP4 203.0.113.1",
            "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:KEY",
            "a=fmtp:18 annexb=no",
            "m=video 0 RTP/AVP 96");
  }

  @Test
  void aPolicyRemovesAllowsAndReorders() {
    CodecPolicy noG729 = new CodecPolicy(List.of("g729"), List.of(), List.of("PCMA"));
    String out =
        SdpRewriter.rewrite(offer(), "203.0.113.1", new int[] {30000, 0}, noG729, null).toString();
    assertThat(out).contains("m=audio 30000 RTP/AVP 8 0 101").doesNotContain("G729", "annexb");

    CodecPolicy onlyPcmu =
        new CodecPolicy(List.of(), List.of("PCMU", "telephone-event"), List.of());
    assertThat(
            SdpRewriter.rewrite(offer(), "203.0.113.1", new int[] {30000, 0}, onlyPcmu, null)
                .toString())
        .contains("m=audio 30000 RTP/AVP 0 101");

    CodecPolicy onlyGsm = new CodecPolicy(List.of(), List.of("GSM"), List.of());
    assertThat(
            SdpRewriter.rewrite(offer(), "203.0.113.1", new int[] {30000, 0}, onlyGsm, null)
                .media()
                .get(0)
                .port())
        .isZero(); // nothing the trunk takes: the stream is refused, not emptied
  }

  @Test
  void anAnswerIsRenumberedToTheOffersPayloadTypes() {
    SessionDescription answer =
        Relays.parse(
            RtpPeer.sdp(
                "198.51.100.9",
                5000,
                "m=audio $PORT RTP/AVP 0 96",
                "a=rtpmap:96 telephone-event/8000",
                "a=fmtp:96 0-15",
                "m=video 0 RTP/AVP 96"));
    String out =
        SdpRewriter.rewrite(answer, "203.0.113.1", new int[] {30002, 0}, null, offer()).toString();
    assertThat(out)
        .contains(
            "m=audio 30002 RTP/AVP 0 101", "a=rtpmap:101 telephone-event/8000", "a=fmtp:101 0-15")
        .doesNotContain("a=rtpmap:96 telephone");

    StreamSignal offered = StreamSignal.of(offer(), offer().media().get(0));
    StreamSignal answered = StreamSignal.of(answer, answer.media().get(0));
    assertThat(SdpRewriter.payloadMap(offered, answered)).isEqualTo(Map.of(101, 96));
    assertThat(SdpRewriter.payloadMap(answered, offered)).isEqualTo(Map.of(96, 101));
  }

  @Test
  void theSignalNamesRtpAndRtcpAddresses() {
    StreamSignal s = StreamSignal.of(offer(), offer().media().get(0));
    assertThat(s.rtp()).hasToString("/198.51.100.8:49170");
    assertThat(s.rtcp()).hasToString("/198.51.100.8:49171");
    assertThat(s.payloads().keySet()).containsExactly(18, 0, 8, 101);
    assertThat(StreamSignal.of(offer(), offer().media().get(1)).rtp()).isNull();
  }
}
