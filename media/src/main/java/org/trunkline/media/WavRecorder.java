package org.trunkline.media;

import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * A stereo 16-bit 8 kHz WAV of one audio stream (the first): the caller (flow A to B) on the left
 * channel, the callee on the right. Each packet's samples go where its RTP timestamp puts them,
 * relative to the arrival of that flow's first packet, so lost packets and pauses are silence and
 * both channels stay in step with the wall clock. Samples are placed in a ring of {@link #RING}
 * frames that is written out a second at a time; a packet older than what was written is dropped.
 * Packets of other codecs than G.711 are left out (silence). Only the session's event loop calls
 * {@link #packet}.
 */
final class WavRecorder implements Recorder {
  static final int RATE = 8000;
  static final int RING = RATE * 4; // frames kept in memory: 4 s of reordering
  private static final int CHUNK = RATE; // frames written at a time
  private static final int HEADER = 44;
  private static final long MAX_REBASE = 2L * RATE; // timestamp drift that starts a new base

  private final FileSink sink;
  private final int stream;
  private final long startNanos;
  private final byte[] ring = new byte[RING * 4];
  private long flushed; // frames [0, flushed) are handed to the file
  private long end; // one past the highest frame written
  private final long[] base = {-1, -1}; // per channel: frame of baseTs
  private final long[] baseTs = new long[2];
  private final long[] lastTs = new long[2]; // the newest timestamp per channel
  private final int[] ssrc = new int[2];
  private boolean finished;

  WavRecorder(Path path, Executor io, int stream, long startNanos) {
    this.sink = new FileSink(path, io);
    this.stream = stream;
    this.startNanos = startNanos;
  }

  @Override
  public void packet(
      Flow flow,
      int stream,
      ByteBuf rtp,
      int codec,
      long arrivalNanos,
      InetSocketAddress src,
      InetSocketAddress dst) {
    if (finished || codec == OTHER || stream != this.stream) {
      return;
    }
    int ch = flow == Flow.A_TO_B ? 0 : 1;
    int at = rtp.readerIndex();
    int headerLength = Rtp.headerLength(rtp);
    if (headerLength < 0) {
      return;
    }
    long ts = rtp.getUnsignedInt(at + 4);
    int s = rtp.getInt(at + 8);
    long arrivalFrame = Math.max(0, (arrivalNanos - startNanos) * RATE / 1_000_000_000L);
    long frame = base[ch] + (int) (ts - baseTs[ch]); // wrap-safe 32-bit difference
    boolean newer = (int) (ts - lastTs[ch]) > 0;
    if (base[ch] < 0 || s != ssrc[ch] || newer && Math.abs(frame - arrivalFrame) > MAX_REBASE) {
      base[ch] = arrivalFrame; // a new source, or its clock jumped: start from the wall clock
      baseTs[ch] = ts;
      ssrc[ch] = s;
      frame = arrivalFrame;
      lastTs[ch] = ts;
    } else if (Math.abs(frame - arrivalFrame) > MAX_REBASE) {
      return; // an old packet from before a jump: nowhere sensible to put it
    } else if (newer) {
      lastTs[ch] = ts;
    }
    int n = rtp.readableBytes() - headerLength;
    if (n <= 0 || frame < flushed) {
      return; // too late for the part already written
    }
    if (frame + n > flushed + RING) {
      long need = frame + n - RING; // the ring must start here
      while (flushed < need && flushed < end) {
        flush(Math.min(CHUNK, Math.min(need, end) - flushed));
      }
      flushed = Math.max(flushed, need); // beyond what was written: a hole in the file, silence
    }
    int p = at + headerLength;
    for (int i = 0; i < n; i++) {
      int b = rtp.getUnsignedByte(p + i);
      short v = codec == PCMU ? G711.decodeUlaw(b) : G711.decodeAlaw(b);
      int o = (int) ((frame + i) % RING) * 4 + ch * 2;
      ring[o] = (byte) v;
      ring[o + 1] = (byte) (v >> 8);
    }
    end = Math.max(end, frame + n);
  }

  private void flush(long frames) {
    int bytes = (int) frames * 4;
    byte[] out = new byte[bytes];
    for (int i = 0; i < frames; i++) {
      int o = (int) ((flushed + i) % RING) * 4;
      System.arraycopy(ring, o, out, i * 4, 4);
      java.util.Arrays.fill(ring, o, o + 4, (byte) 0);
    }
    sink.write(HEADER + flushed * 4, out, bytes);
    flushed += frames;
  }

  @Override
  public CompletableFuture<Path> finish() {
    if (!finished) {
      finished = true;
      while (flushed < end) {
        flush(Math.min(CHUNK, end - flushed));
      }
      sink.write(0, header(end * 4), HEADER);
    }
    return sink.close();
  }

  /** RIFF/WAVE header for PCM, 2 channels, 16 bits, 8 kHz. */
  static byte[] header(long dataBytes) {
    ByteBuffer b = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
    b.put("RIFF".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    b.putInt((int) (36 + dataBytes));
    b.put("WAVEfmt ".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    b.putInt(16).putShort((short) 1).putShort((short) 2).putInt(RATE).putInt(RATE * 4);
    b.putShort((short) 4).putShort((short) 16);
    b.put("data".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    b.putInt((int) dataBytes);
    return b.array();
  }
}
