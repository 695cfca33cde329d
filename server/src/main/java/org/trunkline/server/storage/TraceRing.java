package org.trunkline.server.storage;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.trunkline.stack.TraceTap;
import org.trunkline.stack.Transport;

/**
 * One producer's captured messages and links, waiting for the trace writer: a preallocated off-heap
 * byte ring with one producer and one consumer, so capturing takes no lock and makes no object
 * (issue 7: the capture must cost at most 10 % of a call's CPU).
 *
 * <p>A record is already a trace segment's record ({@link TraceRecord#MESSAGE_AT}, {@link
 * TraceRecord#LINK_AT}): the writer fills in a message's Call-ID slot and hands runs of the ring to
 * the file as they are, so each message is copied once by the capture and once by the kernel
 * (before, the writer copied it a second time, into its batch buffer). A record starts on an 8-byte
 * boundary and never wraps: one that does not fit before the end of the ring is preceded by a
 * padding record to the end, which the writer skips (it never reaches a segment). Its fixed {@value
 * #HEADER}-byte header:
 *
 * <pre>
 *   0 i32 size - 4 (size = header + payload, 8-aligned, the tail zeroed; padding: -size bytes)
 *   4 u8 kind, 5 u8 direction (0 in), 6 u8 transport (ordinal), 7 u8 local IP length (0, 4, 16),
 *   8 i64 epoch micros, 16 u8 remote IP length, 17 u8 0, 18 u16 local port, 20 u16 remote port,
 *  22 u16 Call-ID length (the writer's), 24 local IP (16, zero-filled), 40 remote IP (16),
 *  56 i32 message length, 60 u16 Call-ID offset in the message (the writer's), 62 u16 0,
 *     or for a link: 56 u16 Call-ID length, 58 u16 trace id length
 *  64 payload: the message bytes, or the link's Call-ID then trace id (UTF-8)
 * </pre>
 *
 * <p>Threads: {@link #message} and {@link #link} by the one producer (callers serialize them when a
 * ring is shared); {@link #drain}, {@link #head}, {@link #published}, {@link #release} by the
 * writer only; the counters by anyone.
 */
final class TraceRing {
  static final int HEADER = 64;
  private static final int ADDRESSES = 8; // the producer's cache of IPs as bytes, direct-mapped

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
    void record(ByteBuffer ring, int at);
  }

  /** The thread that fills this ring, or null when it is shared (callers lock it). */
  final Thread owner;

  private final ByteBuffer buf; // direct, big-endian: written to a segment as it is
  private final ByteBuffer le; // the same bytes, little-endian (the writer's LF scan)
  private final int capacity;
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
    this.buf = ByteBuffer.allocateDirect(bytes);
    this.le = buf.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    this.capacity = bytes;
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
    ByteBuffer b = buf;
    b.put(at + 4, TraceRecord.MESSAGE_AT);
    b.put(at + 5, (byte) (dir == TraceTap.Direction.IN ? 0 : 1));
    b.put(at + 6, (byte) transport.ordinal());
    b.putLong(at + 8, epochMicros);
    // bytes 16-23 and both IP slots zeroed first: no byte of an older record reaches a segment
    b.putLong(at + 16, 0);
    b.putLong(at + 24, 0);
    b.putLong(at + 32, 0);
    b.putLong(at + 40, 0);
    b.putLong(at + 48, 0);
    b.put(at + 7, (byte) address(local, b, at + 24));
    b.putShort(at + 18, (short) (local == null ? 0 : local.getPort()));
    b.put(at + 16, (byte) address(remote, b, at + 40));
    b.putShort(at + 20, (short) (remote == null ? 0 : remote.getPort()));
    b.putLong(at + 56, (long) len << 32);
    zeroTail(at, len);
    b.put(at + HEADER, bytes, off, len);
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
    ByteBuffer b = buf;
    b.putLong(at + 4, 0); // kind, then 3 zero bytes; the micros overwrite the rest
    b.put(at + 4, TraceRecord.LINK_AT);
    b.putLong(at + 8, epochMicros);
    for (int i = 16; i < HEADER; i += 8) {
      b.putLong(at + i, 0);
    }
    b.putShort(at + 56, (short) cl);
    b.putShort(at + 58, (short) dl);
    zeroTail(at, cl + dl);
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

  private static void put(String s, byte[] encoded, ByteBuffer b, int at) {
    if (encoded != null) {
      b.put(at, encoded);
      return;
    }
    for (int i = 0; i < s.length(); i++) {
      b.put(at + i, (byte) s.charAt(i));
    }
  }

  /** Zeroes the last 8 bytes of a record of {@code payload} bytes (the payload overwrites some). */
  private void zeroTail(int at, int payload) {
    int size = (HEADER + payload + 7) & ~7;
    buf.putLong(at + size - 8, 0);
  }

  /** Where a record with {@code payload} bytes goes, after any padding; -1 if full. */
  private int claim(int payload) {
    int size = (HEADER + payload + 7) & ~7;
    long t = tail;
    int at = (int) (t & mask);
    int toEnd = capacity - at;
    int pad = toEnd < size ? toEnd : 0;
    long waiting = records - (long) CONSUMED.getAcquire(this);
    long used = t - (long) HEAD.getAcquire(this);
    if (waiting >= maxRecords || used + pad + size > capacity) {
      return -1;
    }
    // Upward through a quarter of the records or of the bytes: the writer should come now rather
    // than at the end of its nap (it is told by whoever calls kick()).
    int quarter = capacity >> 2;
    crossed = waiting + 1 == quarterRecords || used < quarter && used + pad + size >= quarter;
    if (pad > 0) {
      buf.putInt(at, -pad);
      tail = t + pad;
      at = 0;
    }
    buf.putInt(at, size - 4);
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
  private int address(InetSocketAddress a, ByteBuffer b, int at) {
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
    b.put(at, raw);
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
    long h = head();
    long t = published();
    int n = 0;
    ByteBuffer b = buf;
    try {
      while (h < t) {
        int at = (int) (h & mask);
        int size = size(b, at);
        if (size < 0) {
          h -= size;
          continue;
        }
        h += size; // a record the reader fails on is not handed over again
        n++;
        reader.record(b, at);
      }
    } finally {
      release(h, n);
    }
    return n;
  }

  /** The ring's bytes (writer thread: records between {@link #head} and {@link #published}). */
  ByteBuffer buffer() {
    return buf;
  }

  /** {@link #buffer} in little-endian order. */
  ByteBuffer littleEndian() {
    return le;
  }

  /** Where the writer's next record is, as a count of bytes since the start. */
  long head() {
    return (long) HEAD.getOpaque(this);
  }

  /** Where the producer's published records end. */
  long published() {
    return (long) PUBLISHED.getAcquire(this);
  }

  /** Where in {@link #buffer} the record at {@code position} is. */
  int at(long position) {
    return (int) (position & mask);
  }

  /** Frees the space up to {@code head}, which held {@code records} records. */
  void release(long head, int records) {
    if (records > 0) {
      CONSUMED.setRelease(this, (long) CONSUMED.getOpaque(this) + records);
    }
    HEAD.setRelease(this, head);
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

  /** The record's size in the ring (8-aligned), or minus a padding's size. */
  static int size(ByteBuffer b, int at) {
    int n = b.getInt(at);
    return n < 0 ? n : n + 4;
  }

  static byte kind(ByteBuffer b, int at) {
    return b.get(at + 4);
  }

  static boolean in(ByteBuffer b, int at) {
    return b.get(at + 5) == 0;
  }

  static int transport(ByteBuffer b, int at) {
    return b.get(at + 6);
  }

  static long epochMicros(ByteBuffer b, int at) {
    return b.getLong(at + 8);
  }

  static int localIpLength(ByteBuffer b, int at) {
    return b.get(at + 7);
  }

  static int remoteIpLength(ByteBuffer b, int at) {
    return b.get(at + 16);
  }

  static int localPort(ByteBuffer b, int at) {
    return Short.toUnsignedInt(b.getShort(at + 18));
  }

  static int remotePort(ByteBuffer b, int at) {
    return Short.toUnsignedInt(b.getShort(at + 20));
  }

  static int localIp(int at) {
    return at + 24;
  }

  static int remoteIp(int at) {
    return at + 40;
  }

  static int messageLength(ByteBuffer b, int at) {
    return b.getInt(at + 56);
  }

  /** The writer's: where the message's Call-ID is (offset in the message, length; 0 for none). */
  static void callId(ByteBuffer b, int at, int offset, int length) {
    b.putShort(at + 22, (short) length);
    b.putShort(at + 60, (short) offset);
  }

  static int callIdLength(ByteBuffer b, int at) {
    return Short.toUnsignedInt(b.getShort(at + 22));
  }

  static int callIdOffset(ByteBuffer b, int at) {
    return Short.toUnsignedInt(b.getShort(at + 60));
  }

  static int linkCallIdLength(ByteBuffer b, int at) {
    return Short.toUnsignedInt(b.getShort(at + 56));
  }

  static int linkIdLength(ByteBuffer b, int at) {
    return Short.toUnsignedInt(b.getShort(at + 58));
  }

  static int payload(int at) {
    return at + HEADER;
  }
}
