package org.trunkline.stack.auth;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Stateless nonces: base64url(issue time in ms | 8 random bytes | HMAC-SHA256(secret, time | random
 * | realm) truncated to 16 bytes). The server keeps no table of issued nonces: the MAC proves we
 * issued it for this realm, the time says how old it is (RFC 7616 §5.4 suggests exactly this).
 * Thread-safe.
 */
final class NonceCodec {
  private static final int TIME = 8;
  private static final int RANDOM = 8;
  private static final int MAC = 16;
  private static final int LENGTH = TIME + RANDOM + MAC;
  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

  private final SecretKeySpec key;
  private final byte[] realm;

  // Mac.getInstance looks the provider up and init() derives the HMAC pads from the key, on every
  // call; one initialised Mac per thread is reused instead (doFinal() resets it, keeping the key)
  private final ThreadLocal<Mac> macs = ThreadLocal.withInitial(this::newMac);

  // one generator per thread, seeded once: every NativePRNG (Linux's default SecureRandom) mixes
  // its bytes under one JVM-wide lock
  private static final ThreadLocal<SecureRandom> RANDOM_BYTES =
      ThreadLocal.withInitial(NonceCodec::newRandom);

  NonceCodec(byte[] secret, String realm) {
    this.key = new SecretKeySpec(secret.clone(), "HmacSHA256");
    this.realm = realm.getBytes(StandardCharsets.UTF_8);
  }

  String issue(long nowMillis) {
    byte[] n = new byte[LENGTH];
    ByteBuffer.wrap(n).putLong(nowMillis);
    byte[] r = new byte[RANDOM];
    RANDOM_BYTES.get().nextBytes(r);
    System.arraycopy(r, 0, n, TIME, RANDOM);
    System.arraycopy(mac(n), 0, n, TIME + RANDOM, MAC);
    return ENCODER.encodeToString(n);
  }

  /** The issue time of a nonce we issued, or {@code -1} if we did not (or it was altered). */
  long issuedAt(String nonce) {
    // 43 characters of base64url for 32 bytes; anything else is not ours, and is not decoded
    if (nonce == null || nonce.length() != (LENGTH * 4 + 2) / 3) {
      return -1;
    }
    byte[] n = decode(nonce);
    if (n == null) {
      return -1;
    }
    byte[] expected = mac(n);
    // constant time over the MAC's 16 bytes, as MessageDigest.isEqual, without copying both out
    int diff = 0;
    for (int i = 0; i < MAC; i++) {
      diff |= expected[i] ^ n[TIME + RANDOM + i];
    }
    if (diff != 0) {
      return -1;
    }
    return ByteBuffer.wrap(n).getLong();
  }

  /**
   * The 32 bytes of a 43-character base64url text (no padding), or null when a character is not
   * base64url: what {@code Base64.getUrlDecoder().decode} gives (it ignores the two unused low bits
   * of the last character too), without the byte copy of the String it makes first.
   */
  private static byte[] decode(String text) {
    byte[] out = new byte[LENGTH];
    int o = 0;
    int i = 0;
    for (; i + 4 <= text.length(); i += 4) {
      int a = sextet(text.charAt(i));
      int b = sextet(text.charAt(i + 1));
      int c = sextet(text.charAt(i + 2));
      int d = sextet(text.charAt(i + 3));
      if ((a | b | c | d) < 0) {
        return null;
      }
      int bits = a << 18 | b << 12 | c << 6 | d;
      out[o++] = (byte) (bits >> 16);
      out[o++] = (byte) (bits >> 8);
      out[o++] = (byte) bits;
    }
    // 43 = 10 * 4 + 3: the last three characters carry two bytes
    int a = sextet(text.charAt(i));
    int b = sextet(text.charAt(i + 1));
    int c = sextet(text.charAt(i + 2));
    if ((a | b | c) < 0) {
      return null;
    }
    int bits = a << 18 | b << 12 | c << 6;
    out[o++] = (byte) (bits >> 16);
    out[o] = (byte) (bits >> 8);
    return out;
  }

  /** The value of a base64url character (RFC 4648 §5), or -1. */
  private static int sextet(char c) {
    if (c >= 'A' && c <= 'Z') {
      return c - 'A';
    }
    if (c >= 'a' && c <= 'z') {
      return c - 'a' + 26;
    }
    if (c >= '0' && c <= '9') {
      return c - '0' + 52;
    }
    if (c == '-') {
      return 62;
    }
    if (c == '_') {
      return 63;
    }
    return -1;
  }

  /**
   * A per-realm opaque value derived from the secret, so every node of a cluster sends the same.
   */
  String opaque() {
    try {
      Mac m = Mac.getInstance("HmacSHA256");
      m.init(key);
      m.update("opaque:".getBytes(StandardCharsets.UTF_8));
      m.update(realm);
      return ENCODER.encodeToString(Arrays.copyOf(m.doFinal(), 12));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  /** The full HMAC of the nonce's time and random part and the realm (truncated by callers). */
  private byte[] mac(byte[] nonce) {
    Mac m = macs.get();
    m.update(nonce, 0, TIME + RANDOM);
    m.update(realm);
    return m.doFinal();
  }

  private static SecureRandom newRandom() {
    try {
      return SecureRandom.getInstance("DRBG");
    } catch (GeneralSecurityException e) {
      return new SecureRandom();
    }
  }

  private Mac newMac() {
    try {
      Mac m = Mac.getInstance("HmacSHA256");
      m.init(key);
      return m;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }
}
