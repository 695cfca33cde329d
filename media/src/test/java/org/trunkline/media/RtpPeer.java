package org.trunkline.media;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A party's media socket on loopback for the relay tests: sends RTP it builds, queues what it
 * receives (a reader thread), and waits on the queue with a bound, never by sleeping.
 */
final class RtpPeer implements AutoCloseable {
  record Received(byte[] data, InetSocketAddress from) {}

  private final DatagramSocket socket;
  private final BlockingQueue<Received> queue = new LinkedBlockingQueue<>();
  private final Thread reader;

  RtpPeer(String ip) throws SocketException {
    this(ip, 0);
  }

  RtpPeer(String ip, int port) throws SocketException {
    try {
      socket = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(ip), port));
    } catch (IOException e) {
      throw new SocketException(e.toString());
    }
    reader =
        Thread.ofPlatform().daemon().name("rtp-peer-" + socket.getLocalPort()).start(this::read);
  }

  private void read() {
    byte[] buf = new byte[2048];
    while (!socket.isClosed()) {
      DatagramPacket p = new DatagramPacket(buf, buf.length);
      try {
        socket.receive(p);
      } catch (IOException e) {
        return;
      }
      queue.add(
          new Received(
              Arrays.copyOf(p.getData(), p.getLength()), (InetSocketAddress) p.getSocketAddress()));
    }
  }

  int port() {
    return socket.getLocalPort();
  }

  String ip() {
    return socket.getLocalAddress().getHostAddress();
  }

  void send(byte[] data, InetSocketAddress to) throws IOException {
    socket.send(new DatagramPacket(data, data.length, to));
  }

  /** The next packet within {@code limit}, else null. */
  Received receive(Duration limit) throws InterruptedException {
    return queue.poll(limit.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Packets until {@code n} arrived or {@code limit} passed. */
  List<Received> receive(int n, Duration limit) throws InterruptedException {
    List<Received> out = new ArrayList<>();
    long end = System.nanoTime() + limit.toNanos();
    while (out.size() < n) {
      long left = end - System.nanoTime();
      Received r = left <= 0 ? null : queue.poll(left, TimeUnit.NANOSECONDS);
      if (r == null) {
        break;
      }
      out.add(r);
    }
    return out;
  }

  /** Packets already queued, without waiting. */
  List<Received> drain() {
    List<Received> out = new ArrayList<>();
    queue.drainTo(out);
    return out;
  }

  @Override
  public void close() throws InterruptedException {
    socket.close();
    reader.join(2000);
  }

  /** An RTP packet (RFC 3550 §5.1, no CSRC, no extension). */
  static byte[] rtp(int pt, int seq, long ts, int ssrc, byte[] payload) {
    ByteBuffer b = ByteBuffer.allocate(12 + payload.length);
    b.put((byte) 0x80).put((byte) pt).putShort((short) seq).putInt((int) ts).putInt(ssrc);
    b.put(payload);
    return b.array();
  }

  /** An RFC 4733 telephone-event payload. */
  static byte[] event(int event, boolean end, int volume, int duration) {
    return new byte[] {
      (byte) event, (byte) ((end ? 0x80 : 0) | volume), (byte) (duration >> 8), (byte) duration
    };
  }

  /** A simple audio offer or answer: PCMU, PCMA and telephone-event 101 unless lines say else. */
  static byte[] sdp(String ip, int port, String... mediaLines) {
    StringBuilder b = new StringBuilder();
    b.append("v=0\r\no=- 1 1 IN IP4 ").append(ip).append("\r\ns=-\r\nc=IN IP4 ").append(ip);
    b.append("\r\nt=0 0\r\n");
    if (mediaLines.length == 0) {
      b.append("m=audio ").append(port).append(" RTP/AVP 0 8 101\r\n");
      b.append("a=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\n");
      b.append("a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\na=sendrecv\r\n");
    } else {
      for (String l : mediaLines) {
        b.append(l.replace("$PORT", Integer.toString(port))).append("\r\n");
      }
    }
    return b.toString().getBytes(StandardCharsets.US_ASCII);
  }
}
