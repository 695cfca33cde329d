package org.trunkline.server.storage;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The trace writer's Strings for the caller IPs it indexes and, with a HEP forward only, the
 * Call-IDs it forwards (the index itself keeps Call-IDs as bytes), kept in small direct-mapped
 * caches: a call's dozen messages share a handful of Call-IDs and peers, so most messages need no
 * new String. Writer thread only.
 */
final class TraceNames {
  private static final int CALL_IDS = 4096;
  private static final int IPS = 64;

  private final byte[][] callIdKeys = new byte[CALL_IDS][];
  private final String[] callIds = new String[CALL_IDS];
  private final int[] ipKeys = new int[IPS];
  private final String[] ips = new String[IPS];

  /** The Call-ID in {@code b[off, off + len)} as a String. */
  String callId(byte[] b, int off, int len) {
    int h = 1;
    for (int i = off; i < off + len; i++) {
      h = 31 * h + b[i];
    }
    int slot = (h ^ h >>> 16) & (CALL_IDS - 1);
    byte[] key = callIdKeys[slot];
    if (key != null && Arrays.equals(key, 0, key.length, b, off, off + len)) {
      return callIds[slot];
    }
    String s = new String(b, off, len, StandardCharsets.UTF_8);
    callIdKeys[slot] = Arrays.copyOfRange(b, off, off + len);
    callIds[slot] = s;
    return s;
  }

  /** The IP of {@code len} (0, 4 or 16) bytes at {@code b[off]} as text; "" for none. */
  String ip(byte[] b, int off, int len) {
    if (len == 4) {
      int v =
          (b[off] & 0xff) << 24
              | (b[off + 1] & 0xff) << 16
              | (b[off + 2] & 0xff) << 8
              | (b[off + 3] & 0xff);
      int slot = (v ^ v >>> 8 ^ v >>> 16) & (IPS - 1);
      String s = ips[slot];
      if (s != null && ipKeys[slot] == v) {
        return s;
      }
      s = (v >>> 24) + "." + (v >>> 16 & 0xff) + "." + (v >>> 8 & 0xff) + "." + (v & 0xff);
      ipKeys[slot] = v;
      ips[slot] = s;
      return s;
    }
    if (len == 0) {
      return "";
    }
    try {
      return InetAddress.getByAddress(Arrays.copyOfRange(b, off, off + len)).getHostAddress();
    } catch (UnknownHostException e) {
      return "";
    }
  }
}
