package org.trunkline.core.call;

import java.util.List;
import java.util.stream.Collectors;
import org.trunkline.media.Flow;
import org.trunkline.media.FlowStats;
import org.trunkline.media.MediaStats;
import org.trunkline.media.StreamStats;

/**
 * What the relay saw of a relayed call's media, for its CDR (issue 8). Absent (null in the {@link
 * Cdr}) when the call's media passed through.
 *
 * @param caller the audio the caller sent (A to B), over every stream
 * @param callee the audio the callee sent (B to A)
 * @param oneWay {@code caller-to-callee} or {@code callee-to-caller} when only that direction
 *     carried audio for the configured time, else ""
 * @param dtmf the telephone events seen, in order, as digits ({@code 0-9 * # A-D}), else ""
 * @param recording the recording file, else ""
 */
public record CdrMedia(
    Direction caller, Direction callee, String oneWay, String dtmf, String recording) {

  /**
   * One direction of the media.
   *
   * @param packets RTP packets received by the relay
   * @param lost packets expected by sequence number but never received
   * @param jitterMs the highest interarrival jitter of its streams (RFC 3550 A.8), ms
   * @param mos the lowest E-model MOS of its streams that carried packets, 0 when none did
   * @param duplicates packets received again (a sequence number already seen)
   * @param late packets received after a later one (reordered), duplicates not counted
   */
  public record Direction(
      long packets, long lost, double jitterMs, double mos, long duplicates, long late) {
    static Direction of(List<StreamStats> streams, Flow flow) {
      long packets = 0;
      long lost = 0;
      long duplicates = 0;
      long late = 0;
      double jitter = 0;
      double mos = 0;
      for (StreamStats s : streams) {
        FlowStats f = s.flow(flow);
        packets += f.packets();
        lost += f.lost();
        duplicates += f.duplicates();
        late += f.late();
        jitter = Math.max(jitter, f.jitterMs());
        if (f.packets() > 0) {
          mos = mos == 0 ? f.mos() : Math.min(mos, f.mos());
        }
      }
      return new Direction(packets, lost, round(jitter), round(mos), duplicates, late);
    }

    private static double round(double v) {
      return Math.round(v * 100) / 100.0;
    }
  }

  /** The CDR's view of a session's stats. */
  public static CdrMedia of(MediaStats stats) {
    String oneWay =
        stats.oneWay().isEmpty()
            ? ""
            : stats.oneWay().get(0).flowing() == Flow.A_TO_B
                ? "caller-to-callee"
                : "callee-to-caller";
    String dtmf =
        stats.dtmf().stream().map(e -> String.valueOf(e.digit())).collect(Collectors.joining());
    return new CdrMedia(
        Direction.of(stats.streams(), Flow.A_TO_B),
        Direction.of(stats.streams(), Flow.B_TO_A),
        oneWay,
        dtmf,
        stats.recording().map(p -> p.toAbsolutePath().toString()).orElse(""));
  }
}
