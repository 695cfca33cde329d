package org.trunkline.stack.auth;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;

/**
 * The settings of one realm's {@link DigestChallenger}. Invalid values are refused at construction
 * with a message naming the field, never clamped.
 *
 * @param realm the realm, e.g. the trunk's domain (RFC 3261 §22.1); non-empty, no '"'
 * @param algorithms what to offer, in the order the challenges go out (RFC 8760 §2.4: clients take
 *     the first they support, so strongest first unless old clients that read only the first
 *     challenge must be served)
 * @param nonceLifetime how long a nonce is accepted; older ones are answered stale=true
 * @param maxTrackedNonces how many nonces' counts are remembered for replay protection
 * @param secret the HMAC key binding nonces to this server; share it between nodes that share
 *     clients; at least 16 bytes
 * @param requireQop refuse RFC 2069-style answers without qop (they cannot carry a nonce count, so
 *     a captured request can be replayed until its nonce expires)
 */
public record DigestConfig(
    String realm,
    List<DigestAlgorithm> algorithms,
    Duration nonceLifetime,
    int maxTrackedNonces,
    byte[] secret,
    boolean requireQop) {

  /** 300 s: long enough for a slow INVITE retry, short enough to bound replays without qop. */
  public static final Duration DEFAULT_NONCE_LIFETIME = Duration.ofSeconds(300);

  /**
   * 16384 slots of 32 bytes (NonceCounts: sequence number, issue time, highest count, window),
   * allocated as the nonces in use need them: 512 KB at worst per realm. A window is only made for
   * a request whose response was right, so only clients that know a password can fill it.
   */
  public static final int DEFAULT_MAX_TRACKED_NONCES = 16_384;

  public DigestConfig {
    if (realm == null || realm.isEmpty() || realm.indexOf('"') >= 0 || realm.indexOf('\\') >= 0) {
      throw new IllegalArgumentException(
          "realm: must be non-empty without '\"' or '\\', got " + realm);
    }
    if (algorithms == null || algorithms.isEmpty()) {
      throw new IllegalArgumentException("realm " + realm + ": algorithms: must not be empty");
    }
    // in the order given, without repeats: the order challenges are offered in
    algorithms = List.copyOf(new java.util.LinkedHashSet<>(algorithms));
    if (nonceLifetime == null || nonceLifetime.isNegative() || nonceLifetime.isZero()) {
      throw new IllegalArgumentException(
          "realm " + realm + ": nonce-lifetime: must be > 0, got " + nonceLifetime);
    }
    if (maxTrackedNonces < 1) {
      throw new IllegalArgumentException(
          "realm " + realm + ": max-tracked-nonces: must be > 0, got " + maxTrackedNonces);
    }
    if (secret == null || secret.length < 16) {
      throw new IllegalArgumentException(
          "realm "
              + realm
              + ": secret: must be at least 16 bytes, got "
              + (secret == null ? "none" : secret.length));
    }
    secret = secret.clone();
  }

  /** All three algorithms, qop required, default lifetime and capacity, a random secret. */
  public static DigestConfig of(String realm) {
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    return of(realm, secret);
  }

  /** As {@link #of(String)} with a given secret (shared by the nodes of a cluster). */
  public static DigestConfig of(String realm, byte[] secret) {
    return new DigestConfig(
        realm,
        List.of(DigestAlgorithm.SHA_512_256, DigestAlgorithm.SHA_256, DigestAlgorithm.MD5),
        DEFAULT_NONCE_LIFETIME,
        DEFAULT_MAX_TRACKED_NONCES,
        secret,
        true);
  }

  public DigestConfig withAlgorithms(DigestAlgorithm... offered) {
    return new DigestConfig(
        realm, List.of(offered), nonceLifetime, maxTrackedNonces, secret, requireQop);
  }

  public DigestConfig withNonceLifetime(Duration lifetime) {
    return new DigestConfig(realm, algorithms, lifetime, maxTrackedNonces, secret, requireQop);
  }

  public DigestConfig withMaxTrackedNonces(int max) {
    return new DigestConfig(realm, algorithms, nonceLifetime, max, secret, requireQop);
  }

  public DigestConfig withRequireQop(boolean require) {
    return new DigestConfig(realm, algorithms, nonceLifetime, maxTrackedNonces, secret, require);
  }

  @Override
  public byte[] secret() {
    return secret.clone();
  }

  @Override
  public String toString() {
    return "DigestConfig[realm="
        + realm
        + ", algorithms="
        + algorithms
        + ", nonceLifetime="
        + nonceLifetime
        + ", maxTrackedNonces="
        + maxTrackedNonces
        + ", requireQop="
        + requireQop
        + "]";
  }
}
