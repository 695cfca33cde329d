package org.trunkline.bench;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Bencode (strings, integers, lists, dictionaries) as the rtpengine "ng" control protocol uses it:
 * a UDP datagram is {@code <cookie> <bencoded dictionary>}. Strings are read as ISO-8859-1 so that
 * any byte survives. Only what the media benchmark needs.
 */
final class Bencode {
  private final byte[] b;
  private int at;

  private Bencode(byte[] b, int at) {
    this.b = b;
    this.at = at;
  }

  /** Decodes the value at {@code offset}. */
  static Object decode(byte[] data, int offset) {
    return new Bencode(data, offset).value();
  }

  private Object value() {
    byte c = b[at];
    if (c == 'd') {
      at++;
      Map<String, Object> m = new TreeMap<>();
      while (b[at] != 'e') {
        String k = (String) value();
        m.put(k, value());
      }
      at++;
      return m;
    }
    if (c == 'l') {
      at++;
      List<Object> l = new ArrayList<>();
      while (b[at] != 'e') {
        l.add(value());
      }
      at++;
      return l;
    }
    if (c == 'i') {
      int e = indexOf('e', at);
      long v = Long.parseLong(new String(b, at + 1, e - at - 1, StandardCharsets.US_ASCII));
      at = e + 1;
      return v;
    }
    int colon = indexOf(':', at);
    int len = Integer.parseInt(new String(b, at, colon - at, StandardCharsets.US_ASCII));
    String s = new String(b, colon + 1, len, StandardCharsets.ISO_8859_1);
    at = colon + 1 + len;
    return s;
  }

  private int indexOf(char ch, int from) {
    for (int i = from; i < b.length; i++) {
      if (b[i] == ch) {
        return i;
      }
    }
    throw new IllegalArgumentException("bencode: no '" + ch + "' after " + from);
  }

  /** Encodes strings, numbers, lists and maps (keys sorted, as bencode wants). */
  static byte[] encode(Object v) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    write(out, v);
    return out.toByteArray();
  }

  private static void write(ByteArrayOutputStream out, Object v) {
    if (v instanceof String s) {
      byte[] x = s.getBytes(StandardCharsets.ISO_8859_1);
      out.writeBytes((x.length + ":").getBytes(StandardCharsets.US_ASCII));
      out.writeBytes(x);
    } else if (v instanceof Number n) {
      out.writeBytes(("i" + n.longValue() + "e").getBytes(StandardCharsets.US_ASCII));
    } else if (v instanceof List<?> l) {
      out.write('l');
      l.forEach(x -> write(out, x));
      out.write('e');
    } else if (v instanceof Map<?, ?> m) {
      out.write('d');
      new TreeMap<>(m)
          .forEach((k, x) -> {
            write(out, k);
            write(out, x);
          });
      out.write('e');
    } else {
      throw new IllegalArgumentException("bencode: cannot encode " + v);
    }
  }
}
