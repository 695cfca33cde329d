package org.trunkline.stack.auth;

import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * What the server knows about a user: the password, or only precomputed HA1 values per algorithm
 * (RFC 7616 §5.2 allows storing H(username:realm:password) instead of the password). Immutable as
 * far as anyone can tell: a password's HA1 is computed once per algorithm, user and realm and kept
 * (the last one asked for), so a server that holds one {@code UserSecret} per user hashes the
 * password once, not on every request. {@link #toString()} never shows the secret. Thread-safe.
 */
public final class UserSecret {
  /** The HA1 last computed from the password, as lower-case hex ASCII. */
  private record Cached(DigestAlgorithm alg, String username, String realm, byte[] hex) {}

  private final String password;
  private final Map<DigestAlgorithm, String> ha1;
  private final Map<DigestAlgorithm, byte[]> ha1Hex;
  private volatile Cached cached;

  private UserSecret(String password, Map<DigestAlgorithm, String> ha1) {
    this.password = password;
    this.ha1 = ha1;
    Map<DigestAlgorithm, byte[]> hex = new EnumMap<>(DigestAlgorithm.class);
    ha1.forEach((a, h) -> hex.put(a, h.getBytes(StandardCharsets.UTF_8)));
    this.ha1Hex = hex.isEmpty() ? Map.of() : hex;
  }

  /** A user with a cleartext password: every algorithm works. */
  public static UserSecret password(String password) {
    return new UserSecret(Objects.requireNonNull(password, "password"), Map.of());
  }

  /** A user known only by HA1 (lower-case hex) per algorithm: only those algorithms work. */
  public static UserSecret ha1(Map<DigestAlgorithm, String> ha1) {
    Map<DigestAlgorithm, String> copy = new EnumMap<>(DigestAlgorithm.class);
    ha1.forEach((a, h) -> copy.put(a, h.toLowerCase(Locale.ROOT)));
    return new UserSecret(null, Map.copyOf(copy));
  }

  /**
   * HA1 for this algorithm, user and realm, or {@code null} when only other algorithms are known.
   */
  String ha1(DigestAlgorithm alg, String username, String realm) {
    if (password != null) {
      return DigestMath.ha1(alg, username, realm, password);
    }
    return ha1.get(alg);
  }

  /**
   * {@link #ha1} as lower-case hex ASCII bytes (not to be modified), or {@code null}; from the
   * password it is computed once and kept while the same algorithm, user and realm are asked for.
   */
  byte[] ha1Hex(DigestAlgorithm alg, String username, String realm) {
    if (password == null) {
      return ha1Hex.get(alg);
    }
    Cached c = cached;
    if (c != null && c.alg() == alg && c.username().equals(username) && c.realm().equals(realm)) {
      return c.hex();
    }
    byte[] hex = DigestMath.ha1Hex(alg, username, realm, password);
    cached = new Cached(alg, username, realm, hex);
    return hex;
  }

  @Override
  public String toString() {
    return password != null ? "UserSecret[password]" : "UserSecret[ha1 " + ha1.keySet() + "]";
  }
}
