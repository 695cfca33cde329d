package org.trunkline.media;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Calls recorded through the relay over loopback UDP, the files read back sample by sample. */
class RecordingTest {
  private static final Duration WAIT = Duration.ofSeconds(5);

  /**
   * G.711 A-law speech that SIPp plays with play_pcap_audio (Debian sip-tester, installed by CI).
   */
  private static final Path SIPP_G711A = Path.of("/usr/share/sip-tester/g711a.pcap");

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
  void g711IsAStereoWavWithEachPartyOnItsChannelAndGapsSilent() throws Exception {
    MediaSession s = relay.open("rec-1@host", MediaOptions.DEFAULT.withRecording(true));
    byte[] toB = s.offerFromA(RtpPeer.sdp(a.ip(), a.port()));
    byte[] toA = s.answerFromB(RtpPeer.sdp(b.ip(), b.port()));
    Random r = new Random(8);
    byte[] fromA = voice(r, 50 * 160); // 1 s of µ-law, never a byte that decodes to 0
    byte[] fromB = voice(r, 50 * 160);
    for (int i = 0; i < 50; i++) {
      a.send(
          RtpPeer.rtp(0, i, 160L * i, 0xA, Arrays.copyOfRange(fromA, i * 160, i * 160 + 160)),
          Relays.rtpTarget(toA, 0));
    }
    int sentB = 0;
    for (int i = 0; i < 50; i++) {
      if (i >= 20 && i < 30) {
        continue; // 200 ms lost: silence on B's channel
      }
      b.send(
          RtpPeer.rtp(
              8, 9000 + i, 777 + 160L * i, 0xB, Arrays.copyOfRange(fromB, i * 160, i * 160 + 160)),
          Relays.rtpTarget(toB, 0));
      sentB++;
    }
    assertThat(b.receive(50, WAIT)).hasSize(50);
    assertThat(a.receive(sentB, WAIT)).hasSize(sentB);
    MediaStats st = s.close();
    Path wav = st.recording().orElseThrow();
    assertThat(wav).isEqualTo(dir.resolve("rec-1_host.wav"));

    try (AudioInputStream in = AudioSystem.getAudioInputStream(wav.toFile())) { // playable
      AudioFormat f = in.getFormat();
      assertThat(f.getChannels()).isEqualTo(2);
      assertThat(f.getSampleRate()).isEqualTo(8000f);
      assertThat(f.getSampleSizeInBits()).isEqualTo(16);
      // both parties talked for 1 s, starting at about the same time
      assertThat(in.getFrameLength()).isBetween(8000L, 8000L + 4000L);
    }
    short[][] ch = channels(wav);
    int startA = firstSound(ch[0]);
    for (int i = 0; i < fromA.length; i++) {
      assertThat(ch[0][startA + i]).as("A sample %d", i).isEqualTo(G711.decodeUlaw(fromA[i]));
    }
    int startB = firstSound(ch[1]);
    for (int i = 0; i < fromB.length; i++) {
      short want = i >= 3200 && i < 4800 ? 0 : G711.decodeAlaw(fromB[i]);
      assertThat(ch[1][startB + i]).as("B sample %d", i).isEqualTo(want);
    }
    assertThat(Math.abs(startA - startB)).isLessThan(4000); // sent within half a second
  }

  @Test
  void sippsG711SpeechIsRelayedUnchangedAndRecordedSampleForSample() throws Exception {
    List<byte[]> all = rtpOf(SIPP_G711A);
    assertThat(all).hasSize(236); // 7 s of 30 ms packets (240 samples)
    List<byte[]> packets = all.subList(0, 120);
    MediaSession s = relay.open("rec-sipp", MediaOptions.DEFAULT.withRecording(true));
    s.offerFromA(RtpPeer.sdp(a.ip(), a.port()));
    byte[] toA = s.answerFromB(RtpPeer.sdp(b.ip(), b.port()));
    // played at its own pace, 30 ms a packet, as SIPp's play_pcap_audio does
    ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor();
    AtomicInteger next = new AtomicInteger();
    pacer.scheduleAtFixedRate(
        () -> {
          int i = next.getAndIncrement();
          if (i < packets.size()) {
            try {
              a.send(packets.get(i), Relays.rtpTarget(toA, 0));
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
          }
        },
        0,
        30,
        TimeUnit.MILLISECONDS);
    List<RtpPeer.Received> got = b.receive(packets.size(), Duration.ofSeconds(20));
    pacer.shutdownNow();
    assertThat(got).hasSize(packets.size());
    for (int i = 0; i < packets.size(); i++) {
      assertThat(got.get(i).data()).isEqualTo(packets.get(i));
    }
    short[][] ch = channels(s.close().recording().orElseThrow());
    int start = firstSound(ch[0]);
    for (int i = 0; i < packets.size(); i++) { // whole packets, by their own timestamps
      byte[] p = packets.get(i);
      long ts = ByteBuffer.wrap(p, 4, 4).getInt() & 0xffffffffL;
      long ts0 = ByteBuffer.wrap(packets.get(0), 4, 4).getInt() & 0xffffffffL;
      for (int k = 0; k < p.length - 12; k++) {
        assertThat(ch[0][(int) (start + ts - ts0 + k)]).isEqualTo(G711.decodeAlaw(p[12 + k]));
      }
    }
    assertThat(ch[0].length).isBetween(120 * 240, 120 * 240 + 8000);
  }

  @Test
  void otherCodecsAreAPcapThatTsharkReads() throws Exception {
    String g729 = "m=audio $PORT RTP/AVP 18";
    MediaSession s = relay.open("rec-g729", MediaOptions.DEFAULT.withRecording(true));
    byte[] toB = s.offerFromA(RtpPeer.sdp(a.ip(), a.port(), g729, "a=rtpmap:18 G729/8000"));
    byte[] toA = s.answerFromB(RtpPeer.sdp(b.ip(), b.port(), g729, "a=rtpmap:18 G729/8000"));
    List<byte[]> sent = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      byte[] p =
          RtpPeer.rtp(18, i, 160L * i, 0xA, new byte[] {(byte) i, 1, 2, 3, 4, 5, 6, 7, 8, 9});
      a.send(p, Relays.rtpTarget(toA, 0));
      byte[] q =
          RtpPeer.rtp(18, i, 160L * i, 0xB, new byte[] {(byte) -i, 9, 8, 7, 6, 5, 4, 3, 2, 1});
      b.send(q, Relays.rtpTarget(toB, 0));
      sent.add(p);
      sent.add(q);
    }
    assertThat(b.receive(20, WAIT)).hasSize(20);
    assertThat(a.receive(20, WAIT)).hasSize(20);
    Path pcap = s.close().recording().orElseThrow();
    assertThat(pcap).isEqualTo(dir.resolve("rec-g729.pcap"));
    List<byte[]> recorded = rtpOf(pcap);
    assertThat(recorded).hasSize(40);
    assertThat(recorded)
        .usingElementComparator(Arrays::compare)
        .containsExactlyInAnyOrderElementsOf(sent);

    Process p =
        new ProcessBuilder(
                "tshark",
                "-r",
                pcap.toString(),
                "-d",
                "udp.port==" + Relays.rtpTarget(toA, 0).getPort() + ",rtp",
                "-T",
                "fields",
                "-e",
                "rtp.ssrc")
            .redirectErrorStream(false)
            .start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(out.lines().filter(l -> l.equals("0x0000000a"))).hasSize(20);
  }

  private static byte[] voice(Random r, int n) {
    byte[] v = new byte[n];
    for (int i = 0; i < n; i++) {
      v[i] = (byte) r.nextInt(0x7f); // 0x7f and 0xff are µ-law's zeros
    }
    return v;
  }

  private static int firstSound(short[] c) {
    for (int i = 0; i < c.length; i++) {
      if (c[i] != 0) {
        return i;
      }
    }
    throw new AssertionError("channel is silent");
  }

  /** The two channels of a 16-bit stereo WAV with a 44-byte header. */
  static short[][] channels(Path wav) throws Exception {
    ByteBuffer d = ByteBuffer.wrap(Files.readAllBytes(wav)).order(ByteOrder.LITTLE_ENDIAN);
    int frames = d.getInt(40) / 4;
    assertThat(d.capacity()).isEqualTo(44 + frames * 4);
    short[][] ch = new short[2][frames];
    for (int i = 0; i < frames; i++) {
      ch[0][i] = d.getShort(44 + i * 4);
      ch[1][i] = d.getShort(46 + i * 4);
    }
    return ch;
  }

  /** The UDP payloads of a pcap (Ethernet or raw IPv4 link). */
  static List<byte[]> rtpOf(Path pcap) throws Exception {
    ByteBuffer d = ByteBuffer.wrap(Files.readAllBytes(pcap)).order(ByteOrder.LITTLE_ENDIAN);
    int link = d.getInt(20);
    List<byte[]> out = new ArrayList<>();
    int at = 24;
    while (at < d.capacity()) {
      int incl = d.getInt(at + 8);
      int ip = at + 16 + (link == 1 ? 14 : 0);
      int ihl = (d.get(ip) & 0x0f) * 4;
      int udp = ip + ihl;
      int len = (Short.toUnsignedInt(Short.reverseBytes(d.getShort(udp + 4)))) - 8;
      out.add(Arrays.copyOfRange(d.array(), udp + 8, udp + 8 + len));
      at += 16 + incl;
    }
    return out;
  }
}
