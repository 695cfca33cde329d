package org.trunkline.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The relay over real UDP sockets on loopback: A at 127.0.0.2, B at 127.0.0.3, relay at .1. */
class MediaRelayTest {
  private static final Duration WAIT = Duration.ofSeconds(3);
  @TempDir Path dir;
  private MediaRelay relay;
  private RtpPeer a;
  private RtpPeer b;

  @BeforeEach
  void setUp() throws Exception {
    relay = new MediaRelay(Relays.config(dir));
    a = new RtpPeer("127.0.0.2");
    b = new RtpPeer("127.0.0.3");
  }

  @AfterEach
  void tearDown() throws Exception {
    relay.close();
    a.close();
    b.close();
  }

  @Test
  void bytesCrossUnchangedBothWaysAndNeitherSideSeesTheOther() throws Exception {
    MediaSession s = relay.open("call-1");
    byte[] toB = s.offerFromA(RtpPeer.sdp(a.ip(), a.port()));
    byte[] toA = s.answerFromB(RtpPeer.sdp(b.ip(), b.port()));

    assertThat(Relays.text(toB)).doesNotContain("127.0.0.2").contains("c=IN IP4 127.0.0.1");
    assertThat(Relays.text(toA)).doesNotContain("127.0.0.3").contains("c=IN IP4 127.0.0.1");
    assertThat(Relays.text(toB))
        .contains("o=- 1 1 IN IP4 127.0.0.1", "a=rtpmap:101 telephone-event/8000");
    InetSocketAddress relayForA = Relays.rtpTarget(toA, 0);
    InetSocketAddress relayForB = Relays.rtpTarget(toB, 0);
    assertThat(relayForA.getPort()).isNotEqualTo(relayForB.getPort()).isEven();

    Random r = new Random(1);
    for (int i = 0; i < 50; i++) {
      byte[] payload = new byte[160];
      r.nextBytes(payload);
      byte[] fromA = RtpPeer.rtp(0, 1000 + i, 160L * i, 0xA, payload);
      a.send(fromA, relayForA);
      RtpPeer.Received atB = b.receive(WAIT);
      assertThat(atB).isNotNull();
      assertThat(atB.data()).isEqualTo(fromA);
      assertThat(atB.from()).isEqualTo(relayForB); // B only ever sees the relay

      byte[] fromB = RtpPeer.rtp(8, 7 + i, 999 + 160L * i, 0xB, payload);
      b.send(fromB, relayForB);
      RtpPeer.Received atA = a.receive(WAIT);
      assertThat(atA.data()).isEqualTo(fromB);
      assertThat(atA.from()).isEqualTo(relayForA);
    }

    MediaStats stats = s.close();
    assertThat(stats.streams()).hasSize(1);
    assertThat(stats.streams().get(0).flow(Flow.A_TO_B).packets()).isEqualTo(50);
    assertThat(stats.streams().get(0).flow(Flow.B_TO_A).packets()).isEqualTo(50);
    assertThat(stats.streams().get(0).flow(Flow.A_TO_B).lost()).isZero();
    assertThat(relay.sessions()).isZero();
  }

  @Test
  void rtcpIsRelayedOnThePortAbove() throws Exception {
    try (RtpPeer aRtcp = new RtpPeer("127.0.0.2");
        RtpPeer bRtcp = new RtpPeer("127.0.0.3")) {
      MediaSession s = relay.open("call-rtcp");
      // a=rtcp (RFC 3605) tells the relay where each side wants RTCP
      byte[] toB =
          s.offerFromA(
              RtpPeer.sdp(a.ip(), a.port(), "m=audio $PORT RTP/AVP 0", "a=rtcp:" + aRtcp.port()));
      byte[] toA =
          s.answerFromB(
              RtpPeer.sdp(b.ip(), b.port(), "m=audio $PORT RTP/AVP 0", "a=rtcp:" + bRtcp.port()));
      int relayRtcpForA = Relays.rtpTarget(toA, 0).getPort() + 1;
      int relayRtcpForB = Relays.rtpTarget(toB, 0).getPort() + 1;
      assertThat(Relays.text(toB)).contains("a=rtcp:" + relayRtcpForB + " IN IP4 127.0.0.1");

      byte[] sr = {(byte) 0x80, (byte) 200, 0, 6, 0, 0, 0, 0xA, 1, 2, 3, 4, 5, 6, 7, 8};
      aRtcp.send(sr, new InetSocketAddress("127.0.0.1", relayRtcpForA));
      assertThat(bRtcp.receive(WAIT).data()).isEqualTo(sr);
      bRtcp.send(sr, new InetSocketAddress("127.0.0.1", relayRtcpForB));
      assertThat(aRtcp.receive(WAIT).data()).isEqualTo(sr);
      s.close();
    }
  }

  @Test
  void latchesToTheFirstSourceInTheWindowAndDropsStrangersAfterIt() throws Exception {
    // A sits behind NAT: its SDP names 127.0.0.9:4000, it sends from 127.0.0.2
    MediaSession s = relay.open("call-nat");
    byte[] toB = s.offerFromA(RtpPeer.sdp("127.0.0.9", 4000));
    byte[] toA = s.answerFromB(RtpPeer.sdp(b.ip(), b.port()));
    InetSocketAddress relayForA = Relays.rtpTarget(toA, 0);
    InetSocketAddress relayForB = Relays.rtpTarget(toB, 0);

    a.send(RtpPeer.rtp(0, 1, 0, 1, new byte[160]), relayForA); // latches A's real source
    assertThat(b.receive(WAIT)).isNotNull();
    b.send(RtpPeer.rtp(0, 1, 0, 2, new byte[160]), relayForB);
    assertThat(a.receive(WAIT)).isNotNull(); // reached A at its NAT address, not the SDP's

    try (RtpPeer stranger = new RtpPeer("127.0.0.4")) {
      // a second new source in the window does not take the stream from A
      stranger.send(RtpPeer.rtp(0, 2, 160, 3, new byte[160]), relayForA);
      b.send(RtpPeer.rtp(0, 2, 160, 2, new byte[160]), relayForB);
      assertThat(a.receive(WAIT)).isNotNull();
      assertThat(stranger.receive(Duration.ofMillis(200))).isNull();
      MediaStats st = s.close();
      assertThat(st.streams().get(0).rejected()).isEqualTo(1);
      assertThat(st.streams().get(0).flow(Flow.A_TO_B).packets()).isEqualTo(1);
    }
  }

  @Test
  void afterTheWindowOnlyTheSignalledHostMayMoveTheStream() throws Exception {
    MediaRelay strict =
        new MediaRelay(
            Relays.config(dir)
                .withTimers(
                    Duration.ZERO,
                    Duration.ZERO,
                    Duration.ZERO,
                    Duration.ZERO,
                    Duration.ofMillis(50)));
    try (RtpPeer a2 = new RtpPeer("127.0.0.2");
        RtpPeer stranger = new RtpPeer("127.0.0.4")) {
      MediaSession s = strict.open("call-strict");
      byte[] toB = s.offerFromA(RtpPeer.sdp(a.ip(), a.port()));
      byte[] toA = s.answerFromB(RtpPeer.sdp(b.ip(), b.port()));
      InetSocketAddress relayForA = Relays.rtpTarget(toA, 0);
      InetSocketAddress relayForB = Relays.rtpTarget(toB, 0);

      stranger.send(RtpPeer.rtp(0, 1, 0, 3, new byte[] {9}), relayForA);
      // the signalled host from another port (NAT rewrote it) is accepted and latched
      a2.send(RtpPeer.rtp(0, 1, 0, 1, new byte[] {1}), relayForA);
      assertThat(b.receive(WAIT).data()[12]).isEqualTo((byte) 1);
      b.send(RtpPeer.rtp(0, 1, 0, 2, new byte[] {2}), relayForB);
      assertThat(a2.receive(WAIT).data()[12]).isEqualTo((byte) 2);
      assertThat(b.drain()).isEmpty(); // the stranger's packet never arrived
      assertThat(s.close().streams().get(0).rejected()).isEqualTo(1);
    } finally {
      strict.close();
    }
  }

  @Test
  void aBurstCrossesInOrderAndASourceThatMovesKeepsMediaFlowingBothWays() throws Exception {
    MediaRelay strict =
        new MediaRelay(
            Relays.config(dir)
                .withTimers(
                    Duration.ZERO, // no window: only the signalled host may move the stream
                    Duration.ZERO,
                    Duration.ZERO,
                    Duration.ZERO,
                    Duration.ofMillis(50)));
    try (RtpPeer a2 = new RtpPeer("127.0.0.2")) {
      MediaSession s = strict.open("call-move");
      byte[] toB = s.offerFromA(RtpPeer.sdp(a.ip(), a.port()));
      byte[] toA = s.answerFromB(RtpPeer.sdp(b.ip(), b.port()));
      InetSocketAddress relayForA = Relays.rtpTarget(toA, 0);
      InetSocketAddress relayForB = Relays.rtpTarget(toB, 0);

      // back to back, as fast as the sender goes: each one arrives, unchanged and in order
      List<byte[]> burst = new java.util.ArrayList<>();
      for (int i = 0; i < 64; i++) {
        byte[] p = RtpPeer.rtp(0, i, 160L * i, 0xA, new byte[] {(byte) i, 1, 2, 3});
        burst.add(p);
        a.send(p, relayForA);
      }
      List<RtpPeer.Received> got = b.receive(64, WAIT);
      assertThat(got).extracting(RtpPeer.Received::data).containsExactlyElementsOf(burst);
      b.send(RtpPeer.rtp(0, 1, 0, 0xB, new byte[] {1}), relayForB);
      assertThat(a.receive(WAIT).data()[12]).isEqualTo((byte) 1);

      // A's NAT gives it a new port: the relay follows it both ways
      for (int i = 0; i < 10; i++) {
        a2.send(RtpPeer.rtp(0, 64 + i, 160L * (64 + i), 0xA, new byte[] {(byte) i}), relayForA);
        assertThat(b.receive(WAIT).data()[12]).isEqualTo((byte) i);
        b.send(RtpPeer.rtp(0, 2 + i, 160L * (1 + i), 0xB, new byte[] {(byte) (20 + i)}), relayForB);
        RtpPeer.Received atA2 = a2.receive(WAIT);
        assertThat(atA2.data()[12]).isEqualTo((byte) (20 + i));
        assertThat(atA2.from()).isEqualTo(relayForA);
      }
      assertThat(a.receive(Duration.ofMillis(200))).isNull(); // nothing went to the old port
      StreamStats st = s.close().streams().get(0);
      assertThat(st.flow(Flow.A_TO_B).packets()).isEqualTo(74);
      assertThat(st.flow(Flow.A_TO_B).lost()).isZero();
      assertThat(st.flow(Flow.B_TO_A).packets()).isEqualTo(11);
      assertThat(st.rejected()).isZero();
    } finally {
      strict.close();
    }
  }

  @Test
  void aBacklogQueuedWhileTheLoopWasBusyCrossesWholeAndInOrder() throws Exception {
    MediaSession s = relay.open("call-backlog");
    byte[] toB = s.offerFromA(RtpPeer.sdp(a.ip(), a.port()));
    byte[] toA = s.answerFromB(RtpPeer.sdp(b.ip(), b.port()));
    InetSocketAddress relayForA = Relays.rtpTarget(toA, 0);
    InetSocketAddress relayForB = Relays.rtpTarget(toB, 0);

    // hold the session's loop while the packets queue up on its socket: once let go, it reads
    // several datagrams per call (recvmmsg on epoll), each of its own length
    CountDownLatch holding = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    s.loop()
        .execute(() -> {
          holding.countDown();
          try {
            release.await(10, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    assertThat(holding.await(5, TimeUnit.SECONDS)).isTrue();
    Random r = new Random(7);
    List<byte[]> sent = new java.util.ArrayList<>();
    int[] sizes = {160, 1, 1400, MediaRelay.MAX_DATAGRAM - 12, 20, 0, 480, 160};
    for (int i = 0; i < 3 * MediaRelay.READ_BATCH + 3; i++) {
      byte[] payload = new byte[sizes[i % sizes.length]];
      r.nextBytes(payload);
      byte[] p = RtpPeer.rtp(0, 500 + i, 160L * i, 0xA, payload);
      sent.add(p);
      a.send(p, relayForA);
    }
    release.countDown();

    List<RtpPeer.Received> got = b.receive(sent.size(), WAIT);
    assertThat(got).extracting(RtpPeer.Received::data).containsExactlyElementsOf(sent);
    assertThat(got).extracting(RtpPeer.Received::from).containsOnly(relayForB);
    b.send(RtpPeer.rtp(0, 1, 0, 0xB, new byte[] {9}), relayForB);
    assertThat(a.receive(WAIT).data()[12]).isEqualTo((byte) 9);
    FlowStats ab = s.close().streams().get(0).flow(Flow.A_TO_B);
    assertThat(ab.packets()).isEqualTo(sent.size());
    assertThat(ab.lost()).isZero();
    assertThat(ab.duplicates()).isZero();
  }

  @Test
  void reOffersHoldAddAndRemoveStreams() throws Exception {
    MediaSession s = relay.open("call-reinvite");
    String audio = "m=audio $PORT RTP/AVP 0";
    byte[] toB = s.offerFromA(RtpPeer.sdp(a.ip(), a.port(), audio));
    byte[] toA = s.answerFromB(RtpPeer.sdp(b.ip(), b.port(), audio));
    int audioPortB = Relays.rtpTarget(toB, 0).getPort();
    int audioPortA = Relays.rtpTarget(toA, 0).getPort();

    // B puts A on hold and adds video (a re-INVITE from B): same audio ports, new video ports
    byte[] reToA =
        s.offerFromB(
            RtpPeer.sdp(
                b.ip(),
                b.port(),
                audio,
                "a=sendonly",
                "m=video " + (b.port() + 2) + " RTP/AVP 96",
                "a=rtpmap:96 H264/90000"));
    assertThat(Relays.text(reToA)).contains("a=sendonly").doesNotContain("127.0.0.3");
    assertThat(Relays.rtpTarget(reToA, 0).getPort()).isEqualTo(audioPortA);
    int videoPortA = Relays.rtpTarget(reToA, 1).getPort();
    assertThat(videoPortA).isNotIn(audioPortA, audioPortB, 0);
    int free = relay.freePortPairs();
    byte[] reToB =
        s.answerFromA(RtpPeer.sdp(a.ip(), a.port(), audio, "a=recvonly", "m=video 0 RTP/AVP 96"));
    assertThat(Relays.text(reToB)).contains("m=video 0 ", "a=recvonly");
    // A refused the video: its two port pairs go back to the pool
    org.awaitility.Awaitility.await().atMost(WAIT).until(() -> relay.freePortPairs() == free + 2);

    // A takes B off hold
    byte[] third = s.offerFromA(RtpPeer.sdp(a.ip(), a.port(), audio, "m=video 0 RTP/AVP 96"));
    assertThat(Relays.rtpTarget(third, 0).getPort()).isEqualTo(audioPortB);
    s.answerFromB(RtpPeer.sdp(b.ip(), b.port(), audio, "m=video 0 RTP/AVP 96"));
    assertThat(relay.freePortPairs()).isEqualTo(free + 2);

    a.send(RtpPeer.rtp(0, 1, 0, 1, new byte[] {5}), Relays.rtpTarget(toA, 0));
    assertThat(b.receive(WAIT).data()[12]).isEqualTo((byte) 5);

    // A adds video, B takes it; then A removes it with port 0 in its next offer
    String video = "m=video " + (a.port() + 2) + " RTP/AVP 96";
    byte[] withVideo =
        s.offerFromA(RtpPeer.sdp(a.ip(), a.port(), audio, video, "a=rtpmap:96 H264/90000"));
    assertThat(Relays.rtpTarget(withVideo, 1).getPort()).isNotZero();
    int beforeVideo = relay.freePortPairs();
    s.answerFromB(
        RtpPeer.sdp(
            b.ip(),
            b.port(),
            audio,
            "m=video " + (b.port() + 2) + " RTP/AVP 96",
            "a=rtpmap:96 H264/90000"));
    byte[] noVideo = s.offerFromA(RtpPeer.sdp(a.ip(), a.port(), audio, "m=video 0 RTP/AVP 96"));
    assertThat(Relays.text(noVideo)).contains("m=video 0 RTP/AVP 96");
    org.awaitility.Awaitility.await()
        .atMost(WAIT)
        .until(() -> relay.freePortPairs() == beforeVideo + 2);
    MediaStats st = s.close();
    assertThat(st.streams())
        .extracting(StreamStats::media)
        .containsExactly("audio", "video", "video");
  }

  @Test
  void rtcpMultiplexedOnTheRtpPortIsRelayedButNotCountedAsRtp() throws Exception {
    MediaSession s = relay.open("call-mux");
    String mux = "m=audio $PORT RTP/AVP 0";
    byte[] toB = s.offerFromA(RtpPeer.sdp(a.ip(), a.port(), mux, "a=rtcp-mux"));
    assertThat(Relays.text(toB)).contains("a=rtcp-mux");
    byte[] toA = s.answerFromB(RtpPeer.sdp(b.ip(), b.port(), mux, "a=rtcp-mux"));
    byte[] rr = {(byte) 0x81, (byte) 201, 0, 7, 0, 0, 0, 0xA, 0, 0, 0, 0xB, 1, 2, 3, 4};
    a.send(rr, Relays.rtpTarget(toA, 0));
    a.send(RtpPeer.rtp(0, 1, 0, 0xA, new byte[160]), Relays.rtpTarget(toA, 0));
    assertThat(b.receive(WAIT).data()).isEqualTo(rr);
    assertThat(b.receive(WAIT)).isNotNull();
    assertThat(s.close().streams().get(0).flow(Flow.A_TO_B).packets()).isEqualTo(1);
  }

  @Test
  void theFinalAnswerReplacesAnEarlyOne() throws Exception {
    try (RtpPeer early = new RtpPeer("127.0.0.3")) {
      MediaSession s = relay.open("call-183");
      s.offerFromA(RtpPeer.sdp(a.ip(), a.port()));
      byte[] in183 = s.answerFromB(RtpPeer.sdp(b.ip(), early.port())); // an announcement server
      byte[] in200 = s.answerFromB(RtpPeer.sdp(b.ip(), b.port())); // then the callee itself
      assertThat(Relays.rtpTarget(in200, 0)).isEqualTo(Relays.rtpTarget(in183, 0));
      a.send(RtpPeer.rtp(0, 1, 0, 1, new byte[] {3}), Relays.rtpTarget(in200, 0));
      assertThat(b.receive(WAIT).data()[12]).isEqualTo((byte) 3);
      assertThat(early.drain()).isEmpty();
      s.close();
    }
  }

  @Test
  void anAnswerWithoutAnOfferAndABadBodyAreRefused() {
    MediaSession s = relay.open("call-bad");
    assertThatThrownBy(() -> s.answerFromB(RtpPeer.sdp(b.ip(), b.port())))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("call call-bad: answer from leg B but leg A has no offer pending");
    assertThatThrownBy(() -> s.offerFromA("v=1\r\n".getBytes()))
        .isInstanceOfSatisfying(MediaException.class, e -> assertThat(e.sipStatus()).isEqualTo(488))
        .hasMessageStartingWith("call call-bad: SDP from leg A: ");
    s.close();
    assertThatThrownBy(() -> s.offerFromA(RtpPeer.sdp(a.ip(), a.port())))
        .hasMessage("media session for call call-bad is closed");
  }

  @Test
  void anEmptyPoolRefusesTheOfferWith503AndKeepsNothing() throws Exception {
    MediaConfig tiny = Relays.config(dir);
    MediaRelay small = new MediaRelay(tiny.withPorts(tiny.portMin(), tiny.portMin() + 3));
    try {
      MediaSession s = small.open("call-full-1");
      s.offerFromA(RtpPeer.sdp(a.ip(), a.port())); // takes both pairs
      MediaSession t = small.open("call-full-2");
      assertThatThrownBy(() -> t.offerFromA(RtpPeer.sdp(a.ip(), a.port())))
          .isInstanceOfSatisfying(
              MediaException.class, e -> assertThat(e.sipStatus()).isEqualTo(503))
          .hasMessage("call call-full-2: media port pool exhausted (2 pairs)");
      s.close();
      org.awaitility.Awaitility.await().atMost(WAIT).until(() -> small.freePortPairs() == 2);
      t.offerFromA(RtpPeer.sdp(a.ip(), a.port()));
      t.close();
    } finally {
      small.close();
    }
  }

  @Test
  void aSecondSessionForTheSameCallIsRefused() {
    relay.open("dup");
    assertThatThrownBy(() -> relay.open("dup"))
        .hasMessage("media session for call dup is already open");
  }

  @Test
  void srtpIsPassedThroughWithItsKeys() throws Exception {
    String crypto =
        "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR";
    MediaSession s = relay.open("call-srtp");
    byte[] toB = s.offerFromA(RtpPeer.sdp(a.ip(), a.port(), "m=audio $PORT RTP/SAVP 0", crypto));
    assertThat(Relays.text(toB))
        .contains("m=audio " + Relays.rtpTarget(toB, 0).getPort() + " RTP/SAVP 0", crypto);
    byte[] toA = s.answerFromB(RtpPeer.sdp(b.ip(), b.port(), "m=audio $PORT RTP/SAVP 0", crypto));
    byte[] opaque = new byte[172]; // an SRTP packet: an RTP header, then ciphertext and a tag
    System.arraycopy(RtpPeer.rtp(0, 1, 0, 1, new byte[0]), 0, opaque, 0, 12);
    Arrays.fill(opaque, 12, 172, (byte) 0x5a);
    a.send(opaque, Relays.rtpTarget(toA, 0));
    assertThat(b.receive(WAIT).data()).isEqualTo(opaque);
    s.close();
  }

  @Test
  void theConfigRefusesBadValuesByName() throws Exception {
    MediaConfig ok = Relays.config(dir);
    assertThatThrownBy(() -> ok.withPorts(30001, 30100))
        .hasMessage("media ports: first port must be even and 1024-65534, got 30001");
    assertThatThrownBy(() -> MediaConfig.defaults(InetAddress.getByName("0.0.0.0")))
        .hasMessage("media advertised-address: required when binding to the wildcard 0.0.0.0");
    assertThat(List.of(ok.advertisedAddress())).containsExactly("127.0.0.1");
  }

  @Test
  void relaysOverIpv6() throws Exception {
    MediaConfig v4 = Relays.config(dir);
    MediaRelay six =
        new MediaRelay(
            new MediaConfig(
                InetAddress.getByName("::1"),
                null,
                v4.portMin(),
                v4.portMax(),
                v4.latchWindow(),
                v4.silenceTimeout(),
                v4.holdTimeout(),
                v4.oneWayAfter(),
                v4.checkInterval(),
                dir,
                1));
    try (RtpPeer a6 = new RtpPeer("::1");
        RtpPeer b6 = new RtpPeer("::1")) {
      MediaSession s = six.open("call-v6");
      String m = "m=audio $PORT RTP/AVP 0";
      byte[] toB = s.offerFromA(sdp6(a6.port(), m));
      byte[] toA = s.answerFromB(sdp6(b6.port(), m));
      assertThat(Relays.text(toB)).contains("c=IN IP6 0:0:0:0:0:0:0:1");
      byte[] p = RtpPeer.rtp(0, 1, 0, 6, new byte[] {6});
      a6.send(p, Relays.rtpTarget(toA, 0));
      assertThat(b6.receive(WAIT).data()).isEqualTo(p);
      s.close();
    } finally {
      six.close();
    }
  }

  private static byte[] sdp6(int port, String media) {
    return ("v=0\r\no=- 1 1 IN IP6 ::1\r\ns=-\r\nc=IN IP6 ::1\r\nt=0 0\r\n"
            + media.replace("$PORT", Integer.toString(port))
            + "\r\n")
        .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  }
}
