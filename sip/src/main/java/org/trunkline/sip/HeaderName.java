package org.trunkline.sip;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A SIP header name: an open value type. Known names are cached constants with their compact form
 * (RFC 3261 §7.3.3) and whether commas separate values in them (§7.3.1); any other name is still
 * representable through {@link #of(String)}. Compare with {@code equals}; lookups are
 * case-insensitive. Immutable and thread-safe.
 */
public final class HeaderName {
  private static final int TABLE_BITS = 9;
  private static final int TABLE_SIZE = 1 << TABLE_BITS;
  private static final HeaderName[] TABLE = new HeaderName[TABLE_SIZE];
  private static final byte[][] TABLE_KEYS = new byte[TABLE_SIZE][];
  // For lookupWords, in one flat array so that a probe touches one cache line: per slot the key as
  // three little-endian longs of 8 bytes (zero-padded) and its length | id << 8 (0: an empty slot).
  private static final int FLAT_STRIDE = 4;
  private static final int MAX_FLAT_KEY = 3 * Long.BYTES;
  private static final long[] FLAT = new long[TABLE_SIZE * FLAT_STRIDE];
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long CASE_BITS = 0x2020202020202020L;
  // Known names by id (id 0: none), so that the header index can keep a name as an int.
  private static final HeaderName[] BY_ID = new HeaderName[128];
  private static int knownCount;

  // Routing headers, indexed eagerly by the scanner.
  public static final HeaderName VIA = known("Via", 'v', true);
  public static final HeaderName FROM = known("From", 'f', false);
  public static final HeaderName TO = known("To", 't', false);
  public static final HeaderName CALL_ID = known("Call-ID", 'i', false);
  public static final HeaderName CSEQ = known("CSeq", '\0', false);
  public static final HeaderName MAX_FORWARDS = known("Max-Forwards", '\0', false);
  public static final HeaderName ROUTE = known("Route", '\0', true);
  public static final HeaderName CONTENT_LENGTH = known("Content-Length", 'l', false);
  // Everything else: parsed on demand.
  public static final HeaderName RECORD_ROUTE = known("Record-Route", '\0', true);
  public static final HeaderName CONTACT = known("Contact", 'm', true);
  public static final HeaderName CONTENT_TYPE = known("Content-Type", 'c', false);
  public static final HeaderName CONTENT_ENCODING = known("Content-Encoding", 'e', true);
  public static final HeaderName CONTENT_DISPOSITION = known("Content-Disposition", '\0', false);
  public static final HeaderName CONTENT_LANGUAGE = known("Content-Language", '\0', true);
  public static final HeaderName SUBJECT = known("Subject", 's', false);
  public static final HeaderName SUPPORTED = known("Supported", 'k', true);
  public static final HeaderName REQUIRE = known("Require", '\0', true);
  public static final HeaderName PROXY_REQUIRE = known("Proxy-Require", '\0', true);
  public static final HeaderName UNSUPPORTED = known("Unsupported", '\0', true);
  public static final HeaderName ALLOW = known("Allow", '\0', true);
  public static final HeaderName ACCEPT = known("Accept", '\0', true);
  public static final HeaderName ACCEPT_ENCODING = known("Accept-Encoding", '\0', true);
  public static final HeaderName ACCEPT_LANGUAGE = known("Accept-Language", '\0', true);
  public static final HeaderName EXPIRES = known("Expires", '\0', false);
  public static final HeaderName MIN_EXPIRES = known("Min-Expires", '\0', false);
  public static final HeaderName DATE = known("Date", '\0', false);
  public static final HeaderName TIMESTAMP = known("Timestamp", '\0', false);
  public static final HeaderName USER_AGENT = known("User-Agent", '\0', false);
  public static final HeaderName SERVER = known("Server", '\0', false);
  public static final HeaderName AUTHORIZATION = known("Authorization", '\0', false);
  public static final HeaderName PROXY_AUTHORIZATION = known("Proxy-Authorization", '\0', false);
  public static final HeaderName WWW_AUTHENTICATE = known("WWW-Authenticate", '\0', false);
  public static final HeaderName PROXY_AUTHENTICATE = known("Proxy-Authenticate", '\0', false);
  public static final HeaderName RETRY_AFTER = known("Retry-After", '\0', false);
  public static final HeaderName WARNING = known("Warning", '\0', true);
  public static final HeaderName EVENT = known("Event", 'o', false);
  public static final HeaderName ALLOW_EVENTS = known("Allow-Events", 'u', true);
  public static final HeaderName REFER_TO = known("Refer-To", 'r', false);
  public static final HeaderName REFERRED_BY = known("Referred-By", 'b', false);
  public static final HeaderName SESSION_EXPIRES = known("Session-Expires", 'x', false);
  public static final HeaderName MIN_SE = known("Min-SE", '\0', false);
  public static final HeaderName RSEQ = known("RSeq", '\0', false);
  public static final HeaderName RACK = known("RAck", '\0', false);
  public static final HeaderName P_ASSERTED_IDENTITY = known("P-Asserted-Identity", '\0', true);
  public static final HeaderName P_PREFERRED_IDENTITY = known("P-Preferred-Identity", '\0', true);
  public static final HeaderName PRIVACY = known("Privacy", '\0', true);
  public static final HeaderName DIVERSION = known("Diversion", '\0', true);
  public static final HeaderName REASON = known("Reason", '\0', true);
  public static final HeaderName MIME_VERSION = known("MIME-Version", '\0', false);
  public static final HeaderName ORGANIZATION = known("Organization", '\0', false);
  public static final HeaderName PRIORITY = known("Priority", '\0', false);
  public static final HeaderName IN_REPLY_TO = known("In-Reply-To", '\0', true);
  public static final HeaderName ALERT_INFO = known("Alert-Info", '\0', true);
  public static final HeaderName CALL_INFO = known("Call-Info", '\0', true);
  public static final HeaderName ERROR_INFO = known("Error-Info", '\0', true);
  public static final HeaderName REPLY_TO = known("Reply-To", '\0', false);
  public static final HeaderName ACCEPT_CONTACT = known("Accept-Contact", 'a', true);
  public static final HeaderName REJECT_CONTACT = known("Reject-Contact", 'j', true);
  public static final HeaderName REQUEST_DISPOSITION = known("Request-Disposition", 'd', true);
  public static final HeaderName IDENTITY = known("Identity", 'y', false);
  public static final HeaderName PATH = known("Path", '\0', true);
  public static final HeaderName SERVICE_ROUTE = known("Service-Route", '\0', true);
  public static final HeaderName AUTHENTICATION_INFO = known("Authentication-Info", '\0', false);

  // HeaderName.routing by id, so that the scan needs no load from the HeaderName object
  private static final byte[] ROUTING = new byte[BY_ID.length];

  static {
    route(VIA, RoutingIndex.VIA);
    route(FROM, RoutingIndex.FROM);
    route(TO, RoutingIndex.TO);
    route(CALL_ID, RoutingIndex.CALL_ID);
    route(CSEQ, RoutingIndex.CSEQ);
    route(MAX_FORWARDS, RoutingIndex.MAX_FORWARDS);
    route(CONTENT_LENGTH, RoutingIndex.CONTENT_LENGTH);
    route(CONTENT_TYPE, RoutingIndex.CONTENT_TYPE);
    route(ROUTE, RoutingIndex.ROUTE);
  }

  private static void route(HeaderName h, byte routing) {
    h.routing = routing;
    ROUTING[h.id] = routing;
  }

  /** {@link #routing} of the known name with {@link #id} {@code id} (0 for id 0). */
  static int routing(int id) {
    return ROUTING[id];
  }

  private final String name;
  private final char compact;

  /** Which routing header this is for the scan's dispatch (RoutingIndex constants), 0 if none. */
  byte routing;

  private final boolean commaSeparated;
  private final boolean known;

  /** A known name's index in {@code BY_ID} (from 1); 0 for an unknown name. */
  final int id;

  private HeaderName(String name, char compact, boolean commaSeparated, boolean known, int id) {
    this.name = name;
    this.compact = compact;
    this.commaSeparated = commaSeparated;
    this.known = known;
    this.id = id;
  }

  private static HeaderName known(String name, char compact, boolean commaSeparated) {
    int id = ++knownCount;
    if (id == BY_ID.length) {
      throw new IllegalStateException("more known header names than BY_ID holds: " + name);
    }
    HeaderName h = new HeaderName(name, compact, commaSeparated, true, id);
    BY_ID[id] = h;
    put(name.getBytes(StandardCharsets.US_ASCII), h);
    if (compact != '\0') {
      put(new byte[] {(byte) compact}, h);
    }
    return h;
  }

  private static void put(byte[] key, HeaderName h) {
    int slot = hash(key, 0, key.length);
    while (TABLE[slot] != null) {
      slot = (slot + 1) & (TABLE_SIZE - 1);
    }
    TABLE[slot] = h;
    byte[] lower = new byte[key.length];
    for (int i = 0; i < key.length; i++) {
      lower[i] = Chars.lower(key[i]);
      // lookupWords is exact only for keys of these bytes
      if (!(lower[i] >= 'a' && lower[i] <= 'z') && lower[i] != '-') {
        throw new IllegalStateException("header name byte not a letter or '-': " + h.name);
      }
    }
    TABLE_KEYS[slot] = lower;
    if (lower.length > MAX_FLAT_KEY) {
      throw new IllegalStateException("header name longer than the flat table holds: " + h.name);
    }
    for (int i = lower.length - 1; i >= 0; i--) {
      FLAT[slot * FLAT_STRIDE + i / Long.BYTES] |= (lower[i] & 0xffL) << ((i % Long.BYTES) * 8);
    }
    FLAT[slot * FLAT_STRIDE + 3] = lower.length | (long) h.id << 8;
  }

  /**
   * The length and the first 8 bytes, case folded with {@code | 0x20} (the word the scanner loads
   * anyway to compare). Names that share their first 8 bytes ({@code Content-...}) differ in length
   * or take one more probe.
   */
  private static int hash(byte[] b, int off, int len) {
    long w = 0;
    for (int i = Math.min(len, Long.BYTES) - 1; i >= 0; i--) {
      w = w << 8 | ((b[off + i] | 0x20) & 0xff);
    }
    return hash(w, len);
  }

  /** {@code word0}: the first bytes, {@code | 0x20}, zero beyond {@code len} (see {@link #put}). */
  private static int hash(long word0, int len) {
    // Fibonacci hashing: the top bits of the product index the table.
    return (int) (((word0 ^ len) * 0x9E3779B97F4A7C15L) >>> (Long.SIZE - TABLE_BITS));
  }

  /**
   * The known header whose full or compact name equals {@code len} bytes at {@code off},
   * case-insensitively; {@code null} if the name is not a known one.
   */
  static HeaderName lookup(byte[] b, int off, int len) {
    int slot = hash(b, off, len);
    HeaderName h;
    while ((h = TABLE[slot]) != null) {
      byte[] k = TABLE_KEYS[slot];
      if (k.length == len && equalsIgnoreCase(k, b, off)) {
        return h;
      }
      slot = (slot + 1) & (TABLE_SIZE - 1);
    }
    return null;
  }

  /**
   * {@link #lookup} comparing 8 bytes at a time; exact for any bytes, not only token characters.
   * Each byte is folded with {@code | 0x20} only if it has bit {@code 0x40} ({@link #word}). Key
   * bytes are lower-case letters and {@code -} ({@link #put} checks): a folded byte equals a letter
   * only if it was that letter in either case, and equals {@code -} only if it was {@code -} (CR,
   * {@code 0x0d}, lacks bit {@code 0x40} and stays CR). So a hit means the bytes are the name.
   */
  static HeaderName lookupWords(byte[] b, int off, int len) {
    return BY_ID[lookupId(b, off, len)];
  }

  /**
   * {@link #lookupWords} as the known name's {@link #id}, 0 if none: the id is kept in the flat
   * table beside the key's length, so a hit loads nothing from the HeaderName object.
   */
  static int lookupId(byte[] b, int off, int len) {
    // every word read must lie inside the array; a name at its very end takes the byte path
    if (len == 0 || off + ((len + Long.BYTES - 1) & -Long.BYTES) > b.length) {
      HeaderName h = lookup(b, off, len);
      return h == null ? 0 : h.id;
    }
    if (len > MAX_FLAT_KEY) {
      return 0; // no known name is this long (put checks)
    }
    long word0 = word(b, off, len);
    int slot = hash(word0, len);
    long meta;
    while ((meta = FLAT[slot * FLAT_STRIDE + 3]) != 0) {
      int k = slot * FLAT_STRIDE;
      if (FLAT[k] == word0 && (meta & 0xff) == len && restEqual(k, b, off, len)) {
        return (int) (meta >>> 8);
      }
      slot = (slot + 1) & (TABLE_SIZE - 1);
    }
    return 0;
  }

  /**
   * {@link #lookupId(byte[], int, int)} for a name of {@code len} bytes, {@code 0 < len < 24},
   * whose first 24 bytes the caller has already loaded as three little-endian words (the scanner
   * loads them to find the colon): the same probe, without loading the name again or a loop over
   * its words. The words may hold bytes beyond the name; they are masked off here.
   */
  static int lookupId(long w0, long w1, long w2, int len) {
    return lookupIdMasked(
        w0 & mask(len), w1 & mask(len - Long.BYTES), w2 & mask(len - 2 * Long.BYTES), len);
  }

  /**
   * {@link #lookupId(long, long, long, int)} for words whose bytes at and after {@code len} the
   * caller has already zeroed (the scanner has the masks from its colon search, without a branch).
   */
  static int lookupIdMasked(long w0, long w1, long w2, int len) {
    // fold is byte by byte, so folding the masked words is masking the folded ones
    long f0 = fold(w0);
    long f1 = fold(w1);
    long f2 = fold(w2);
    int slot = hash(f0, len);
    long meta;
    while ((meta = FLAT[slot * FLAT_STRIDE + 3]) != 0) {
      int k = slot * FLAT_STRIDE;
      // a key's words beyond its length are zero, as are f1/f2 beyond len: one test for all three
      if (((FLAT[k] ^ f0) | (FLAT[k + 1] ^ f1) | (FLAT[k + 2] ^ f2)) == 0 && (meta & 0xff) == len) {
        return (int) (meta >>> 8);
      }
      slot = (slot + 1) & (TABLE_SIZE - 1);
    }
    return 0;
  }

  /**
   * {@link #lookupIdMasked} for a name of {@code len < 8} bytes, whose word {@code w0} the caller
   * has masked beyond {@code len}: a key of that length has zero words after its first, as the name
   * has, so the first word and the length decide.
   */
  static int lookupIdOneWord(long w0, int len) {
    long f0 = fold(w0);
    int slot = hash(f0, len);
    long meta;
    while ((meta = FLAT[slot * FLAT_STRIDE + 3]) != 0) {
      if (FLAT[slot * FLAT_STRIDE] == f0 && (meta & 0xff) == len) {
        return (int) (meta >>> 8);
      }
      slot = (slot + 1) & (TABLE_SIZE - 1);
    }
    return 0;
  }

  /**
   * {@link #lookupIdMasked} for a name of {@code 8 <= len < 16} bytes, {@code w1} masked beyond
   * {@code len} by the caller: a key of that length has a zero third word, as the name has.
   */
  static int lookupIdTwoWords(long w0, long w1, int len) {
    long f0 = fold(w0);
    long f1 = fold(w1);
    int slot = hash(f0, len);
    long meta;
    while ((meta = FLAT[slot * FLAT_STRIDE + 3]) != 0) {
      int k = slot * FLAT_STRIDE;
      if (((FLAT[k] ^ f0) | (FLAT[k + 1] ^ f1)) == 0 && (meta & 0xff) == len) {
        return (int) (meta >>> 8);
      }
      slot = (slot + 1) & (TABLE_SIZE - 1);
    }
    return 0;
  }

  /** The low {@code n} bytes of a long set, {@code n} clamped to {@code [0, 8]}. */
  private static long mask(int n) {
    return n >= Long.BYTES ? -1L : n <= 0 ? 0L : ~(-1L << (n << 3));
  }

  /** {@code | 0x20} on each byte that has bit {@code 0x40} (see {@link #word}). */
  private static long fold(long w) {
    return w | ((w >>> 1) & CASE_BITS);
  }

  /**
   * The 8 bytes at {@code off}, each with {@code | 0x20} if it has bit {@code 0x40} (upper-case
   * letters become lower case; no byte becomes {@code -} that was not one), the bytes at and after
   * {@code len} zeroed.
   */
  private static long word(byte[] b, int off, int len) {
    long mask = len >= Long.BYTES ? -1L : (1L << (len << 3)) - 1;
    long w = (long) LONGS.get(b, off);
    return (w | ((w >>> 1) & CASE_BITS)) & mask;
  }

  private static boolean restEqual(int k, byte[] b, int off, int len) {
    for (int at = Long.BYTES; at < len; at += Long.BYTES) {
      if (word(b, off + at, len - at) != FLAT[k + at / Long.BYTES]) {
        return false;
      }
    }
    return true;
  }

  /** {@code key} is stored in lower case (see {@link #put}). */
  private static boolean equalsIgnoreCase(byte[] key, byte[] b, int off) {
    for (int i = 0; i < key.length; i++) {
      if (key[i] != Chars.lower(b[off + i])) {
        return false;
      }
    }
    return true;
  }

  /** The known header for {@code name} (full or compact, any case), or a new unknown name. */
  public static HeaderName of(String name) {
    byte[] b = name.getBytes(StandardCharsets.UTF_8);
    HeaderName h = lookup(b, 0, b.length);
    return h != null ? h : new HeaderName(name, '\0', false, false, 0);
  }

  /** The known name with {@link #id} {@code id}, or {@code null} for 0. */
  static HeaderName byId(int id) {
    return BY_ID[id];
  }

  /** The canonical spelling, e.g. {@code Call-ID}. */
  public String name() {
    return name;
  }

  /** The compact form letter, or {@code '\0'} if there is none. */
  public char compact() {
    return compact;
  }

  /** Whether several values may share one header line, separated by commas (§7.3.1). */
  public boolean commaSeparated() {
    return commaSeparated;
  }

  /** Whether this is one of the cached, known names. */
  public boolean isKnown() {
    return known;
  }

  /** Whether {@code len} bytes at {@code off} spell this name (full or compact, any case). */
  boolean matches(byte[] b, int off, int len) {
    if (len == 1 && compact != '\0' && Chars.lower(b[off]) == Character.toLowerCase(compact)) {
      return true;
    }
    return len == name.length() && name.regionMatches(true, 0, ascii(b, off, len), 0, len);
  }

  private static String ascii(byte[] b, int off, int len) {
    return new String(b, off, len, StandardCharsets.ISO_8859_1);
  }

  @Override
  public boolean equals(Object o) {
    return o == this
        || (o instanceof HeaderName h && !known && !h.known && name.equalsIgnoreCase(h.name));
  }

  @Override
  public int hashCode() {
    return name.toLowerCase(Locale.ROOT).hashCode();
  }

  @Override
  public String toString() {
    return name;
  }
}
