package org.trunkline.stack.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class SipHashTest {
  // the paper's key 00 01 .. 0f
  private static final long K0 = 0x0706050403020100L;
  private static final long K1 = 0x0f0e0d0c0b0a0908L;

  private static byte[] counting(int n) {
    byte[] m = new byte[n];
    for (int i = 0; i < n; i++) {
      m[i] = (byte) i;
    }
    return m;
  }

  @Test
  void thePapersVectors() {
    // SipHash paper, appendix A: the message 00 01 .. 0e
    assertThat(SipHash.hash(K0, K1, counting(15), 0, 15)).isEqualTo(0xa129ca6149be45e5L);
    // the reference implementation's vectors.h, first entry: the empty message
    assertThat(SipHash.hash(K0, K1, new byte[0], 0, 0)).isEqualTo(0x726fdb47dd0e0e31L);
  }

  @Test
  void theTwoWordFormIsTheByteFormOf16Bytes() {
    Random r = new Random(11);
    for (int k = 0; k < 1000; k++) {
      long k0 = r.nextLong();
      long k1 = r.nextLong();
      byte[] m = new byte[20];
      r.nextBytes(m);
      long m0 = SipHash.littleEndian(m, 2, 8);
      long m1 = SipHash.littleEndian(m, 10, 8);
      assertThat(SipHash.hash(k0, k1, m0, m1)).isEqualTo(SipHash.hash(k0, k1, m, 2, 16));
    }
  }

  @Test
  void everyLengthAndEveryKeyBitMatters() {
    byte[] m = counting(64);
    java.util.Set<Long> tags = new java.util.HashSet<>();
    for (int n = 0; n <= 64; n++) {
      tags.add(SipHash.hash(K0, K1, m, 0, n));
    }
    for (int bit = 0; bit < 64; bit++) {
      tags.add(SipHash.hash(K0 ^ (1L << bit), K1, m, 0, 16));
      tags.add(SipHash.hash(K0, K1 ^ (1L << bit), m, 0, 16));
    }
    assertThat(tags).hasSize(65 + 128);
  }
}
