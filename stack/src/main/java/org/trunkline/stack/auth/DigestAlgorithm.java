package org.trunkline.stack.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * The digest algorithms we speak, weakest first (RFC 7616 §3.2, RFC 8760 §2). The {@code -sess}
 * variants are not offered and are treated as unknown.
 */
public enum DigestAlgorithm {
  MD5("MD5", "MD5"),
  SHA_256("SHA-256", "SHA-256"),
  SHA_512_256("SHA-512-256", "SHA-512/256");

  private static final HexFormat HEX = HexFormat.of();

  private final String token;
  private final String jdkName;

  // MessageDigest.getInstance looks the provider up on every call; one instance per thread is
  // reused instead (digest() leaves it reset)
  private final ThreadLocal<MessageDigest> digests = ThreadLocal.withInitial(this::newDigest);

  DigestAlgorithm(String token, String jdkName) {
    this.token = token;
    this.jdkName = jdkName;
  }

  /** The value of the {@code algorithm} parameter, e.g. {@code SHA-512-256}. */
  public String token() {
    return token;
  }

  /** The algorithm named by an {@code algorithm} parameter (case-insensitive), or {@code null}. */
  public static DigestAlgorithm fromToken(String token) {
    if (token == null) {
      return null;
    }
    String t = token.toUpperCase(Locale.ROOT);
    for (DigestAlgorithm a : values()) {
      if (a.token.equals(t)) {
        return a;
      }
    }
    return null;
  }

  /** {@code true} when this one is stronger than {@code other}. */
  public boolean strongerThan(DigestAlgorithm other) {
    return other == null || ordinal() > other.ordinal();
  }

  /** The lower-case hex digest of the UTF-8 bytes of {@code data}: H(data) of RFC 7616 §3.4.1. */
  public String hash(String data) {
    return HEX.formatHex(digest().digest(data.getBytes(StandardCharsets.UTF_8)));
  }

  /**
   * This thread's digest of this algorithm, reset: the caller updates it and ends with {@code
   * digest()}, which resets it again, before anything else on the thread may use it.
   */
  MessageDigest digest() {
    return digests.get();
  }

  /** KD(secret, data) = H(secret ":" data), RFC 7616 §3.4.1. */
  public String kd(String secret, String data) {
    return hash(secret + ":" + data);
  }

  private MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance(jdkName);
    } catch (NoSuchAlgorithmException e) {
      // the SUN provider of every JDK since 9 has all three
      throw new IllegalStateException("JDK lacks " + jdkName, e);
    }
  }

  @Override
  public String toString() {
    return token;
  }
}
