package org.trunkline.media;

import java.util.List;

/**
 * One stream of a call at its end.
 *
 * @param index the media description index
 * @param media {@code audio}, {@code video}, ...
 * @param flows A to B, then B to A
 * @param rejected packets dropped because they came from an address other than the latched or
 *     signalled one after the latching window (the hijack guard)
 */
public record StreamStats(int index, String media, List<FlowStats> flows, long rejected) {

  public StreamStats {
    flows = List.copyOf(flows);
  }

  /** The stats of one direction. */
  public FlowStats flow(Flow f) {
    return flows.get(f.ordinal());
  }
}
