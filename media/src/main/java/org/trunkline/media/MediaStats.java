package org.trunkline.media;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What a session counted, for the CDR: returned by {@link MediaSession#close()}.
 *
 * @param callId the session's call id
 * @param streams every stream the session relayed, by media index (removed ones included)
 * @param oneWay the streams flagged one-way
 * @param silent whether a silence timeout was reported
 * @param dtmf the telephone events seen, in order
 * @param recording the recording file, once it is completely written; empty when not recording
 */
public record MediaStats(
    String callId,
    List<StreamStats> streams,
    List<OneWayAudio> oneWay,
    boolean silent,
    List<DtmfEvent> dtmf,
    Optional<Path> recording) {

  public MediaStats {
    streams = List.copyOf(streams);
    oneWay = List.copyOf(oneWay);
    dtmf = List.copyOf(dtmf);
  }

  /** The worst MOS of any flow that carried packets, 0 when none did. */
  public double worstMos() {
    return streams.stream()
        .flatMap(s -> s.flows().stream())
        .filter(f -> f.packets() > 0)
        .mapToDouble(FlowStats::mos)
        .min()
        .orElse(0);
  }
}
