package org.trunkline.media;

import io.netty.buffer.ByteBuf;

/** Reads RTP (RFC 3550 §5.1) and tells RTCP apart (RFC 5761 §4) in a buffer, without copying. */
final class Rtp {
  private Rtp() {}

  /**
   * The length of the RTP header with CSRCs and extension, or -1 if this is not RTP version 2 or
   * the header does not fit.
   */
  static int headerLength(ByteBuf b) {
    int at = b.readerIndex();
    int n = b.readableBytes();
    if (n < 12) {
      return -1;
    }
    int b0 = b.getUnsignedByte(at);
    if (b0 >> 6 != 2) {
      return -1;
    }
    int len = 12 + 4 * (b0 & 0x0f);
    if ((b0 & 0x10) != 0) {
      if (n < len + 4) {
        return -1;
      }
      len += 4 + 4 * b.getUnsignedShort(at + len + 2);
    }
    return len <= n ? len : -1;
  }

  /** True for RTCP multiplexed on the RTP port: packet types 192-223 (RFC 5761 §4). */
  static boolean isRtcp(ByteBuf b) {
    int pt = b.getUnsignedByte(b.readerIndex() + 1);
    return pt >= 192 && pt <= 223;
  }
}
