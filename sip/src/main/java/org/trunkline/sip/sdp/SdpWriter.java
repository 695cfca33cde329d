package org.trunkline.sip.sdp;

import java.util.List;
import java.util.Objects;

/**
 * Writes a {@link SessionDescription} as the bytes of a SIP body: every line as it was received
 * (content and line end), edited lines re-encoded with the line end of the line they replace, and
 * added lines with the body's own line end. An unmodified parsed description comes out identical to
 * the input. Stateless and thread-safe.
 */
public final class SdpWriter {
  private SdpWriter() {}

  /** The number of bytes {@link #write} produces, for sizing a buffer or Content-Length. */
  public static int length(SessionDescription d) {
    List<SdpLine> all = d.allLines();
    int n = d.tail().length;
    for (int i = 0; i < all.size(); i++) {
      n += all.get(i).length() + (needsLineEnd(all, i) ? d.eol().length : 0);
    }
    return n;
  }

  /**
   * Writes {@code d} into {@code dst} at {@code offset}.
   *
   * @return the number of bytes written, {@link #length(SessionDescription)}
   * @throws IndexOutOfBoundsException if it does not fit
   */
  public static int write(SessionDescription d, byte[] dst, int offset) {
    Objects.checkFromIndexSize(offset, length(d), dst.length);
    List<SdpLine> all = d.allLines();
    int at = offset;
    for (int i = 0; i < all.size(); i++) {
      at += all.get(i).writeTo(dst, at);
      if (needsLineEnd(all, i)) {
        System.arraycopy(d.eol(), 0, dst, at, d.eol().length);
        at += d.eol().length;
      }
    }
    System.arraycopy(d.tail(), 0, dst, at, d.tail().length);
    return at + d.tail().length - offset;
  }

  /** The body as a new array. */
  public static byte[] toBytes(SessionDescription d) {
    byte[] out = new byte[length(d)];
    write(d, out, 0);
    return out;
  }

  // only a received last line can lack its line end; once a line follows it, it needs one
  private static boolean needsLineEnd(List<SdpLine> all, int i) {
    return !all.get(i).terminated() && i < all.size() - 1;
  }
}
