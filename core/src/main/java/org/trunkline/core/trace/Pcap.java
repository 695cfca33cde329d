package org.trunkline.core.trace;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.trunkline.stack.TraceTap;

/**
 * Writes traced messages as a classic pcap file (Ethernet link type) that tshark, Wireshark and
 * sngrep open and decode as SIP: each message becomes frames with rebuilt IPv4 or IPv6 headers and
 * its real microsecond timestamp.
 *
 * <p>UDP: one frame per message. TCP and TLS: the message is cut into segments of at most {@link
 * #TCP_SEGMENT} bytes with PSH|ACK and sequence and acknowledgement numbers that continue per
 * connection and direction, so a decoder reassembles SIP over TCP (no handshake is invented). A TLS
 * message is written as the plaintext it carried, as TCP on its own ports (decode port 5061 as SIP:
 * {@code tshark -d tcp.port==5061,sip}).
 *
 * <p>A UDP message longer than one IP packet can carry (65,507 bytes over IPv4, 65,487 over IPv6)
 * cannot have been on the wire as one datagram; its frame is cut at that size and the record's
 * original length says how long it was (pcap's own way of saying "truncated").
 *
 * <p>Pure and stateless: any thread may call it; each call keeps its own TCP sequence state.
 */
public final class Pcap {
  /** The largest TCP payload per segment: an Ethernet MSS, as a real capture would show. */
  public static final int TCP_SEGMENT = 1460;

  private static final int MAGIC = 0xa1b2c3d4; // microsecond timestamps
  private static final int LINKTYPE_ETHERNET = 1;
  private static final int SNAPLEN = 262_144;
  private static final int ETHERNET = 14;
  private static final int IPV4 = 20;
  private static final int IPV6 = 40;
  private static final int UDP = 8;
  private static final int TCP = 20;
  private static final int PROTO_TCP = 6;
  private static final int PROTO_UDP = 17;
  private static final int MAX_IP_PACKET = 65_535;
  // locally administered unicast MACs: the sender and the receiver of a frame
  private static final byte[] MAC_SENDER = {2, 0, 0, 0, 0, 1};
  private static final byte[] MAC_RECEIVER = {2, 0, 0, 0, 0, 2};

  private Pcap() {}

  /** The pcap file for {@code messages}, in the order given. */
  public static byte[] toBytes(List<TracedMessage> messages) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      write(messages, out);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a byte array does not fail
    }
    return out.toByteArray();
  }

  /** Writes the pcap file for {@code messages}, in the order given; does not close {@code out}. */
  public static void write(List<TracedMessage> messages, OutputStream out) throws IOException {
    DataOutputStream data = new DataOutputStream(out);
    // global header, big-endian: readers detect the byte order from the magic
    data.writeInt(MAGIC);
    data.writeShort(2);
    data.writeShort(4);
    data.writeInt(0); // thiszone: timestamps are UTC
    data.writeInt(0); // sigfigs
    data.writeInt(SNAPLEN);
    data.writeInt(LINKTYPE_ETHERNET);
    Map<String, long[]> tcpNext = new HashMap<>();
    for (TracedMessage m : messages) {
      boolean in = m.direction() == TraceTap.Direction.IN;
      InetSocketAddress src = in ? m.remote() : m.local();
      InetSocketAddress dst = in ? m.local() : m.remote();
      if (m.transport().reliable()) {
        writeTcp(data, m, src, dst, tcpNext);
      } else {
        byte[] frame = frame(src, dst, PROTO_UDP, udp(src, dst, m.bytes()));
        record(data, m.epochMicros(), frame, frame.length);
      }
    }
    data.flush();
  }

  private static void writeTcp(
      DataOutputStream data,
      TracedMessage m,
      InetSocketAddress src,
      InetSocketAddress dst,
      Map<String, long[]> next)
      throws IOException {
    // one entry per connection and direction: {next sequence number}
    long[] seq = next.computeIfAbsent(key(src, dst), k -> new long[] {initialSeq(k)});
    long[] ack = next.computeIfAbsent(key(dst, src), k -> new long[] {initialSeq(k)});
    byte[] b = m.bytes();
    int off = 0;
    do {
      int len = Math.min(TCP_SEGMENT, b.length - off);
      byte[] frame = frame(src, dst, PROTO_TCP, tcp(src, dst, seq[0], ack[0], b, off, len));
      record(data, m.epochMicros(), frame, frame.length);
      seq[0] = (seq[0] + len) & 0xffffffffL;
      off += len;
    } while (off < b.length);
  }

  private static String key(InetSocketAddress from, InetSocketAddress to) {
    return from.getAddress().getHostAddress()
        + "/"
        + from.getPort()
        + ">"
        + to.getAddress().getHostAddress()
        + "/"
        + to.getPort();
  }

  private static long initialSeq(String key) {
    return (key.hashCode() & 0xffffffffL) | 1; // deterministic, distinct per direction
  }

  private static void record(DataOutputStream data, long epochMicros, byte[] frame, int original)
      throws IOException {
    int captured = Math.min(frame.length, ETHERNET + MAX_IP_PACKET);
    data.writeInt((int) Math.floorDiv(epochMicros, 1_000_000L));
    data.writeInt((int) Math.floorMod(epochMicros, 1_000_000L));
    data.writeInt(captured);
    data.writeInt(original);
    data.write(frame, 0, captured);
  }

  private static byte[] udp(InetSocketAddress src, InetSocketAddress dst, byte[] payload) {
    byte[] u = new byte[UDP + payload.length];
    put16(u, 0, src.getPort());
    put16(u, 2, dst.getPort());
    put16(u, 4, Math.min(u.length, 0xffff));
    System.arraycopy(payload, 0, u, UDP, payload.length);
    put16(u, 6, transportChecksum(src, dst, PROTO_UDP, u, 0xffff));
    return u;
  }

  private static byte[] tcp(
      InetSocketAddress src,
      InetSocketAddress dst,
      long seq,
      long ack,
      byte[] b,
      int off,
      int len) {
    byte[] t = new byte[TCP + len];
    put16(t, 0, src.getPort());
    put16(t, 2, dst.getPort());
    put32(t, 4, seq);
    put32(t, 8, ack);
    t[12] = (byte) ((TCP / 4) << 4);
    t[13] = 0x18; // PSH, ACK
    put16(t, 14, 65_535); // window
    System.arraycopy(b, off, t, TCP, len);
    put16(t, 16, transportChecksum(src, dst, PROTO_TCP, t, 0));
    return t;
  }

  /** Ethernet + IP around {@code segment} (a UDP datagram or a TCP segment). */
  private static byte[] frame(
      InetSocketAddress src, InetSocketAddress dst, int protocol, byte[] segment) {
    InetAddress s = src.getAddress();
    InetAddress d = dst.getAddress();
    boolean v6 = s instanceof Inet6Address || d instanceof Inet6Address;
    int ip = v6 ? IPV6 : IPV4;
    byte[] f = new byte[ETHERNET + ip + segment.length];
    System.arraycopy(MAC_RECEIVER, 0, f, 0, 6);
    System.arraycopy(MAC_SENDER, 0, f, 6, 6);
    put16(f, 12, v6 ? 0x86dd : 0x0800);
    int o = ETHERNET;
    if (v6) {
      f[o] = 0x60;
      put16(f, o + 4, Math.min(segment.length, 0xffff));
      f[o + 6] = (byte) protocol;
      f[o + 7] = 64; // hop limit
      System.arraycopy(v6Bytes(s), 0, f, o + 8, 16);
      System.arraycopy(v6Bytes(d), 0, f, o + 24, 16);
    } else {
      f[o] = 0x45;
      put16(f, o + 2, Math.min(IPV4 + segment.length, 0xffff));
      f[o + 6] = 0x40; // don't fragment
      f[o + 8] = 64; // TTL
      f[o + 9] = (byte) protocol;
      System.arraycopy(s.getAddress(), 0, f, o + 12, 4);
      System.arraycopy(d.getAddress(), 0, f, o + 16, 4);
      put16(f, o + 10, ~sum(f, o, IPV4, 0) & 0xffff);
    }
    System.arraycopy(segment, 0, f, ETHERNET + ip, segment.length);
    return f;
  }

  /** An IPv4 address as its IPv4-mapped IPv6 form (RFC 4291 §2.5.5.2) when the peer is IPv6. */
  private static byte[] v6Bytes(InetAddress a) {
    if (a instanceof Inet4Address) {
      byte[] b = new byte[16];
      b[10] = (byte) 0xff;
      b[11] = (byte) 0xff;
      System.arraycopy(a.getAddress(), 0, b, 12, 4);
      return b;
    }
    return a.getAddress();
  }

  /** RFC 768 / RFC 793 checksum over the pseudo header (RFC 8200 §8.1 for IPv6) and segment. */
  private static int transportChecksum(
      InetSocketAddress src, InetSocketAddress dst, int protocol, byte[] segment, int zeroAs) {
    boolean v6 =
        src.getAddress() instanceof Inet6Address || dst.getAddress() instanceof Inet6Address;
    byte[] s = v6 ? v6Bytes(src.getAddress()) : src.getAddress().getAddress();
    byte[] d = v6 ? v6Bytes(dst.getAddress()) : dst.getAddress().getAddress();
    long acc = sum(s, 0, s.length, 0);
    acc = sum(d, 0, d.length, acc);
    acc += protocol + (long) segment.length;
    int c = ~sum(segment, 0, segment.length, acc) & 0xffff;
    return c == 0 ? zeroAs : c; // UDP sends a computed 0 as 0xffff (0 means "none")
  }

  /** The ones' complement sum of {@code len} bytes, folded to 16 bits (RFC 1071). */
  private static int sum(byte[] b, int off, int len, long acc) {
    int i = 0;
    for (; i + 1 < len; i += 2) {
      acc += ((b[off + i] & 0xff) << 8) | (b[off + i + 1] & 0xff);
    }
    if (i < len) {
      acc += (b[off + i] & 0xff) << 8;
    }
    while ((acc >>> 16) != 0) {
      acc = (acc & 0xffff) + (acc >>> 16);
    }
    return (int) acc;
  }

  private static void put16(byte[] b, int o, int v) {
    b[o] = (byte) (v >>> 8);
    b[o + 1] = (byte) v;
  }

  private static void put32(byte[] b, int o, long v) {
    b[o] = (byte) (v >>> 24);
    b[o + 1] = (byte) (v >>> 16);
    b[o + 2] = (byte) (v >>> 8);
    b[o + 3] = (byte) v;
  }
}
