package org.trunkline.server.config;

/**
 * What the {@code media} section says about calls rather than about the relay's sockets.
 *
 * @param relayByDefault whether trunks without a {@code media} key relay ({@code default: relay})
 * @param endSilentCalls whether a relayed call whose media went silent (the relay's silence or hold
 *     timeout) is hung up with a BYE to both sides
 */
public record MediaPolicy(boolean relayByDefault, boolean endSilentCalls) {
  /** Trunks pass media through unless they say otherwise; silent relayed calls are ended. */
  public static final MediaPolicy DEFAULT = new MediaPolicy(false, true);
}
