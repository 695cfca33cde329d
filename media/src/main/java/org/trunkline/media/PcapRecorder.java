package org.trunkline.media;

import io.netty.buffer.ByteBuf;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Every RTP packet of every stream of the call, both ways, as a pcap file (LINKTYPE_RAW: IPv4 or
 * IPv6 header, UDP header, the packet as it arrived, from its sender to the relay's port), which
 * Wireshark plays with "RTP Player" for any codec. Buffered in 64 KB blocks written on the
 * recording thread. Only the session's event loop calls {@link #packet}.
 */
final class PcapRecorder implements Recorder {
  private static final int BLOCK = 64 * 1024;
  private static final int LINKTYPE_RAW = 101;

  private final FileSink sink;
  private final long startNanos;
  private final long startEpochMicros;
  private ByteBuffer buf = block();
  private long written;
  private boolean finished;

  PcapRecorder(Path path, Executor io, long startNanos, long startEpochMicros) {
    this.sink = new FileSink(path, io);
    this.startNanos = startNanos;
    this.startEpochMicros = startEpochMicros;
    ByteBuffer h = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
    h.putInt(0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0);
    h.putInt(65535).putInt(LINKTYPE_RAW);
    buf.put(h.array());
  }

  private static ByteBuffer block() {
    return ByteBuffer.allocate(BLOCK).order(ByteOrder.LITTLE_ENDIAN);
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
    if (finished) {
      return;
    }
    boolean v4 =
        src.getAddress() instanceof Inet4Address && dst.getAddress() instanceof Inet4Address;
    int n = rtp.readableBytes();
    int ip = v4 ? 20 : 40;
    int total = ip + 8 + n;
    if (buf.remaining() < 16 + total) {
      drain();
      if (buf.remaining() < 16 + total) {
        buf = ByteBuffer.allocate(16 + total).order(ByteOrder.LITTLE_ENDIAN);
      }
    }
    long us = startEpochMicros + (arrivalNanos - startNanos) / 1000;
    buf.putInt((int) (us / 1_000_000)).putInt((int) (us % 1_000_000)).putInt(total).putInt(total);
    buf.order(ByteOrder.BIG_ENDIAN);
    byte[] s = src.getAddress().getAddress();
    byte[] d = dst.getAddress().getAddress();
    if (v4) {
      int start = buf.position();
      buf.put((byte) 0x45).put((byte) 0).putShort((short) total).putInt(0);
      buf.put((byte) 64).put((byte) 17).putShort((short) 0).put(s).put(d);
      int sum = 0;
      for (int i = 0; i < 20; i += 2) {
        sum += buf.getShort(start + i) & 0xffff;
      }
      sum = (sum >> 16) + (sum & 0xffff);
      sum += sum >> 16;
      buf.putShort(start + 10, (short) ~sum);
    } else {
      buf.putInt(0x60000000).putShort((short) (8 + n)).put((byte) 17).put((byte) 64);
      buf.put(v6(s)).put(v6(d));
    }
    buf.putShort((short) src.getPort()).putShort((short) dst.getPort());
    buf.putShort((short) (8 + n)).putShort((short) 0); // UDP checksum 0: not computed
    rtp.getBytes(rtp.readerIndex(), buf.array(), buf.position(), n);
    buf.position(buf.position() + n);
    buf.order(ByteOrder.LITTLE_ENDIAN);
  }

  private static byte[] v6(byte[] a) {
    if (a.length == 16) {
      return a;
    }
    byte[] m = new byte[16]; // IPv4-mapped
    m[10] = (byte) 0xff;
    m[11] = (byte) 0xff;
    System.arraycopy(a, 0, m, 12, 4);
    return m;
  }

  private void drain() {
    if (buf.position() > 0) {
      sink.write(written, buf.array(), buf.position());
      written += buf.position();
      buf = block();
    }
  }

  @Override
  public CompletableFuture<Path> finish() {
    if (!finished) {
      finished = true;
      drain();
    }
    return sink.close();
  }
}
