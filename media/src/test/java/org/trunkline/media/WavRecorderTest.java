package org.trunkline.media;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The WAV writer fed directly, with arrival times chosen by the test. */
class WavRecorderTest {
  private static final long S = 1_000_000_000L;
  private static final InetSocketAddress ANY = new InetSocketAddress("127.0.0.1", 9);
  @TempDir Path dir;

  private static void feed(WavRecorder w, Flow f, int seq, long ts, int ssrc, byte b, long at) {
    byte[] payload = new byte[160];
    Arrays.fill(payload, b);
    w.packet(f, 0, Unpooled.wrappedBuffer(RtpPeer.rtp(0, seq, ts, ssrc, payload)), 0, at, ANY, ANY);
  }

  @Test
  void aLongPauseIsSilenceWithoutBufferingItAndTheVoiceAfterItLandsInPlace() throws Exception {
    WavRecorder w = new WavRecorder(dir.resolve("hold.wav"), Runnable::run, 0, 0);
    feed(w, Flow.A_TO_B, 1, 0, 7, (byte) 0x10, 0);
    // 10 minutes later (a hold), a new talk spurt with a timestamp far ahead, as a sender would
    feed(w, Flow.A_TO_B, 2, 600L * 8000, 7, (byte) 0x20, 600 * S);
    feed(w, Flow.B_TO_A, 1, 12345, 8, (byte) 0x30, 600 * S);
    Path wav = w.finish().join();
    assertThat(Files.size(wav)).isEqualTo(44 + (600L * 8000 + 160) * 4);
    short[][] ch = RecordingTest.channels(wav);
    assertThat(ch[0][0]).isEqualTo(G711.decodeUlaw(0x10));
    assertThat(ch[0][160]).isZero();
    assertThat(ch[0][600 * 8000]).isEqualTo(G711.decodeUlaw(0x20));
    assertThat(ch[1][600 * 8000]).isEqualTo(G711.decodeUlaw(0x30));
    assertThat(ch[1][600 * 8000 - 1]).isZero();
  }

  @Test
  void aPacketOlderThanWhatWasWrittenIsDropped() throws Exception {
    WavRecorder w = new WavRecorder(dir.resolve("late.wav"), Runnable::run, 0, 0);
    feed(w, Flow.A_TO_B, 1, 0, 7, (byte) 0x10, 0);
    feed(w, Flow.A_TO_B, 500, 5 * 8000, 7, (byte) 0x20, 5 * S); // pushes the ring past frame 0
    feed(w, Flow.A_TO_B, 2, 160, 7, (byte) 0x40, 5 * S); // far too late
    short[][] ch = RecordingTest.channels(w.finish().join());
    assertThat(ch[0][160]).isZero();
    assertThat(ch[0][5 * 8000]).isEqualTo(G711.decodeUlaw(0x20));
  }
}
