package org.trunkline.server.storage;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.trunkline.core.trace.TracedMessage;
import org.trunkline.stack.TraceTap;
import org.trunkline.stack.Transport;

/**
 * The records of a trace segment file, and the cheap Call-ID scan. A record is {@code u32 length}
 * (of what follows) then {@code u8 kind}:
 *
 * <ul>
 *   <li>{@link #MESSAGE}: {@code i64 epochMicros, u8 direction (0 in, 1 out), u8 transport
 *       (ordinal), local address, remote address, u16 + Call-ID (UTF-8), u32 + the message bytes};
 *       an address is {@code u8 length (0, 4 or 16) + IP, u16 port}.
 *   <li>{@link #LINK}: {@code i64 epochMicros, u16 + Call-ID, u16 + trace id}.
 * </ul>
 *
 * Big-endian (ByteBuffer's default). Stateless.
 */
final class TraceRecord {
  static final byte MESSAGE = 1;
  static final byte LINK = 2;
  static final int MAX_CALL_ID = 256;
  static final int MAX_ID = 256;

  private TraceRecord() {}

  /** The most bytes a message record of {@code len} message bytes takes. */
  static int maxMessageSize(int len) {
    return 4 + 1 + 8 + 2 + 2 * (1 + 16 + 2) + 2 + MAX_CALL_ID * 4 + 4 + len;
  }

  static void putMessage(
      ByteBuffer b,
      TraceTap.Direction dir,
      Transport transport,
      InetSocketAddress local,
      InetSocketAddress remote,
      byte[] callId,
      byte[] buf,
      int off,
      int len,
      long epochMicros) {
    int start = b.position();
    b.putInt(0);
    b.put(MESSAGE);
    b.putLong(epochMicros);
    b.put((byte) (dir == TraceTap.Direction.IN ? 0 : 1));
    b.put((byte) transport.ordinal());
    putAddress(b, local);
    putAddress(b, remote);
    b.putShort((short) callId.length);
    b.put(callId);
    b.putInt(len);
    b.put(buf, off, len);
    b.putInt(start, b.position() - start - 4);
  }

  static void putLink(ByteBuffer b, byte[] callId, byte[] id, long epochMicros) {
    int start = b.position();
    b.putInt(0);
    b.put(LINK);
    b.putLong(epochMicros);
    b.putShort((short) callId.length);
    b.put(callId);
    b.putShort((short) id.length);
    b.put(id);
    b.putInt(start, b.position() - start - 4);
  }

  private static void putAddress(ByteBuffer b, InetSocketAddress a) {
    byte[] ip = a == null || a.getAddress() == null ? new byte[0] : a.getAddress().getAddress();
    b.put((byte) ip.length);
    b.put(ip);
    b.putShort((short) (a == null ? 0 : a.getPort()));
  }

  /** A record's body (after its length), positioned at its kind. */
  static TracedMessage message(ByteBuffer b, String correlationId) {
    b.get(); // kind
    long at = b.getLong();
    TraceTap.Direction dir = b.get() == 0 ? TraceTap.Direction.IN : TraceTap.Direction.OUT;
    Transport transport = Transport.values()[b.get()];
    InetSocketAddress local = address(b);
    InetSocketAddress remote = address(b);
    int callIdLength = Short.toUnsignedInt(b.getShort());
    b.position(b.position() + callIdLength);
    byte[] bytes = new byte[b.getInt()];
    b.get(bytes);
    return new TracedMessage(at, dir, transport, local, remote, bytes, correlationId);
  }

  private static InetSocketAddress address(ByteBuffer b) {
    byte[] ip = new byte[b.get()];
    b.get(ip);
    int port = Short.toUnsignedInt(b.getShort());
    if (ip.length == 0) {
      return null;
    }
    try {
      return new InetSocketAddress(InetAddress.getByAddress(ip), port);
    } catch (UnknownHostException e) {
      throw new IllegalStateException("IP of " + ip.length + " bytes", e);
    }
  }

  /** What the index keeps of a record. */
  record Meta(byte kind, long epochMicros, boolean in, String remoteIp, String callId, String id) {}

  /** The index's view of a record body positioned at its kind; the position is left undefined. */
  static Meta meta(ByteBuffer b) {
    byte kind = b.get();
    long at = b.getLong();
    if (kind == LINK) {
      String callId = string(b, Short.toUnsignedInt(b.getShort()));
      String id = string(b, Short.toUnsignedInt(b.getShort()));
      return new Meta(kind, at, false, "", callId, id);
    }
    boolean in = b.get() == 0;
    b.get();
    skipAddress(b);
    String remoteIp = "";
    int ipLen = b.get();
    if (ipLen > 0) {
      byte[] ip = new byte[ipLen];
      b.get(ip);
      try {
        remoteIp = InetAddress.getByAddress(ip).getHostAddress();
      } catch (UnknownHostException e) {
        remoteIp = "";
      }
    }
    b.getShort();
    String callId = string(b, Short.toUnsignedInt(b.getShort()));
    return new Meta(kind, at, in, remoteIp, callId, null);
  }

  private static void skipAddress(ByteBuffer b) {
    int n = b.get();
    b.position(b.position() + n + 2);
  }

  private static String string(ByteBuffer b, int len) {
    byte[] s = new byte[len];
    b.get(s);
    return new String(s, StandardCharsets.UTF_8);
  }

  /** {@code s} as UTF-8, cut to at most {@code max} bytes (on a character boundary). */
  static byte[] utf8(String s, int max) {
    String t = s.length() > max ? s.substring(0, max) : s;
    byte[] b = t.getBytes(StandardCharsets.UTF_8);
    while (b.length > max) {
      t = t.substring(0, t.length() - 1);
      b = t.getBytes(StandardCharsets.UTF_8);
    }
    return b;
  }

  /**
   * The Call-ID of a raw SIP message, found without parsing it: the value of the first {@code
   * Call-ID:} or compact {@code i:} header line (RFC 3261 §7.3.3, §20.8) before the blank line, as
   * bytes ({@code off}, {@code len} into {@code b}); {@code null} when there is none.
   */
  static int[] callId(byte[] b, int off, int len) {
    long c = callIdAt(b, off, len);
    return c < 0 ? null : new int[] {start(c), length(c)};
  }

  /** As {@link #callId}, without an object: {@code start << 32 | length}, or -1 when none. */
  static long callIdAt(byte[] b, int off, int len) {
    int end = off + len;
    int line = lf(b, off, end) + 1; // after the start line
    while (line < end) {
      if (b[line] == '\r' || b[line] == '\n') {
        return -1; // the blank line: the headers are over
      }
      int p = -1;
      if (matches(b, line, end, "call-id")) {
        p = line + 7;
      } else if ((b[line] | 0x20) == 'i') {
        p = line + 1;
      }
      if (p >= 0) {
        while (p < end && (b[p] == ' ' || b[p] == '\t')) {
          p++;
        }
        if (p < end && b[p] == ':') {
          p++;
          while (p < end && (b[p] == ' ' || b[p] == '\t')) {
            p++;
          }
          int v = p;
          while (p < end && b[p] != '\r' && b[p] != '\n') {
            p++;
          }
          int e = p;
          while (e > v && (b[e - 1] == ' ' || b[e - 1] == '\t')) {
            e--;
          }
          return (long) v << 32 | Math.min(e - v, MAX_CALL_ID);
        }
      }
      line = lf(b, line, end) + 1;
    }
    return -1;
  }

  private static final VarHandle LONG_LE =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long LFS = 0x0A0A0A0A0A0A0A0AL;
  private static final long ONES = 0x0101010101010101L;
  private static final long HIGHS = 0x8080808080808080L;

  /**
   * Where the first LF of {@code b[from, end)} is, or {@code end}: eight bytes a step (the trace
   * writer scans every message's header lines up to its Call-ID).
   */
  static int lf(byte[] b, int from, int end) {
    int i = from;
    for (; i + 8 <= end; i += 8) {
      long w = (long) LONG_LE.get(b, i) ^ LFS; // a zero byte where an LF was
      // the lowest high bit set marks the first zero byte (borrows only mark bytes above it)
      long z = (w - ONES) & ~w & HIGHS;
      if (z != 0) {
        return i + (Long.numberOfTrailingZeros(z) >>> 3);
      }
    }
    for (; i < end; i++) {
      if (b[i] == '\n') {
        return i;
      }
    }
    return end;
  }

  static int start(long callIdAt) {
    return (int) (callIdAt >>> 32);
  }

  static int length(long callIdAt) {
    return (int) callIdAt;
  }

  /** The Call-ID as text, "" when there is none. */
  static String callIdText(byte[] b, int off, int len) {
    int[] c = callId(b, off, len);
    return c == null ? "" : new String(b, c[0], c[1], StandardCharsets.UTF_8);
  }

  private static boolean matches(byte[] b, int at, int end, String lowerName) {
    if (at + lowerName.length() > end) {
      return false;
    }
    for (int i = 0; i < lowerName.length(); i++) {
      if ((b[at + i] | 0x20) != lowerName.charAt(i)) {
        return false;
      }
    }
    return true;
  }
}
