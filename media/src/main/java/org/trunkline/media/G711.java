package org.trunkline.media;

/** G.711 µ-law and A-law to 16-bit linear PCM (ITU-T G.711), by table. Stateless. */
final class G711 {
  private static final short[] ULAW = new short[256];
  private static final short[] ALAW = new short[256];

  static {
    for (int i = 0; i < 256; i++) {
      ULAW[i] = ulaw(i);
      ALAW[i] = alaw(i);
    }
  }

  private G711() {}

  /** The linear sample of a µ-law byte (PCMU). */
  static short decodeUlaw(int b) {
    return ULAW[b & 0xff];
  }

  /** The linear sample of an A-law byte (PCMA). */
  static short decodeAlaw(int b) {
    return ALAW[b & 0xff];
  }

  private static short ulaw(int u) {
    u = ~u & 0xff;
    int t = ((u & 0x0f) << 3) + 0x84;
    t <<= (u & 0x70) >> 4;
    return (short) ((u & 0x80) != 0 ? 0x84 - t : t - 0x84);
  }

  private static short alaw(int a) {
    a ^= 0x55;
    int t = (a & 0x0f) << 4;
    int seg = (a & 0x70) >> 4;
    if (seg == 0) {
      t += 8;
    } else {
      t += 0x108;
      t <<= seg - 1;
    }
    return (short) ((a & 0x80) != 0 ? t : -t);
  }
}
