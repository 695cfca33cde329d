package org.trunkline.core.trace;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.trunkline.stack.TraceTap;

/**
 * Encodes a traced message as one HEPv3 packet (the Homer Encapsulation Protocol, also called EEP,
 * as Homer's collectors read it): the header {@code HEP3} and the total length, then chunks of
 * vendor 0 (generic) with their type and length: IP family (1), IP protocol (2), IPv4 (3, 4) or
 * IPv6 (5, 6) source and destination, source and destination port (7, 8), time in seconds and
 * microseconds (9, 10), protocol type 1 = SIP (11), capture agent id (12), the authentication key
 * when one is set (14), the SIP message itself (15) and the correlation id (17) when known, so that
 * Homer shows every leg of a call together. All numbers are big-endian.
 *
 * <p>Source and destination are the wire's: for a message we received, the peer then us. TLS is
 * sent as TCP (protocol 6), with the plaintext message as payload. Pure: any thread may call it.
 */
public final class Hep3 {
  /** The largest packet: the total length is a 16-bit field. */
  public static final int MAX_PACKET = 65_535;

  private static final int HEADER = 6;
  private static final int CHUNK = 6;
  private static final int FAMILY_IPV4 = 2;
  private static final int FAMILY_IPV6 = 10;
  private static final int PROTO_TCP = 6;
  private static final int PROTO_UDP = 17;
  private static final int PROTOCOL_TYPE_SIP = 1;

  private Hep3() {}

  /**
   * The HEPv3 packet for {@code m}.
   *
   * @param captureId the capture agent (node) id Homer shows, 0..2^32-1
   * @param authKey the collector's password, or empty for none
   * @throws IllegalArgumentException if the packet would be longer than {@link #MAX_PACKET}
   */
  public static byte[] encode(TracedMessage m, long captureId, String authKey) {
    boolean in = m.direction() == TraceTap.Direction.IN;
    InetSocketAddress src = in ? m.remote() : m.local();
    InetSocketAddress dst = in ? m.local() : m.remote();
    byte[] s = addressBytes(src.getAddress(), dst.getAddress());
    byte[] d = addressBytes(dst.getAddress(), src.getAddress());
    boolean v6 = s.length == 16;
    byte[] key = authKey.getBytes(StandardCharsets.UTF_8);
    byte[] correlation = m.correlationId().getBytes(StandardCharsets.UTF_8);
    int length =
        HEADER
            + 2 * (CHUNK + 1) // family, protocol
            + 2 * (CHUNK + s.length)
            + 2 * (CHUNK + 2) // ports
            + 2 * (CHUNK + 4) // seconds, microseconds
            + (CHUNK + 1) // protocol type
            + (CHUNK + 4) // capture id
            + (key.length > 0 ? CHUNK + key.length : 0)
            + (CHUNK + m.bytes().length)
            + (correlation.length > 0 ? CHUNK + correlation.length : 0);
    if (length > MAX_PACKET) {
      throw new IllegalArgumentException(
          "a HEP packet of "
              + length
              + " bytes does not fit in "
              + MAX_PACKET
              + " (SIP message of "
              + m.bytes().length
              + " bytes)");
    }
    ByteBuffer b = ByteBuffer.allocate(length);
    b.put((byte) 'H').put((byte) 'E').put((byte) 'P').put((byte) '3');
    b.putShort((short) length);
    chunk(b, 1, 1).put((byte) (v6 ? FAMILY_IPV6 : FAMILY_IPV4));
    chunk(b, 2, 1).put((byte) (m.transport().reliable() ? PROTO_TCP : PROTO_UDP));
    chunk(b, v6 ? 5 : 3, s.length).put(s);
    chunk(b, v6 ? 6 : 4, d.length).put(d);
    chunk(b, 7, 2).putShort((short) src.getPort());
    chunk(b, 8, 2).putShort((short) dst.getPort());
    chunk(b, 9, 4).putInt((int) Math.floorDiv(m.epochMicros(), 1_000_000L));
    chunk(b, 10, 4).putInt((int) Math.floorMod(m.epochMicros(), 1_000_000L));
    chunk(b, 11, 1).put((byte) PROTOCOL_TYPE_SIP);
    chunk(b, 12, 4).putInt((int) captureId);
    if (key.length > 0) {
      chunk(b, 14, key.length).put(key);
    }
    chunk(b, 15, m.bytes().length).put(m.bytes());
    if (correlation.length > 0) {
      chunk(b, 17, correlation.length).put(correlation);
    }
    return b.array();
  }

  private static ByteBuffer chunk(ByteBuffer b, int type, int payload) {
    return b.putShort((short) 0).putShort((short) type).putShort((short) (CHUNK + payload));
  }

  /** The address as 4 bytes, or 16 when either side is IPv6 (IPv4 then mapped, RFC 4291). */
  private static byte[] addressBytes(InetAddress a, InetAddress other) {
    if (!(a instanceof Inet6Address) && !(other instanceof Inet6Address)) {
      return a.getAddress();
    }
    if (a instanceof Inet6Address) {
      return a.getAddress();
    }
    byte[] mapped = new byte[16];
    mapped[10] = (byte) 0xff;
    mapped[11] = (byte) 0xff;
    System.arraycopy(a.getAddress(), 0, mapped, 12, 4);
    return mapped;
  }
}
