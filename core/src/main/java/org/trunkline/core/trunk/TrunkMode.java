package org.trunkline.core.trunk;

import java.util.Locale;
import java.util.Optional;

/**
 * How a trunk's traffic is recognised and authorized; written in the config as {@link #token()}.
 */
public enum TrunkMode {
  /** The customer's PBX registers to us with a username and password; we are its registrar. */
  REGISTER_IN("register-in"),
  /** We register to the customer's PBX and answer its digest challenges. */
  REGISTER_OUT("register-out"),
  /** No registration: both sides whitelist each other's IP address (and port). */
  IP("ip"),
  /** A local listen point that belongs to this trunk alone. */
  CROSS_CONNECT("cross-connect");

  private final String token;

  TrunkMode(String token) {
    this.token = token;
  }

  /**
   * The config word: {@code register-in}, {@code register-out}, {@code ip}, {@code cross-connect}.
   */
  public String token() {
    return token;
  }

  /** The mode written as {@code text} (any case), or empty. */
  public static Optional<TrunkMode> of(String text) {
    String lower = text.toLowerCase(Locale.ROOT);
    for (TrunkMode mode : values()) {
      if (mode.token.equals(lower)) {
        return Optional.of(mode);
      }
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    return token;
  }
}
