package org.trunkline.stack.auth;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * What the server knows about a user: the password, or only precomputed HA1 values per algorithm
 * (RFC 7616 §5.2 allows storing H(username:realm:password) instead of the password). Immutable;
 * {@link #toString()} never shows the secret.
 */
public final class UserSecret {
  private final String password;
  private final Map<DigestAlgorithm, String> ha1;

  private UserSecret(String password, Map<DigestAlgorithm, String> ha1) {
    this.password = password;
    this.ha1 = ha1;
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

  @Override
  public String toString() {
    return password != null ? "UserSecret[password]" : "UserSecret[ha1 " + ha1.keySet() + "]";
  }
}
