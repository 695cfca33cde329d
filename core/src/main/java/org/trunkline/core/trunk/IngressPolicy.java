package org.trunkline.core.trunk;

import java.util.Objects;

/**
 * What ingress does with requests that match no trunk, and with sources that keep failing.
 * Immutable.
 *
 * @param dropUnknown drop a request that matches no trunk silently (true) or answer it {@code 403}
 *     (false); either way it is counted per source
 * @param ban when a source is banned
 */
public record IngressPolicy(boolean dropUnknown, BanPolicy ban) {
  /** Answer unknown sources 403; ban after {@link BanPolicy#DEFAULT}. */
  public static final IngressPolicy DEFAULT = new IngressPolicy(false, BanPolicy.DEFAULT);

  public IngressPolicy {
    Objects.requireNonNull(ban, "ban");
  }
}
