package org.trunkline.media;

import java.time.Duration;

/**
 * What a session reports while it runs. Called on the session's event loop: return quickly and
 * never block (hand work to the call's own loop). Every method has an empty default.
 */
public interface MediaListener {
  /** Nothing to report. */
  MediaListener NONE = new MediaListener() {};

  /** A telephone event ended (RFC 4733); it was relayed untouched (payload type mapped). */
  default void onDtmf(String callId, DtmfEvent event) {}

  /**
   * No packet flowed either way on {@code stream} for {@code silentFor} (the configured silence or
   * hold timeout): the call may be ended. Reported once until packets flow again.
   */
  default void onSilence(String callId, int stream, Duration silentFor) {}

  /** Only {@code flowing} carried packets on {@code stream} for {@code after}. Reported once. */
  default void onOneWay(String callId, OneWayAudio oneWay) {}
}
