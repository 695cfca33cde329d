package org.trunkline.stack;

/** The SIP transports a listen point can serve. */
public enum Transport {
  UDP,
  TCP;

  /** The lower-case token used in config files and Via headers ({@code udp}, {@code tcp}). */
  public String token() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
