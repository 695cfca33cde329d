package org.trunkline.server.config;

/**
 * The {@code sip} section: the SIP stack's event loops. Immutable.
 *
 * @param threads how many event loops, 0 for the stack's default (CPUs, at least 2)
 * @param callsOnReadingLoop whether a call lives on the loop that read its INVITE ({@code
 *     call-loop: reader}, the default) or on its Call-ID's hash ({@code hash})
 */
public record SipConfig(int threads, boolean callsOnReadingLoop) {
  /** No {@code sip} section. */
  public static final SipConfig DEFAULT = new SipConfig(0, true);

  public SipConfig {
    if (threads < 0) {
      throw new IllegalArgumentException("threads: must be >= 0, got " + threads);
    }
  }
}
