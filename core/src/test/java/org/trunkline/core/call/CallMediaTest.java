package org.trunkline.core.call;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trunkline.core.trunk.AddressRange;
import org.trunkline.core.trunk.Trunk;
import org.trunkline.core.trunk.TrunkAccess;
import org.trunkline.core.trunk.TrunkMedia;
import org.trunkline.core.trunk.TrunkMode;
import org.trunkline.media.CodecPolicy;
import org.trunkline.media.MediaConfig;
import org.trunkline.media.MediaException;
import org.trunkline.media.MediaRelay;
import org.trunkline.sip.SipMessage;
import org.trunkline.sip.SipParser;

/**
 * The offer/answer bookkeeping between the call's SIP side and a real relay on 127.0.0.1: early and
 * final answers, a late offer, offers inside the call, codec policy per trunk, 488 and 503.
 */
class CallMediaTest {
  @TempDir Path dir;
  private MediaRelay relay;
  private int pairs;

  @BeforeEach
  void relay() throws Exception {
    int base = 20000 + 2 * ThreadLocalRandom.current().nextInt(0, 10000);
    pairs = 10;
    relay =
        new MediaRelay(
            MediaConfig.defaults(InetAddress.getByName("127.0.0.1"))
                .withPorts(base, base + 2 * pairs - 1)
                .withRecordingDir(dir)
                .withThreads(1));
  }

  @AfterEach
  void close() {
    relay.close();
  }

  private static Trunk trunk(String name, TrunkMedia media) {
    return new Trunk(
            name,
            TrunkMode.IP,
            new TrunkAccess.Ip(List.of(AddressRange.parse("192.0.2.1"))),
            Optional.empty(),
            Optional.empty(),
            0,
            0,
            List.of())
        .withMedia(media);
  }

  private static byte[] sdp(String host, int port, String formats) {
    StringBuilder s =
        new StringBuilder("v=0\r\no=x 1 1 IN IP4 ")
            .append(host)
            .append("\r\ns=-\r\nc=IN IP4 ")
            .append(host)
            .append("\r\nt=0 0\r\nm=audio ")
            .append(port)
            .append(" RTP/AVP ")
            .append(formats)
            .append("\r\n");
    for (String f : formats.split(" ")) {
      s.append(
          switch (f) {
            case "0" -> "a=rtpmap:0 PCMU/8000\r\n";
            case "8" -> "a=rtpmap:8 PCMA/8000\r\n";
            default -> "a=rtpmap:" + f + " telephone-event/8000\r\n";
          });
    }
    return s.toString().getBytes(StandardCharsets.US_ASCII);
  }

  private static SipMessage response(int status, byte[] body) {
    String head =
        "SIP/2.0 "
            + status
            + " X\r\nVia: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKx\r\nFrom: <sip:a@x>;tag=1\r\n"
            + "To: <sip:b@y>;tag=2\r\nCall-ID: c\r\nCSeq: 1 INVITE\r\n"
            + (body.length > 0 ? "Content-Type: application/sdp\r\n" : "")
            + "Content-Length: "
            + body.length
            + "\r\n\r\n";
    byte[] h = head.getBytes(StandardCharsets.US_ASCII);
    byte[] all = java.util.Arrays.copyOf(h, h.length + body.length);
    System.arraycopy(body, 0, all, h.length, body.length);
    return new SipParser().parseDatagram(all);
  }

  private static String text(byte[] b) {
    return new String(b, StandardCharsets.US_ASCII);
  }

  private CallMedia media(Trunk from) {
    return new CallMedia(relay, "call-" + System.nanoTime(), from, why -> {});
  }

  private void awaitFree() {
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> {
          assertThat(relay.sessions()).isZero();
          assertThat(relay.freePortPairs()).isEqualTo(pairs);
        });
  }

  @Test
  void anEarlyAnswerThenADifferentFinalOneBothReachTheCallerRewritten() {
    CallMedia m = media(trunk("a", TrunkMedia.RELAY));
    String toB =
        text(m.offerToCallee(trunk("b", TrunkMedia.PASS_THROUGH), sdp("192.0.2.20", 4000, "0 8")));
    assertThat(toB).contains("c=IN IP4 127.0.0.1").doesNotContain("192.0.2.20");

    SipMessage early = response(183, sdp("192.0.2.30", 5000, "0"));
    String early1 = text(m.answerToCaller(early));
    assertThat(early1).contains("c=IN IP4 127.0.0.1").doesNotContain("192.0.2.30");
    assertThat(text(m.answerToCaller(early))).as("the same message again").isEqualTo(early1);
    // the 2xx repeats the early SDP: the same body for the caller
    assertThat(text(m.answerToCaller(response(200, sdp("192.0.2.30", 5000, "0")))))
        .isEqualTo(early1);
    // a 2xx with another answer: it applies, the caller's port stays
    String fin = text(m.answerToCaller(response(200, sdp("192.0.2.31", 5002, "8"))));
    assertThat(fin).contains("RTP/AVP 8").doesNotContain("192.0.2.31");
    assertThat(port(fin)).isEqualTo(port(early1));

    m.close().join();
    awaitFree();
  }

  @Test
  void aLateOfferGoesFromTheCalleesAnswerToTheCallersAck() {
    CallMedia m = media(trunk("a", TrunkMedia.RELAY));
    assertThat(m.offerToCallee(trunk("b", TrunkMedia.PASS_THROUGH), new byte[0])).isEmpty();
    String toA = text(m.answerToCaller(response(200, sdp("192.0.2.30", 5000, "0 8"))));
    assertThat(toA).contains("c=IN IP4 127.0.0.1").contains("RTP/AVP 0 8");
    String toB = text(m.lateAnswer(true, "application/sdp", sdp("192.0.2.20", 4000, "0")));
    assertThat(toB).contains("c=IN IP4 127.0.0.1").doesNotContain("192.0.2.20");
    m.close().join();
    awaitFree();
  }

  @Test
  void offersInsideTheCallGoEitherWay() {
    CallMedia m = media(trunk("a", TrunkMedia.RELAY));
    m.offerToCallee(trunk("b", TrunkMedia.PASS_THROUGH), sdp("192.0.2.20", 4000, "0"));
    m.answerToCaller(response(200, sdp("192.0.2.30", 5000, "0")));
    // the callee puts the call on hold; the caller answers
    String toA = text(m.offer(false, sdp("192.0.2.30", 5000, "0")));
    assertThat(toA).doesNotContain("192.0.2.30");
    String toB = text(m.answer(false, response(200, sdp("192.0.2.20", 4000, "0"))));
    assertThat(toB).doesNotContain("192.0.2.20");
    // the caller re-offers; the callee answers
    m.offer(true, sdp("192.0.2.20", 4000, "0"));
    assertThat(text(m.answer(true, response(200, sdp("192.0.2.30", 5000, "0")))))
        .doesNotContain("192.0.2.30");
    m.close().join();
    awaitFree();
  }

  @Test
  void theCalleesTrunkFiltersItsOffersAndABadOfferIs488() {
    CallMedia m = media(trunk("a", TrunkMedia.PASS_THROUGH));
    Trunk b =
        trunk(
            "b",
            new TrunkMedia(
                true, false, new CodecPolicy(List.of("PCMU"), List.of(), List.of("PCMA"))));
    assertThat(text(m.offerToCallee(b, sdp("192.0.2.20", 4000, "0 8 101"))))
        .contains("RTP/AVP 8 101")
        .doesNotContain("PCMU");
    assertThatThrownBy(() -> m.offer(true, "not sdp".getBytes(StandardCharsets.US_ASCII)))
        .isInstanceOfSatisfying(
            MediaException.class, e -> assertThat(e.sipStatus()).isEqualTo(488));
    m.close().join();
    awaitFree();
  }

  @Test
  void anEmptyPoolIs503AndGivesTheHalfTakenPortsBack() {
    CallMedia[] calls = new CallMedia[pairs / 2];
    for (int i = 0; i < calls.length; i++) {
      calls[i] = media(trunk("a", TrunkMedia.RELAY));
      calls[i].offerToCallee(trunk("b", TrunkMedia.PASS_THROUGH), sdp("192.0.2.20", 4000, "0"));
    }
    assertThat(relay.freePortPairs()).isZero();
    CallMedia one = media(trunk("a", TrunkMedia.RELAY));
    assertThatThrownBy(() ->
            one.offerToCallee(trunk("b", TrunkMedia.PASS_THROUGH), sdp("192.0.2.20", 4000, "0")))
        .isInstanceOfSatisfying(
            MediaException.class, e -> assertThat(e.sipStatus()).isEqualTo(503));
    assertThat(CallMedia.cause(new MediaException(503, "x"))).isEqualTo(34);
    assertThat(CallMedia.phrase(new MediaException(503, "x")))
        .isEqualTo("No media ports available");
    one.close().join();
    for (CallMedia c : calls) {
      c.close().join();
    }
    awaitFree();
  }

  private static int port(String sdp) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("m=audio ([0-9]+)").matcher(sdp);
    assertThat(m.find()).isTrue();
    return Integer.parseInt(m.group(1));
  }
}
