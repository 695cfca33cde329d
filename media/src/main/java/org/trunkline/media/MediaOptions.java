package org.trunkline.media;

import java.util.Objects;

/**
 * Per-call settings of a session, from the trunks of its two legs.
 *
 * @param codecsA the codecs offers sent to leg A may carry (A's trunk)
 * @param codecsB the codecs offers sent to leg B may carry (B's trunk)
 * @param record whether to record the call
 * @param listener gets DTMF, silence and one-way reports
 */
public record MediaOptions(
    CodecPolicy codecsA, CodecPolicy codecsB, boolean record, MediaListener listener) {

  /** No filtering, no recording, nobody listening. */
  public static final MediaOptions DEFAULT =
      new MediaOptions(CodecPolicy.ANY, CodecPolicy.ANY, false, MediaListener.NONE);

  public MediaOptions {
    Objects.requireNonNull(codecsA, "codecsA");
    Objects.requireNonNull(codecsB, "codecsB");
    Objects.requireNonNull(listener, "listener");
  }

  /** The policy for offers sent to {@code leg}. */
  CodecPolicy codecs(Leg leg) {
    return leg == Leg.A ? codecsA : codecsB;
  }

  public MediaOptions withRecording(boolean on) {
    return new MediaOptions(codecsA, codecsB, on, listener);
  }

  public MediaOptions withListener(MediaListener l) {
    return new MediaOptions(codecsA, codecsB, record, l);
  }

  public MediaOptions withCodecs(CodecPolicy a, CodecPolicy b) {
    return new MediaOptions(a, b, record, listener);
  }
}
