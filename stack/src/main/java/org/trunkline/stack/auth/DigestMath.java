package org.trunkline.stack.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/** The digest computations of RFC 7616 §3.4.1-§3.4.3 (RFC 2617 §3.2.2), shared by both sides. */
final class DigestMath {
  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
  private static final byte COLON = ':';

  private DigestMath() {}

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
    MessageDigest md = alg.digest();
    update(md, method);
    md.update(COLON);
    update(md, uri);
    byte[] ha2 = hex(md.digest());
    md.update(ha1Hex);
    md.update(COLON);
    update(md, nonce);
    md.update(COLON);
    if (qop != null) {
      update(md, nc);
      md.update(COLON);
      update(md, cnonce);
      md.update(COLON);
      update(md, qop);
      md.update(COLON);
    }
    md.update(ha2);
    return hex(md.digest());
  }

  /**
   * Whether {@code response} is {@code expectedHex}, upper-case hex digits accepted; the time taken
   * depends on the length of {@code expectedHex} only, not on where they differ.
   */
  static boolean hexEquals(byte[] expectedHex, String response) {
    int diff = expectedHex.length ^ response.length();
    for (int i = 0; i < expectedHex.length; i++) {
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
