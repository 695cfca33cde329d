package org.trunkline.core.trunk;

import java.util.List;
import java.util.Objects;
import org.trunkline.stack.auth.DigestAlgorithm;
import org.trunkline.stack.auth.DigestConfig;

/**
 * What ingress does with requests that match no trunk, with sources that keep failing, and how
 * register-in trunks are challenged. Immutable.
 *
 * @param dropUnknown drop a request that matches no trunk silently (true) or answer it {@code 403}
 *     (false); either way it is counted per source
 * @param ban when a source is banned
 * @param digestAlgorithms the digest algorithms our challenges offer, in the order they are sent
 * @param monitors sources whose OPTIONS are answered {@code 200} although they are no trunk's
 *     (monitoring: load balancers, Nagios, a local {@code sipsak}); other requests from them are
 *     still unknown
 * @param maxTrackedNonces per realm, how many nonces' counts are kept to refuse a replayed answer
 *     (the oldest is forgotten first: a request that reuses a forgotten nonce is challenged again,
 *     {@code stale=true})
 */
public record IngressPolicy(
    boolean dropUnknown,
    BanPolicy ban,
    List<DigestAlgorithm> digestAlgorithms,
    List<AddressRange> monitors,
    int maxTrackedNonces) {
  /** Local monitoring only: the loopback addresses. */
  public static final List<AddressRange> DEFAULT_MONITORS =
      List.of(AddressRange.parse("127.0.0.0/8"), AddressRange.parse("::1"));

  /**
   * MD5 alone: it is what every PBX answers, and several give up on a 401 that also offers an
   * algorithm they lack instead of answering the one they know (libre 1.1 / baresip 1.0 do, see
   * BaresipTest; SIPp reads only the first challenge). Offer SHA-256 where customers support it.
   */
  public static final List<DigestAlgorithm> DEFAULT_DIGEST_ALGORITHMS =
      List.of(DigestAlgorithm.MD5);

  /** Answer unknown sources 403; ban after {@link BanPolicy#DEFAULT}. */
  public static final IngressPolicy DEFAULT = new IngressPolicy(false, BanPolicy.DEFAULT);

  public IngressPolicy {
    Objects.requireNonNull(ban, "ban");
    digestAlgorithms = List.copyOf(digestAlgorithms);
    monitors = List.copyOf(monitors);
    if (digestAlgorithms.isEmpty()) {
      throw new IllegalArgumentException("at least one digest algorithm");
    }
    if (maxTrackedNonces < 1) {
      throw new IllegalArgumentException(
          "max-tracked-nonces: must be > 0, got " + maxTrackedNonces);
    }
  }

  public IngressPolicy(
      boolean dropUnknown,
      BanPolicy ban,
      List<DigestAlgorithm> digestAlgorithms,
      List<AddressRange> monitors) {
    this(dropUnknown, ban, digestAlgorithms, monitors, DigestConfig.DEFAULT_MAX_TRACKED_NONCES);
  }

  /** With the default digest algorithms and monitors. */
  public IngressPolicy(boolean dropUnknown, BanPolicy ban) {
    this(dropUnknown, ban, DEFAULT_DIGEST_ALGORITHMS, DEFAULT_MONITORS);
  }
}
