package org.trunkline.stack.auth;

/**
 * SipHash-2-4 (Aumasson and Bernstein, 2012): a keyed 64-bit pseudo-random function for short
 * inputs, here the MAC of a nonce. With a 128-bit secret key, forging a tag takes about 2^64 online
 * guesses. Written from the paper's description; checked against its test vectors.
 */
final class SipHash {
  private SipHash() {}

  /** The tag of {@code m[off..off+len)} under the key (k0, k1), each read little-endian. */
  static long hash(long k0, long k1, byte[] m, int off, int len) {
    State s = new State(k0, k1);
    int end = off + (len & ~7);
    for (int i = off; i < end; i += 8) {
      s.compress(littleEndian(m, i, 8));
    }
    // the last block: the remaining bytes, the length's low byte on top
    s.compress(((long) len) << 56 | littleEndian(m, end, len & 7));
    return s.finish();
  }

  /**
   * {@link #hash(long, long, byte[], int, int)} of a 16-byte message given as its two 64-bit words
   * (each the little-endian reading of 8 bytes), without an array.
   */
  static long hash(long k0, long k1, long m0, long m1) {
    State s = new State(k0, k1);
    s.compress(m0);
    s.compress(m1);
    s.compress(16L << 56); // the last block: no bytes left, the length 16 on top
    return s.finish();
  }

  /**
   * SipHash-2-4 of several parts, each a byte range or a number, fed one after another: a range is
   * its length as one word, then its bytes as words (the last one padded with zeros), so different
   * splits of the same bytes hash differently. Not the paper's encoding of one message (no test
   * vector applies); the same parts always give the same value. Short-lived, one thread.
   */
  static final class Parts {
    private final State s;
    private long words;

    Parts(long k0, long k1) {
      s = new State(k0, k1);
    }

    Parts add(byte[] m, int from, int to) {
      int len = to - from;
      add(len);
      int end = from + (len & ~7);
      for (int i = from; i < end; i += 8) {
        add(littleEndian(m, i, 8));
      }
      if ((len & 7) != 0) {
        add(littleEndian(m, end, len & 7));
      }
      return this;
    }

    Parts add(long word) {
      s.compress(word);
      words++;
      return this;
    }

    long finish() {
      s.compress(words); // the count closes the stream, as the paper's last block does
      return s.finish();
    }
  }

  /** The four state words; short-lived, so the JIT keeps them in registers. */
  private static final class State {
    private long v0;
    private long v1;
    private long v2;
    private long v3;

    State(long k0, long k1) {
      v0 = k0 ^ 0x736f6d6570736575L;
      v1 = k1 ^ 0x646f72616e646f6dL;
      v2 = k0 ^ 0x6c7967656e657261L;
      v3 = k1 ^ 0x7465646279746573L;
    }

    /** One message word: two rounds (the "2" of SipHash-2-4). */
    void compress(long b) {
      v3 ^= b;
      rounds(2);
      v0 ^= b;
    }

    /** Finalization: four rounds (the "4"), the words folded into the tag. */
    long finish() {
      v2 ^= 0xff;
      rounds(4);
      return v0 ^ v1 ^ v2 ^ v3;
    }

    private void rounds(int n) {
      for (int r = 0; r < n; r++) {
        v0 += v1;
        v1 = Long.rotateLeft(v1, 13);
        v1 ^= v0;
        v0 = Long.rotateLeft(v0, 32);
        v2 += v3;
        v3 = Long.rotateLeft(v3, 16);
        v3 ^= v2;
        v0 += v3;
        v3 = Long.rotateLeft(v3, 21);
        v3 ^= v0;
        v2 += v1;
        v1 = Long.rotateLeft(v1, 17);
        v1 ^= v2;
        v2 = Long.rotateLeft(v2, 32);
      }
    }
  }

  /** {@code n} (0..8) bytes from {@code m[at]}, the first the lowest. */
  static long littleEndian(byte[] m, int at, int n) {
    long v = 0;
    for (int j = n - 1; j >= 0; j--) {
      v = v << 8 | (m[at + j] & 0xffL);
    }
    return v;
  }
}
