package org.trunkline.stack.auth;

import java.nio.charset.StandardCharsets;
import java.security.DigestException;
import java.security.MessageDigest;
import java.util.Arrays;

/** The digest computations of RFC 7616 §3.4.1-§3.4.3 (RFC 2617 §3.2.2), shared by both sides. */
final class DigestMath {
  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
  private static final byte COLON = ':';

  private DigestMath() {}

  /**
   * Per thread: room for the ASCII bytes of a String being hashed, a digest and two hex digests, so
   * checking a response allocates nothing (the server checks one per REGISTER and INVITE).
   */
  private static final class Scratch {
    final byte[] text = new byte[256];
    final byte[] digest = new byte[64];
    final byte[] ha2 = new byte[128];
    final byte[] hex = new byte[128];
  }

  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

  /** HA1 = H(username ":" realm ":" password), RFC 7616 §3.4.2 (non-sess algorithms). */
  static String ha1(DigestAlgorithm alg, String username, String realm, String password) {
    return alg.hash(username + ":" + realm + ":" + password);
  }

  /**
   * The request-digest: with {@code qop} (RFC 7616 §3.4.1) KD(HA1, nonce:nc:cnonce:qop:HA2),
   * without it (RFC 2069 compatibility, RFC 3261 §22.4) KD(HA1, nonce:HA2); HA2 = H(method:uri).
   */
  static String response(
      DigestAlgorithm alg,
      String ha1,
      String method,
      String uri,
      String nonce,
      String nc,
      String cnonce,
      String qop) {
    String ha2 = alg.hash(method + ":" + uri);
    if (qop == null) {
      return alg.kd(ha1, nonce + ":" + ha2);
    }
    return alg.kd(ha1, nonce + ":" + nc + ":" + cnonce + ":" + qop + ":" + ha2);
  }

  /** {@link #ha1} as lower-case hex ASCII bytes. */
  static byte[] ha1Hex(DigestAlgorithm alg, String username, String realm, String password) {
    MessageDigest md = alg.digest();
    update(md, username);
    md.update(COLON);
    update(md, realm);
    md.update(COLON);
    update(md, password);
    return hex(md.digest());
  }

  /**
   * {@link #response} as lower-case hex ASCII bytes from HA1 given the same way: the same bytes are
   * hashed, without the intermediate Strings (the server checks one per REGISTER and INVITE).
   */
  static byte[] responseHex(
      DigestAlgorithm alg,
      byte[] ha1Hex,
      String method,
      String uri,
      String nonce,
      String nc,
      String cnonce,
      String qop) {
    Scratch s = SCRATCH.get();
    int n = responseHexInto(s, alg, ha1Hex, method, uri, nonce, nc, cnonce, qop);
    return Arrays.copyOf(s.hex, n);
  }

  /**
   * Whether {@code response} is the request-digest {@link #responseHex} computes (upper-case hex
   * accepted), compared as {@link #hexEquals} does, without allocating.
   */
  static boolean responseMatches(
      DigestAlgorithm alg,
      byte[] ha1Hex,
      CharSequence method,
      CharSequence uri,
      CharSequence nonce,
      CharSequence nc,
      CharSequence cnonce,
      CharSequence qop,
      CharSequence response) {
    Scratch s = SCRATCH.get();
    int n = responseHexInto(s, alg, ha1Hex, method, uri, nonce, nc, cnonce, qop);
    return hexEquals(s.hex, n, response);
  }

  /** The request-digest as hex ASCII in {@code s.hex}; returns its length. */
  private static int responseHexInto(
      Scratch s,
      DigestAlgorithm alg,
      byte[] ha1Hex,
      CharSequence method,
      CharSequence uri,
      CharSequence nonce,
      CharSequence nc,
      CharSequence cnonce,
      CharSequence qop) {
    MessageDigest md = alg.digest();
    update(md, s, method);
    md.update(COLON);
    update(md, s, uri);
    int ha2 = hexInto(s.digest, digestInto(md, s.digest), s.ha2);
    md.update(ha1Hex);
    md.update(COLON);
    update(md, s, nonce);
    md.update(COLON);
    if (qop != null) {
      update(md, s, nc);
      md.update(COLON);
      update(md, s, cnonce);
      md.update(COLON);
      update(md, s, qop);
      md.update(COLON);
    }
    md.update(s.ha2, 0, ha2);
    return hexInto(s.digest, digestInto(md, s.digest), s.hex);
  }

  /** Ends {@code md} into {@code out} (it resets); returns the digest's length. */
  private static int digestInto(MessageDigest md, byte[] out) {
    try {
      return md.digest(out, 0, out.length);
    } catch (DigestException e) {
      throw new IllegalStateException(md.getAlgorithm() + ": digest longer than 64 bytes", e);
    }
  }

  /** Lower-case hex of {@code in[0..n)} into {@code out}; returns {@code 2 * n}. */
  private static int hexInto(byte[] in, int n, byte[] out) {
    for (int i = 0; i < n; i++) {
      out[2 * i] = HEX[(in[i] >> 4) & 0xf];
      out[2 * i + 1] = HEX[in[i] & 0xf];
    }
    return 2 * n;
  }

  /** The UTF-8 bytes of {@code text} into {@code md}: ASCII through the scratch, no copy made. */
  private static void update(MessageDigest md, Scratch s, CharSequence text) {
    int n = text.length();
    byte[] b = s.text;
    if (n <= b.length) {
      int i = 0;
      for (; i < n; i++) {
        char c = text.charAt(i);
        if (c >= 0x80) {
          break;
        }
        b[i] = (byte) c;
      }
      if (i == n) {
        md.update(b, 0, n);
        return;
      }
    }
    md.update(text.toString().getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Whether {@code response} is {@code expectedHex}, upper-case hex digits accepted; the time taken
   * depends on the length of {@code expectedHex} only, not on where they differ.
   */
  static boolean hexEquals(byte[] expectedHex, String response) {
    return hexEquals(expectedHex, expectedHex.length, response);
  }

  /** {@link #hexEquals(byte[], String)} against {@code expectedHex[0..n)}. */
  private static boolean hexEquals(byte[] expectedHex, int n, CharSequence response) {
    int diff = n ^ response.length();
    for (int i = 0; i < n; i++) {
      int c = i < response.length() ? response.charAt(i) : 0;
      if (c >= 'A' && c <= 'Z') {
        c += 'a' - 'A';
      }
      diff |= expectedHex[i] ^ c;
    }
    return diff == 0;
  }

  /** Lower-case hex ASCII of {@code bytes}. */
  static byte[] hex(byte[] bytes) {
    byte[] out = new byte[bytes.length * 2];
    for (int i = 0; i < bytes.length; i++) {
      out[2 * i] = HEX[(bytes[i] >> 4) & 0xf];
      out[2 * i + 1] = HEX[bytes[i] & 0xf];
    }
    return out;
  }

  private static void update(MessageDigest md, String s) {
    md.update(s.getBytes(StandardCharsets.UTF_8));
  }

  /** The 8LHEX nc-value of RFC 7616 §3.4. */
  static String nc(long count) {
    return String.format("%08x", count);
  }
}
