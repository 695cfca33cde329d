package org.trunkline.server.storage;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteOrder;
import org.trunkline.stack.TraceTap;
import org.trunkline.stack.Transport;

/**
 * One producer's captured messages and links, waiting for the trace writer: a preallocated byte
 * ring with one producer and one consumer, so capturing takes no lock and makes no object (issue 7:
 * the capture must cost at most 10 % of a call's CPU).
 *
 * <p>A record starts on an 8-byte boundary and never wraps: one that does not fit before the end of
 * the array is preceded by a padding record to the end. Its fixed {@value #HEADER}-byte header:
 *
 * <pre>
 *   0 i32 size (header + payload, 8-aligned; negative: padding of -size bytes)
 *   4 u8 kind ({@link TraceRecord#MESSAGE} or {@link TraceRecord#LINK}), 5 u8 direction (0 in),
 *   6 u8 transport (ordinal), 7 u8 local IP length (0, 4, 16), 8 i64 epoch micros,
 *  16 u8 remote IP length, 18 u16 local port, 20 u16 remote port, 24 local IP (16), 40 remote IP (16),
 *  56 i32 message length, or for a link: 56 u16 Call-ID length, 58 u16 trace id length
 *  64 payload: the message bytes, or the link's Call-ID then trace id (UTF-8)
 * </pre>
 *
 * <p>Threads: {@link #message} and {@link #link} by the one producer (callers serialize them when a
 * ring is shared); {@link #drain} by the writer only; the counters by anyone.
 */
final class TraceRing {
  static final int HEADER = 64;
  private static final int ADDRESSES = 8; // the producer's cache of IPs as bytes, direct-mapped

  private static final VarHandle INT =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle SHORT =
      MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle LONG =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle PUBLISHED;
  private static final VarHandle HEAD;
  private static final VarHandle CONSUMED;
  private static final VarHandle CAPTURED;
  private static final VarHandle RECORDS;

  static {
    try {
      MethodHandles.Lookup l = MethodHandles.lookup();
      PUBLISHED = l.findVarHandle(TraceRing.class, "published", long.class);
      HEAD = l.findVarHandle(TraceRing.class, "head", long.class);
      CONSUMED = l.findVarHandle(TraceRing.class, "consumed", long.class);
      CAPTURED = l.findVarHandle(TraceRing.class, "captured", long.class);
      RECORDS = l.findVarHandle(TraceRing.class, "records", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** What the writer is handed per record: the ring's array and where the record is in it. */
  interface Reader {
    void record(byte[] ring, int at);
  }

  /** The thread that fills this ring, or null when it is shared (callers lock it). */
  final Thread owner;

  private final byte[] buf;
  private final int mask;
  private final int maxRecords;

  // the producer's own (written only by it; read by others through the VarHandles)
  private long tail;
  private long records;
  private long captured;
  private boolean crossed; // the last record published filled the ring past a quarter
  private final int quarterRecords;
  private final InetAddress[] addressKeys = new InetAddress[ADDRESSES];
  private final byte[][] addressBytes = new byte[ADDRESSES][];

  // published by the producer (release), read by the writer (acquire)
  @SuppressWarnings("unused")
  private long published;

  // the writer's own (released for the producer's space check)
  @SuppressWarnings("unused")
  private long head;

  @SuppressWarnings("unused")
  private long consumed;

  /**
   * @param bytes the ring's size, a power of two
   * @param maxRecords the most records that may wait at once
   */
  TraceRing(Thread owner, int bytes, int maxRecords) {
    if (Integer.bitCount(bytes) != 1 || bytes < 2 * HEADER) {
      throw new IllegalArgumentException("ring of " + bytes + " bytes: not a power of two >= 128");
    }
    this.owner = owner;
    this.buf = new byte[bytes];
    this.mask = bytes - 1;
    this.maxRecords = maxRecords;
    this.quarterRecords = Math.max(1, maxRecords / 4);
  }

  /** The ring's bytes for {@code queue} messages: 256 each, a power of two in 64 KiB..1 GiB. */
  static int bytesFor(int queue) {
    long want = Math.clamp((long) queue * 256, 64 * 1024, 1L << 30);
    return (int) Long.highestOneBit(want - 1) << 1;
  }

  /**
   * Copies one message in, unless the ring is full (of bytes or of records).
   *
   * @return false when dropped
   */
  boolean message(
      TraceTap.Direction dir,
      Transport transport,
      InetSocketAddress local,
      InetSocketAddress remote,
      byte[] bytes,
      int off,
      int len,
      long epochMicros) {
    CAPTURED.setOpaque(this, captured + 1);
    int at = claim(len);
    if (at < 0) {
      return false;
    }
    byte[] b = buf;
    b[at + 4] = TraceRecord.MESSAGE;
    b[at + 5] = (byte) (dir == TraceTap.Direction.IN ? 0 : 1);
    b[at + 6] = (byte) transport.ordinal();
    LONG.set(b, at + 8, epochMicros);
    b[at + 7] = (byte) address(local, b, at + 24);
    SHORT.set(b, at + 18, (short) (local == null ? 0 : local.getPort()));
    b[at + 16] = (byte) address(remote, b, at + 40);
    SHORT.set(b, at + 20, (short) (remote == null ? 0 : remote.getPort()));
    INT.set(b, at + 56, len);
    System.arraycopy(bytes, off, b, at + HEADER, len);
    publish(at, len);
    return true;
  }

  /**
   * Copies one link in (ASCII is copied char by char; anything else is encoded once), unless the
   * ring is full.
   *
   * @return false when dropped
   */
  boolean link(String callId, String id, long epochMicros) {
    byte[] c =
        ascii(callId, TraceRecord.MAX_CALL_ID)
            ? null
            : TraceRecord.utf8(callId, TraceRecord.MAX_CALL_ID);
    byte[] d = ascii(id, TraceRecord.MAX_ID) ? null : TraceRecord.utf8(id, TraceRecord.MAX_ID);
    int cl = c == null ? callId.length() : c.length;
    int dl = d == null ? id.length() : d.length;
    int at = claim(cl + dl);
    if (at < 0) {
      return false;
    }
    byte[] b = buf;
    b[at + 4] = TraceRecord.LINK;
    LONG.set(b, at + 8, epochMicros);
    SHORT.set(b, at + 56, (short) cl);
    SHORT.set(b, at + 58, (short) dl);
    put(callId, c, b, at + HEADER);
    put(id, d, b, at + HEADER + cl);
    publish(at, cl + dl);
    return true;
  }

  private static boolean ascii(String s, int max) {
    if (s.length() > max) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) >= 0x80) {
        return false;
      }
    }
    return true;
  }

  private static void put(String s, byte[] encoded, byte[] b, int at) {
    if (encoded != null) {
      System.arraycopy(encoded, 0, b, at, encoded.length);
      return;
    }
    for (int i = 0; i < s.length(); i++) {
      b[at + i] = (byte) s.charAt(i);
    }
  }

  /** Where a record with {@code payload} bytes goes, after any padding; -1 if full. */
  private int claim(int payload) {
    int size = (HEADER + payload + 7) & ~7;
    long t = tail;
    int at = (int) (t & mask);
    int toEnd = buf.length - at;
    int pad = toEnd < size ? toEnd : 0;
    long waiting = records - (long) CONSUMED.getAcquire(this);
    long used = t - (long) HEAD.getAcquire(this);
    if (waiting >= maxRecords || used + pad + size > buf.length) {
      return -1;
    }
    // Upward through a quarter of the records or of the bytes: the writer should come now rather
    // than at the end of its nap (it is told by whoever calls kick()).
    int quarter = buf.length >> 2;
    crossed = waiting + 1 == quarterRecords || used < quarter && used + pad + size >= quarter;
    if (pad > 0) {
      INT.set(buf, at, -pad);
      tail = t + pad;
      at = 0;
    }
    INT.set(buf, at, size);
    return at;
  }

  private void publish(int at, int payload) {
    tail += (HEADER + payload + 7) & ~7;
    RECORDS.setOpaque(this, records + 1);
    PUBLISHED.setRelease(this, tail);
  }

  /**
   * Whether the record just kept filled this ring past a quarter (of its records or its bytes), so
   * that the writer should drain it without finishing its nap. Producer only, right after {@link
   * #message} or {@link #link} returned true.
   */
  boolean kick() {
    return crossed;
  }

  /** Writes {@code a}'s IP into 16 bytes at {@code at}; returns its length (0 for none). */
  private int address(InetSocketAddress a, byte[] b, int at) {
    InetAddress ip = a == null ? null : a.getAddress();
    if (ip == null) {
      return 0;
    }
    // Inet4Address's hash is its address: a cache hit costs an int compare and no array.
    int slot = ip.hashCode() & (ADDRESSES - 1);
    byte[] raw = addressBytes[slot];
    if (raw == null || !ip.equals(addressKeys[slot])) {
      raw = ip.getAddress();
      addressKeys[slot] = ip;
      addressBytes[slot] = raw;
    }
    System.arraycopy(raw, 0, b, at, raw.length);
    return raw.length;
  }

  // ---- the writer's side ----

  /**
   * Hands every record published so far to {@code reader}, in order, then frees their space. Writer
   * thread only.
   *
   * @return records handed over
   */
  int drain(Reader reader) {
    long h = (long) HEAD.getOpaque(this);
    long t = (long) PUBLISHED.getAcquire(this);
    int n = 0;
    byte[] b = buf;
    try {
      while (h < t) {
        int at = (int) (h & mask);
        int size = (int) INT.get(b, at);
        if (size < 0) {
          h -= size;
          continue;
        }
        h += size; // a record the reader fails on is not handed over again
        n++;
        reader.record(b, at);
      }
    } finally {
      if (n > 0) {
        CONSUMED.setRelease(this, (long) CONSUMED.getOpaque(this) + n);
      }
      HEAD.setRelease(this, h);
    }
    return n;
  }

  /** Whether everything published has been drained. */
  boolean empty() {
    return (long) HEAD.getOpaque(this) == (long) PUBLISHED.getAcquire(this);
  }

  /** Messages offered (kept or dropped). */
  long captured() {
    return (long) CAPTURED.getOpaque(this);
  }

  /** Records that wait for the writer. */
  long queued() {
    return Math.max(0, (long) RECORDS.getOpaque(this) - (long) CONSUMED.getOpaque(this));
  }

  // ---- reading a record (writer thread) ----

  static int size(byte[] b, int at) {
    return (int) INT.get(b, at);
  }

  static byte kind(byte[] b, int at) {
    return b[at + 4];
  }

  static boolean in(byte[] b, int at) {
    return b[at + 5] == 0;
  }

  static int transport(byte[] b, int at) {
    return b[at + 6];
  }

  static long epochMicros(byte[] b, int at) {
    return (long) LONG.get(b, at + 8);
  }

  static int localIpLength(byte[] b, int at) {
    return b[at + 7];
  }

  static int remoteIpLength(byte[] b, int at) {
    return b[at + 16];
  }

  static int localPort(byte[] b, int at) {
    return Short.toUnsignedInt((short) SHORT.get(b, at + 18));
  }

  static int remotePort(byte[] b, int at) {
    return Short.toUnsignedInt((short) SHORT.get(b, at + 20));
  }

  static int localIp(int at) {
    return at + 24;
  }

  static int remoteIp(int at) {
    return at + 40;
  }

  static int messageLength(byte[] b, int at) {
    return (int) INT.get(b, at + 56);
  }

  static int linkCallIdLength(byte[] b, int at) {
    return Short.toUnsignedInt((short) SHORT.get(b, at + 56));
  }

  static int linkIdLength(byte[] b, int at) {
    return Short.toUnsignedInt((short) SHORT.get(b, at + 58));
  }

  static int payload(int at) {
    return at + HEADER;
  }
}
