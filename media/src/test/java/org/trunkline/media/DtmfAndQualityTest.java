package org.trunkline.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** DTMF, loss, one-way audio and silence through the relay over loopback UDP. */
class DtmfAndQualityTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  @TempDir Path dir;
  private MediaRelay relay;
  private RtpPeer a;
  private RtpPeer b;
  private final List<DtmfEvent> digits = new CopyOnWriteArrayList<>();
  private final List<OneWayAudio> oneWay = new CopyOnWriteArrayList<>();
  private final List<Integer> silent = new CopyOnWriteArrayList<>();
  private final MediaListener listener =
      new MediaListener() {
        @Override
        public void onDtmf(String callId, DtmfEvent event) {
          digits.add(event);
        }

        @Override
        public void onOneWay(String callId, OneWayAudio w) {
          oneWay.add(w);
        }

        @Override
        public void onSilence(String callId, int stream, Duration silentFor) {
          silent.add(stream);
        }
      };
  private final ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor();

  @BeforeEach
  void setUp() throws Exception {
    relay =
        new MediaRelay(
            Relays.config(dir)
                .withTimers(
                    Duration.ofSeconds(5),
                    Duration.ofSeconds(
                        2), // silence: well above one-way-after, for a loaded machine
                    Duration.ZERO,
                    Duration.ofMillis(400),
                    Duration.ofMillis(50)));
    a = new RtpPeer("127.0.0.2");
    b = new RtpPeer("127.0.0.3");
  }

  @AfterEach
  void tearDown() throws Exception {
    pacer.shutdownNow();
    relay.close();
    a.close();
    b.close();
  }

  @Test
  void digitsAreReportedOnceAndRelayedWithTheirPayloadTypeMapped() throws Exception {
    MediaSession s = relay.open("call-dtmf", MediaOptions.DEFAULT.withListener(listener));
    byte[] toB = s.offerFromA(RtpPeer.sdp(a.ip(), a.port())); // telephone-event 101
    byte[] toA =
        s.answerFromB( // B ignores the SHOULD of RFC 3264 §6.1 and numbers it 96
            RtpPeer.sdp(
                b.ip(),
                b.port(),
                "m=audio $PORT RTP/AVP 0 96",
                "a=rtpmap:96 telephone-event/8000",
                "a=fmtp:96 0-16"));
    assertThat(Relays.text(toA))
        .contains("m=audio " + Relays.rtpTarget(toA, 0).getPort() + " RTP/AVP 0 101");
    InetSocketAddress relayForA = Relays.rtpTarget(toA, 0);

    int seq = 1;
    long ts = 0;
    for (int digit : new int[] {1, 2, 11}) {
      ts += 8000;
      for (int dur = 160; dur <= 640; dur += 160) {
        a.send(RtpPeer.rtp(101, seq++, ts, 0xD, RtpPeer.event(digit, false, 10, dur)), relayForA);
      }
      for (int i = 0; i < 3; i++) { // the end, three times (RFC 4733 §2.5.1.4)
        a.send(RtpPeer.rtp(101, seq++, ts, 0xD, RtpPeer.event(digit, true, 10, 800)), relayForA);
      }
    }
    List<RtpPeer.Received> atB = b.receive(21, WAIT);
    assertThat(atB).hasSize(21);
    assertThat(atB).allSatisfy(p -> assertThat(p.data()[1] & 0x7f).isEqualTo(96));
    await().atMost(WAIT).until(() -> digits.size() == 3);
    assertThat(digits).extracting(DtmfEvent::digit).containsExactly('1', '2', '#');
    assertThat(digits.get(0)).isEqualTo(new DtmfEvent(Flow.A_TO_B, 0, 1, 100, 10));

    // B sends with its own number 96... no: B sends what A's offer said, 101, and A gets 101
    b.send(RtpPeer.rtp(101, 1, 0, 0xE, RtpPeer.event(5, true, 10, 800)), Relays.rtpTarget(toB, 0));
    assertThat(a.receive(WAIT).data()[1] & 0x7f).isEqualTo(101);
    MediaStats st = s.close();
    assertThat(st.dtmf()).extracting(DtmfEvent::digit).containsExactly('1', '2', '#', '5');
  }

  @Test
  void lossInjectedBySenderShowsInTheStats() throws Exception {
    MediaSession s = relay.open("call-loss");
    s.offerFromA(RtpPeer.sdp(a.ip(), a.port()));
    byte[] toA = s.answerFromB(RtpPeer.sdp(b.ip(), b.port()));
    InetSocketAddress relayForA = Relays.rtpTarget(toA, 0);
    int sent = 0;
    for (int i = 0; i < 200; i++) {
      if (i % 10 == 3) {
        continue; // drop every 10th
      }
      a.send(RtpPeer.rtp(0, 500 + i, 160L * i, 0x10, new byte[160]), relayForA);
      sent++;
    }
    assertThat(b.receive(sent, WAIT)).hasSize(sent);
    FlowStats f = s.close().streams().get(0).flow(Flow.A_TO_B);
    assertThat(f.packets()).isEqualTo(180);
    assertThat(f.lost()).isEqualTo(20);
    assertThat(f.lossPercent()).isEqualTo(10.0);
    assertThat(f.mos()).isBetween(2.5, 3.6);
  }

  @Test
  void audioFlowingOnlyFromAIsFlaggedOneWayAndBothSilentIsReported() throws Exception {
    MediaSession s = relay.open("call-oneway", MediaOptions.DEFAULT.withListener(listener));
    s.offerFromA(RtpPeer.sdp(a.ip(), a.port()));
    byte[] toA = s.answerFromB(RtpPeer.sdp(b.ip(), b.port()));
    InetSocketAddress relayForA = Relays.rtpTarget(toA, 0);
    AtomicInteger seq = new AtomicInteger();
    var sending =
        pacer.scheduleAtFixedRate(
            () -> {
              int i = seq.getAndIncrement();
              try {
                a.send(RtpPeer.rtp(0, i, 160L * i, 0x20, new byte[160]), relayForA);
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            },
            0,
            20,
            TimeUnit.MILLISECONDS);
    await().atMost(WAIT).until(() -> !oneWay.isEmpty());
    assertThat(oneWay).containsExactly(new OneWayAudio(0, Flow.A_TO_B, Duration.ofMillis(400)));
    assertThat(silent).isEmpty(); // A still talks
    sending.cancel(false);
    await().atMost(WAIT).until(() -> !silent.isEmpty());
    assertThat(silent).containsExactly(0);
    MediaStats st = s.close();
    assertThat(st.oneWay()).hasSize(1);
    assertThat(st.silent()).isTrue();
  }

  @Test
  void aHeldStreamIsNotOneWay() throws Exception {
    MediaSession s = relay.open("call-hold", MediaOptions.DEFAULT.withListener(listener));
    s.offerFromA(RtpPeer.sdp(a.ip(), a.port(), "m=audio $PORT RTP/AVP 0", "a=sendonly"));
    byte[] toA =
        s.answerFromB(RtpPeer.sdp(b.ip(), b.port(), "m=audio $PORT RTP/AVP 0", "a=recvonly"));
    InetSocketAddress relayForA = Relays.rtpTarget(toA, 0);
    AtomicInteger seq = new AtomicInteger();
    pacer.scheduleAtFixedRate(
        () -> {
          int i = seq.getAndIncrement();
          try {
            a.send(RtpPeer.rtp(0, i, 160L * i, 0x20, new byte[160]), relayForA);
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        },
        0,
        20,
        TimeUnit.MILLISECONDS);
    // music on hold for well past one-way-after (400 ms): 40 packets is 800 ms at B
    assertThat(b.receive(40, WAIT)).hasSize(40);
    assertThat(oneWay).isEmpty();
    s.close();
  }
}
