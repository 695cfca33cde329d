package org.trunkline.stack.auth;

/** The digest computations of RFC 7616 §3.4.1-§3.4.3 (RFC 2617 §3.2.2), shared by both sides. */
final class DigestMath {
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

  /** The 8LHEX nc-value of RFC 7616 §3.4. */
  static String nc(long count) {
    return String.format("%08x", count);
  }
}
