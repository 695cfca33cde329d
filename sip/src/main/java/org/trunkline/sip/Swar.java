package org.trunkline.sip;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Byte searches eight bytes per step (SWAR, "SIMD within a register", as Netty's SWARUtil): a
 * {@code long} read from the array is compared with a byte repeated eight times ({@link #of}), and
 * the lowest byte that matched gives the offset. The scanner's walks to the next special byte of a
 * header value go through here.
 */
final class Swar {
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long ONES = 0x0101010101010101L;
  private static final long HIGHS = 0x8080808080808080L;

  private Swar() {}

  /** The byte {@code c} in each of the eight bytes of a long. */
  static long of(char c) {
    return (c & 0xffL) * ONES;
  }

  /**
   * The high bit set in each byte of {@code x} that is zero, and possibly in bytes above a zero
   * byte (a borrow); never below the lowest zero byte, so the lowest set bit is exact.
   */
  static long zeros(long x) {
    return (x - ONES) & ~x & HIGHS;
  }

  /**
   * The bytes below the lowest flagged byte of {@code zeros} (a result of {@link #zeros}) all ones,
   * the others zero; all ones when nothing is flagged. No branch.
   */
  static long below(long zeros) {
    // the lowest flag is bit 8k + 7; (1 << 8k) - 1 covers bytes 0..k-1, and 0 - 1 is all ones
    return ((zeros & -zeros) >>> 7) - 1;
  }

  private static final long LOWS = 0x7f7f7f7f7f7f7f7fL;

  /**
   * The high bit set in exactly the bytes of {@code x} that are zero: no borrow crosses a byte (a
   * byte's low 7 bits plus 0x7f stay below 0x100), so unlike {@link #zeros} every flag is exact.
   */
  static long zerosExact(long x) {
    return ~(((x & LOWS) + LOWS) | x | LOWS);
  }

  /**
   * The searches' last fewer than 8 bytes {@code [p, e)}, {@code e >= 8}: {@code flags} are the
   * exact flags of the word ending at {@code e} (it overlaps bytes before {@code p}, whose flags
   * are masked off, so they must be exact); the first flagged byte at or after {@code p}, or {@code
   * e}. One word instead of a byte loop of up to 7 steps.
   */
  private static int tail(int p, int e, long flags) {
    long m = flags & (-1L << ((Long.BYTES - (e - p)) << 3));
    return m != 0 ? e - Long.BYTES + (Long.numberOfTrailingZeros(m) >>> 3) : e;
  }

  /** The little-endian long at {@code p}; the caller keeps {@code p + 8 <= b.length}. */
  static long word(byte[] b, int p) {
    return (long) LONGS.get(b, p);
  }

  /** The offset of the first byte in {@code [p, e)} equal to one of {@code x, y}, or {@code e}. */
  static int indexOfAny(byte[] b, int p, int e, long x, long y) {
    for (; p + Long.BYTES <= e; p += Long.BYTES) {
      long w = word(b, p);
      long z = zeros(w ^ x) | zeros(w ^ y);
      if (z != 0) {
        return p + (Long.numberOfTrailingZeros(z) >>> 3);
      }
    }
    if (p < e && e >= Long.BYTES) {
      long w = word(b, e - Long.BYTES);
      return tail(p, e, zerosExact(w ^ x) | zerosExact(w ^ y));
    }
    byte bx = (byte) x;
    byte by = (byte) y;
    for (; p < e; p++) {
      byte c = b[p];
      if (c == bx || c == by) {
        return p;
      }
    }
    return e;
  }

  /**
   * The offset of the first byte in {@code [p, e)} equal to one of {@code x, y, z}, or {@code e}.
   * The lowest flagged byte over the three tests is exact, as each test's lowest flag is.
   */
  static int indexOfAny(byte[] b, int p, int e, long x, long y, long z) {
    for (; p + Long.BYTES <= e; p += Long.BYTES) {
      long w = word(b, p);
      long m = zeros(w ^ x) | zeros(w ^ y) | zeros(w ^ z);
      if (m != 0) {
        return p + (Long.numberOfTrailingZeros(m) >>> 3);
      }
    }
    if (p < e && e >= Long.BYTES) {
      long w = word(b, e - Long.BYTES);
      return tail(p, e, zerosExact(w ^ x) | zerosExact(w ^ y) | zerosExact(w ^ z));
    }
    byte bx = (byte) x;
    byte by = (byte) y;
    byte bz = (byte) z;
    for (; p < e; p++) {
      byte c = b[p];
      if (c == bx || c == by || c == bz) {
        return p;
      }
    }
    return e;
  }

  /** As {@link #indexOfAny(byte[], int, int, long, long, long)} for four bytes. */
  static int indexOfAny(byte[] b, int p, int e, long x, long y, long z, long v) {
    for (; p + Long.BYTES <= e; p += Long.BYTES) {
      long w = word(b, p);
      long m = zeros(w ^ x) | zeros(w ^ y) | zeros(w ^ z) | zeros(w ^ v);
      if (m != 0) {
        return p + (Long.numberOfTrailingZeros(m) >>> 3);
      }
    }
    if (p < e && e >= Long.BYTES) {
      long w = word(b, e - Long.BYTES);
      return tail(
          p, e, zerosExact(w ^ x) | zerosExact(w ^ y) | zerosExact(w ^ z) | zerosExact(w ^ v));
    }
    byte bx = (byte) x;
    byte by = (byte) y;
    byte bz = (byte) z;
    byte bv = (byte) v;
    for (; p < e; p++) {
      byte c = b[p];
      if (c == bx || c == by || c == bz || c == bv) {
        return p;
      }
    }
    return e;
  }

  // '<' (0x3c) and '>' (0x3e) differ only in bit 0x02, and no other byte becomes '>' with it set:
  // one compare finds both.
  private static final long TWOS = of((char) 0x02);
  private static final long ANGLES = of('>');

  /** The offset of the first {@code <} or {@code >} in {@code [p, e)}, or {@code e}. */
  static int indexOfAngle(byte[] b, int p, int e) {
    for (; p + Long.BYTES <= e; p += Long.BYTES) {
      long z = zeros((word(b, p) | TWOS) ^ ANGLES);
      if (z != 0) {
        return p + (Long.numberOfTrailingZeros(z) >>> 3);
      }
    }
    if (p < e && e >= Long.BYTES) {
      return tail(p, e, zerosExact((word(b, e - Long.BYTES) | TWOS) ^ ANGLES));
    }
    for (; p < e; p++) {
      if ((b[p] | 0x02) == '>') {
        return p;
      }
    }
    return e;
  }

  /**
   * The offset of the first byte in {@code [p, e)} that is {@code <}, {@code >} or one of {@code x,
   * y}, or {@code e}: {@link #indexOfAny(byte[], int, int, long, long, long, long)} with the two
   * angle brackets in one compare.
   */
  static int indexOfAngleOr(byte[] b, int p, int e, long x, long y) {
    for (; p + Long.BYTES <= e; p += Long.BYTES) {
      long w = word(b, p);
      long m = zeros((w | TWOS) ^ ANGLES) | zeros(w ^ x) | zeros(w ^ y);
      if (m != 0) {
        return p + (Long.numberOfTrailingZeros(m) >>> 3);
      }
    }
    if (p < e && e >= Long.BYTES) {
      long w = word(b, e - Long.BYTES);
      return tail(p, e, zerosExact((w | TWOS) ^ ANGLES) | zerosExact(w ^ x) | zerosExact(w ^ y));
    }
    byte bx = (byte) x;
    byte by = (byte) y;
    for (; p < e; p++) {
      byte c = b[p];
      if ((c | 0x02) == '>' || c == bx || c == by) {
        return p;
      }
    }
    return e;
  }

  private static final long CASE_BITS = 0x2020202020202020L;
  private static final long SEMIS = of(';');
  private static final long COMMAS = of(',');
  private static final long BANGS = of('!');
  // added to a byte's low 7 bits, sets the high bit exactly when they are '!' or more
  private static final long TO_BANG = of((char) (0x80 - '!'));

  /**
   * Each byte of {@code w} that has bit {@code 0x40} with {@code | 0x20}: upper-case letters become
   * lower case, and no byte without bit 0x40 changes. Compared with lower-case letters and bytes
   * below 0x40 (a key such as {@code ;tag=}), a folded byte matches only a byte that was that
   * letter in either case, or that very byte.
   */
  static long foldCase(long w) {
    return w | ((w >>> 1) & CASE_BITS);
  }

  /**
   * The first byte in {@code [p, e)} that ends an unquoted parameter value ({@code ; , SP HT CR
   * LF}, {@link Chars#PARAM_VALUE_END}), or {@code e}. Per word the lowest byte that is {@code ;},
   * {@code ,} or below {@code !} (the borrow test of {@link #zeros} against 0x21: exact for the
   * lowest flag); a flagged control byte that does not end the value sends the rest to the byte
   * walk.
   */
  static int paramValueEnd(byte[] b, int p, int e) {
    for (; p + Long.BYTES <= e; p += Long.BYTES) {
      long w = word(b, p);
      long m = zeros(w ^ SEMIS) | zeros(w ^ COMMAS) | ((w - BANGS) & ~w & HIGHS);
      if (m != 0) {
        int q = p + (Long.numberOfTrailingZeros(m) >>> 3);
        if (Chars.is(b[q], Chars.PARAM_VALUE_END)) {
          return q;
        }
        return paramValueEndBytes(b, q + 1, e);
      }
    }
    if (p < e && e >= Long.BYTES) {
      long w = word(b, e - Long.BYTES);
      // the same three tests, exact for every byte (the word overlaps bytes before p)
      long below = ~(((w & LOWS) + TO_BANG) | w) & HIGHS;
      int q = tail(p, e, zerosExact(w ^ SEMIS) | zerosExact(w ^ COMMAS) | below);
      if (q == e || Chars.is(b[q], Chars.PARAM_VALUE_END)) {
        return q;
      }
      p = q + 1;
    }
    return paramValueEndBytes(b, p, e);
  }

  private static int paramValueEndBytes(byte[] b, int p, int e) {
    for (; p < e; p++) {
      if (Chars.is(b[p], Chars.PARAM_VALUE_END)) {
        return p;
      }
    }
    return e;
  }

  private static final long CRS = of('\r');
  private static final long LFS = of('\n');

  /**
   * Whether every byte of {@code [p, e)} is one of {@code -./0-9@A-Z`a-z}, the bytes nearly every
   * Call-ID is made of (hex, dashes, dots, an {@code @} and a host); all of them are {@code word}
   * or {@code @} bytes (§25.1 callid). False for fewer than 8 bytes: the caller's exact test
   * decides those. Per word: no byte below SP or above 0x7f, then, with bit 0x20 set in every byte,
   * each byte in {@code -..9} or in {@code `..z} (the letters and {@code @}).
   */
  static boolean isCommonCallId(byte[] b, int p, int e) {
    if (e - p < Long.BYTES) {
      return false;
    }
    long bad = 0;
    for (int q = p; q + Long.BYTES <= e; q += Long.BYTES) {
      bad |= notCommonCallId(word(b, q));
    }
    return (bad | notCommonCallId(word(b, e - Long.BYTES))) == 0;
  }

  /** {@link #commonCallId}: no {@code @}, exactly one, more than one. */
  static final int CALL_ID_WORD = 0;

  static final int CALL_ID_ONE_AT = 1;
  static final int CALL_ID_MORE_ATS = 2;

  /**
   * {@link #isCommonCallId} and the count of {@code @} bytes in the same pass: -1 when {@code [p,
   * e)} is not a common Call-ID (or shorter than 8 bytes), else {@link #CALL_ID_WORD}, {@link
   * #CALL_ID_ONE_AT} or {@link #CALL_ID_MORE_ATS}. The {@code @} flags are exact ({@link
   * #zerosExact}), so they can be counted; the last word overlaps the loop's last one and its bytes
   * before the loop's end are masked off.
   */
  static int commonCallId(byte[] b, int p, int e) {
    if (e - p < Long.BYTES) {
      return -1;
    }
    long bad = 0;
    int ats = 0;
    int q = p;
    for (; q + Long.BYTES <= e; q += Long.BYTES) {
      long w = word(b, q);
      bad |= notCommonCallId(w);
      ats += Long.bitCount(zerosExact(w ^ ATS));
    }
    // the last word always, without a branch on the length: a length whose remainder the profile
    // had not seen (SIPp's call numbers restart shorter with each run) made C2 deoptimize and
    // recompile the parser around this (stop 22, jit15). Its bytes before the loop's end (all of
    // them when the length is a multiple of 8: the mask is then 0) count no @ again.
    long w = word(b, e - Long.BYTES);
    bad |= notCommonCallId(w);
    ats += Long.bitCount(zerosExact(w ^ ATS) & ((-1L << (((Long.BYTES - (e - q)) << 3) - 1)) << 1));
    return bad != 0 ? -1 : Math.min(ats, CALL_ID_MORE_ATS);
  }

  private static final long ATS = of('@');

  /** The high bit of each byte of {@code w} that is not a {@link #isCommonCallId} byte. */
  private static long notCommonCallId(long w) {
    // below SP or above 0x7f; when no byte is, no sum below crosses into the next byte
    long control = ((w - SPACES) | w) & HIGHS;
    long y = (w | SPACES) & ~HIGHS;
    long dashToNine = (y + of((char) (0x80 - '-'))) & ~(y + of((char) (0x80 - ':')));
    // bit 0x40 (with 0x20 set: 0x60..0x7f) moved to the high bit, and below '{'
    long letters = (y << 1) & ~(y + of((char) (0x80 - '{')));
    return control | (~(dashToNine | letters) & HIGHS);
  }

  private static final long SPACES = of(' ');

  /** Whether {@code [p, e)} is ASCII (no byte above 0x7f) without CR or LF. */
  static boolean isPlainAscii(byte[] b, int p, int e) {
    // Nearly every value is printable ASCII: one pass without an exit flags a byte below SP or
    // above 0x7f, and an unflagged span is plain. A flagged one (a HT, or a byte that really makes
    // it not plain) takes the exact walk. Subtracting SP from a word borrows only out of a byte
    // below SP, which is flagged itself, so a flag-free word has every byte in 0x20..0x7f.
    if (e - p >= Long.BYTES) {
      long flags = 0;
      for (int q = p; q + Long.BYTES <= e; q += Long.BYTES) {
        long w = word(b, q);
        flags |= (w - SPACES) | w;
      }
      // the last 8 bytes (overlapping the loop's last word when the length is not a multiple of 8)
      long w = word(b, e - Long.BYTES);
      flags |= (w - SPACES) | w;
      if ((flags & HIGHS) == 0) {
        return true;
      }
    }
    return isPlainAsciiExact(b, p, e);
  }

  /** {@link #isPlainAscii} by the exact test of each word. */
  static boolean isPlainAsciiExact(byte[] b, int p, int e) {
    for (; p + Long.BYTES <= e; p += Long.BYTES) {
      long w = word(b, p);
      if (((w & HIGHS) | zeros(w ^ CRS) | zeros(w ^ LFS)) != 0) {
        return false;
      }
    }
    for (; p < e; p++) {
      byte c = b[p];
      if (c < 0 || c == '\r' || c == '\n') {
        return false;
      }
    }
    return true;
  }
}
