package org.trunkline.sip.sdp;

import java.util.Objects;

/**
 * What {@link SdpParser#parse} returns: either {@link Parsed} with the description or {@link
 * Failed} with the {@link SdpError}; never both, never null. Switch over it, or ask {@link #ok()}.
 * Immutable and thread-safe.
 */
public sealed interface SdpResult {

  /** True for {@link Parsed}. */
  boolean ok();

  /**
   * The description.
   *
   * @throws IllegalStateException on {@link Failed}, naming the error
   */
  SessionDescription description();

  /**
   * The error.
   *
   * @throws IllegalStateException on {@link Parsed}
   */
  SdpError error();

  /** The body parsed. */
  record Parsed(SessionDescription description) implements SdpResult {
    public Parsed {
      Objects.requireNonNull(description, "description");
    }

    @Override
    public boolean ok() {
      return true;
    }

    @Override
    public SdpError error() {
      throw new IllegalStateException("SDP parsed; there is no error");
    }
  }

  /** The body was rejected. */
  record Failed(SdpError error) implements SdpResult {
    public Failed {
      Objects.requireNonNull(error, "error");
    }

    @Override
    public boolean ok() {
      return false;
    }

    @Override
    public SessionDescription description() {
      throw new IllegalStateException("SDP did not parse: " + error);
    }
  }
}
