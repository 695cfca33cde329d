package org.trunkline.stack.dns;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * A reader over one record's RDATA, as Netty's decoder hands it over: a view of the whole message
 * with the reader and writer index around the RDATA. RFC 2782 and RFC 3403 forbid name compression
 * in SRV and NAPTR, but servers that compress anyway are followed, since the view still holds the
 * message the pointers refer to. Malformed data throws {@link IllegalArgumentException}.
 */
final class Rdata {
  private static final int MAX_NAME = 255;
  private static final int MAX_POINTERS = 16;

  private final ByteBuf buf;
  private final int end;
  private int pos;

  Rdata(ByteBuf content) {
    this.buf = content;
    this.pos = content.readerIndex();
    this.end = content.writerIndex();
  }

  int u16() {
    need(2);
    int v = buf.getUnsignedShort(pos);
    pos += 2;
    return v;
  }

  /** A {@code <character-string>} (RFC 1035 §3.3): a length byte and that many bytes. */
  String characterString() {
    need(1);
    int len = buf.getUnsignedByte(pos);
    need(1 + len);
    String s = buf.toString(pos + 1, len, StandardCharsets.US_ASCII);
    pos += 1 + len;
    return s;
  }

  /** A domain name, lower-cased, without the trailing dot; the root is {@code "."}. */
  String name() {
    StringBuilder name = new StringBuilder();
    int at = pos;
    int limit = end; // labels read before the first pointer must lie inside the RDATA
    int pointers = 0;
    boolean jumped = false;
    while (true) {
      if (at >= limit) {
        throw new IllegalArgumentException("name runs past the RDATA");
      }
      int len = buf.getUnsignedByte(at);
      if ((len & 0xC0) == 0xC0) {
        if (at + 1 >= limit) {
          throw new IllegalArgumentException("truncated name pointer");
        }
        int target = ((len & 0x3F) << 8) | buf.getUnsignedByte(at + 1);
        if (!jumped) {
          pos = at + 2;
          jumped = true;
        }
        if (++pointers > MAX_POINTERS || target >= at) {
          throw new IllegalArgumentException("name pointer loop");
        }
        at = target;
        limit = buf.capacity();
        continue;
      }
      if ((len & 0xC0) != 0) {
        throw new IllegalArgumentException("bad label type 0x" + Integer.toHexString(len));
      }
      if (len == 0) {
        if (!jumped) {
          pos = at + 1;
        }
        break;
      }
      if (at + 1 + len > limit || name.length() + len + 1 > MAX_NAME) {
        throw new IllegalArgumentException("label runs past the RDATA");
      }
      if (!name.isEmpty()) {
        name.append('.');
      }
      name.append(buf.toString(at + 1, len, StandardCharsets.US_ASCII));
      at += 1 + len;
    }
    return name.isEmpty() ? "." : DnsNames.normalize(name.toString());
  }

  void expectEnd() {
    if (pos != end) {
      throw new IllegalArgumentException((end - pos) + " bytes after the last field");
    }
  }

  private void need(int n) {
    if (pos + n > end) {
      throw new IllegalArgumentException("RDATA too short");
    }
  }
}
