package org.trunkline.server.storage;

/**
 * A Bloom filter of the keys of one segment of CDRs (schema version 9, {@link CdrBlocks}): its ids,
 * both legs' Call-IDs, its trunks in and out (version 10, {@link #addTrunks}) and the prefixes of
 * even length from {@value #MIN_PREFIX} to {@value #MAX_PREFIX} characters of its caller and called
 * numbers, in both forms (after numbering and as they came; version 10 rebuilt the older blocks
 * with both) (a search for a prefix of odd length probes the one a character shorter). {@link
 * #mightHold} is never false for a key that was added, and true for one that was not with a chance
 * of about {@code 0.4^}{@value #PROBES} (0.2 %) while at most 40 % of the bits are set ({@link
 * #full}).
 *
 * <p>The hash is FNV-1a (64 bits) over the key's chars, after a char naming its kind, finished by
 * MurmurHash3's 64-bit mixer: fixed here, so every node and version agrees; FNV-1a runs over the
 * chars in order, so all prefixes of a number are hashed in one pass. Not thread-safe: the CDR
 * writer owns the one it fills, a search the ones it reads.
 */
final class CdrFilter {
  /** Bits per filter (1 KiB). */
  static final int BITS = 1 << 13;

  static final int PROBES = 7;

  /** A number prefix shorter than this is not in the filter: a search for one reads every block. */
  static final int MIN_PREFIX = 4; // even, as the prefixes kept

  /** Prefixes longer than this are not in the filter: a longer search probes this long a prefix. */
  static final int MAX_PREFIX = 24; // even

  static final char ID = 'i';
  static final char CALL_ID = 'c';
  static final char NUMBER = 'n';
  static final char TRUNK = 't';

  private static final long FNV_BASIS = 0xcbf29ce484222325L;
  private static final long FNV_PRIME = 0x100000001b3L;

  private final long[] words;
  private int set;

  CdrFilter() {
    this.words = new long[BITS / 64];
  }

  private CdrFilter(long[] words) {
    this.words = words;
  }

  /** A filter as {@link #bytes} gave it. */
  static CdrFilter of(byte[] bytes) {
    if (bytes.length == 0 || bytes.length % 8 != 0 || Integer.bitCount(bytes.length) != 1) {
      throw new IllegalArgumentException("not a CDR filter: " + bytes.length + " bytes");
    }
    long[] w = new long[bytes.length / 8];
    for (int i = 0; i < w.length; i++) {
      long v = 0;
      for (int b = 0; b < 8; b++) {
        v = (v << 8) | (bytes[8 * i + b] & 0xff);
      }
      w[i] = v;
    }
    return new CdrFilter(w);
  }

  /** The bits, big-endian words. */
  byte[] bytes() {
    byte[] out = new byte[words.length * 8];
    for (int i = 0; i < words.length; i++) {
      long v = words[i];
      for (int b = 7; b >= 0; b--) {
        out[8 * i + b] = (byte) v;
        v >>>= 8;
      }
    }
    return out;
  }

  /** Adds the keys of one CDR whose numbers came as they were stored (no numbering applied). */
  void addRow(String id, String aCallId, String bCallId, String caller, String called) {
    addRow(id, aCallId, bCallId, caller, called, caller, called);
  }

  /**
   * Adds the keys of one CDR, as stored (each already cut to its column): its numbers after
   * numbering and as they came ({@code callerDialed}, {@code calledDialed}), so a number search
   * finds either form; a form equal to the other is added once.
   */
  void addRow(
      String id,
      String aCallId,
      String bCallId,
      String caller,
      String called,
      String callerDialed,
      String calledDialed) {
    add(hash(ID, id, id.length()));
    add(hash(CALL_ID, aCallId, aCallId.length()));
    add(hash(CALL_ID, bCallId, bCallId.length())); // '' too: a search for '' finds those rows
    addPrefixes(caller);
    addPrefixes(called);
    if (!callerDialed.equals(caller)) {
      addPrefixes(callerDialed);
    }
    if (!calledDialed.equals(called)) {
      addPrefixes(calledDialed);
    }
  }

  /**
   * Adds the trunks of one CDR, as stored ('' too: a search for it finds those rows). A segment
   * sees few trunks, each of them again and again: they set few bits.
   */
  void addTrunks(String fromTrunk, String toTrunk) {
    add(hash(TRUNK, fromTrunk, fromTrunk.length()));
    if (!toTrunk.equals(fromTrunk)) {
      add(hash(TRUNK, toTrunk, toTrunk.length()));
    }
  }

  private void addPrefixes(String number) {
    long h = start(NUMBER);
    int last = Math.min(number.length(), MAX_PREFIX);
    for (int i = 0; i < last; i++) {
      h = step(h, number.charAt(i));
      if (i + 1 >= MIN_PREFIX && (i & 1) == 1) {
        add(mix(h));
      }
    }
  }

  /** Whether more than 40 % of the bits are set: a segment that is full takes no more rows. */
  boolean full() {
    return set > BITS / 5 * 2;
  }

  /**
   * The hash a search for {@code key} of {@code kind} probes, or 0 when no probe can tell (a number
   * prefix shorter than {@value #MIN_PREFIX}: every block might hold it).
   */
  static long probe(char kind, String key) {
    if (kind == NUMBER) {
      int length = Math.min(key.length(), MAX_PREFIX) & ~1; // only even lengths are kept
      return length < MIN_PREFIX ? 0 : hash(NUMBER, key, length);
    }
    return hash(kind, key, key.length());
  }

  /** Whether a key hashed to {@code h} (by {@link #probe}) may be among those added; 0: true. */
  boolean mightHold(long h) {
    if (h == 0) {
      return true;
    }
    int mask = words.length * 64 - 1;
    int a = (int) h;
    int b = (int) (h >>> 32) | 1;
    for (int i = 0; i < PROBES; i++) {
      int bit = (a + i * b) & mask;
      if ((words[bit >>> 6] & (1L << bit)) == 0) {
        return false;
      }
    }
    return true;
  }

  /** {@link #mightHold} on the filter written by {@link #bytes} at {@code offset} of {@code b}. */
  static boolean mightHold(byte[] b, int offset, long h) {
    if (h == 0) {
      return true;
    }
    int a = (int) h;
    int step = (int) (h >>> 32) | 1;
    for (int i = 0; i < PROBES; i++) {
      int bit = (a + i * step) & (BITS - 1);
      int at = offset + 8 * (bit >>> 6) + 7 - ((bit & 63) >>> 3);
      if ((b[at] & (1 << (bit & 7))) == 0) {
        return false;
      }
    }
    return true;
  }

  private void add(long h) {
    int mask = words.length * 64 - 1;
    int a = (int) h;
    int b = (int) (h >>> 32) | 1;
    for (int i = 0; i < PROBES; i++) {
      int bit = (a + i * b) & mask;
      long w = words[bit >>> 6];
      long m = 1L << bit;
      if ((w & m) == 0) {
        words[bit >>> 6] = w | m;
        set++;
      }
    }
  }

  private static long hash(char kind, String key, int length) {
    long h = start(kind);
    for (int i = 0; i < length; i++) {
      h = step(h, key.charAt(i));
    }
    return mix(h);
  }

  private static long start(char kind) {
    return step(FNV_BASIS, kind);
  }

  private static long step(long h, char c) {
    return (h ^ c) * FNV_PRIME;
  }

  /** MurmurHash3's fmix64; never 0 here in practice, and 0 is read as "no probe" anyway. */
  private static long mix(long h) {
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb93fe53e88ebL;
    h ^= h >>> 33;
    return h == 0 ? 1 : h;
  }
}
