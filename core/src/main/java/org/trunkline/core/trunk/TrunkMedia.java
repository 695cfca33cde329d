package org.trunkline.core.trunk;

import java.util.Objects;
import org.trunkline.media.CodecPolicy;

/**
 * What a trunk wants done with the media of its calls (issue 8). A call is relayed when either of
 * its trunks relays; it is recorded when it is relayed and either trunk records.
 *
 * @param relay whether calls on this trunk anchor their media on our relay ({@code media: relay})
 *     rather than passing the SDP through unchanged ({@code media: pass-through})
 * @param record whether relayed calls on this trunk are recorded
 * @param codecs which codecs offers sent to this trunk may carry, and in which order
 */
public record TrunkMedia(boolean relay, boolean record, CodecPolicy codecs) {
  /** SDP passes through unchanged: the default of a trunk. */
  public static final TrunkMedia PASS_THROUGH = new TrunkMedia(false, false, CodecPolicy.ANY);

  /** Relayed, not recorded, every codec. */
  public static final TrunkMedia RELAY = new TrunkMedia(true, false, CodecPolicy.ANY);

  public TrunkMedia {
    Objects.requireNonNull(codecs, "codecs");
  }

  /** {@code relay} or {@code pass-through}, as the config writes it. */
  public String token() {
    return relay ? "relay" : "pass-through";
  }
}
