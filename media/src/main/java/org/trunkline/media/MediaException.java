package org.trunkline.media;

/**
 * An offer or answer the relay cannot handle, with the SIP status the call should answer with:
 * {@code 488} for a body that does not parse or offers nothing usable, {@code 503} when the port
 * pool is exhausted. The message names the call and what was wrong.
 */
public final class MediaException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int sipStatus;

  public MediaException(int sipStatus, String message) {
    super(message);
    this.sipStatus = sipStatus;
  }

  /** The status to answer the offer with (488 or 503). */
  public int sipStatus() {
    return sipStatus;
  }
}
