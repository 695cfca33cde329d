package org.trunkline.media;

import java.util.Arrays;
import java.util.Map;
import org.trunkline.sip.sdp.RtpMap;

/**
 * One direction of one stream: how its packets are numbered on arrival and on departure, and what
 * was counted. The numbering is replaced by the offering/answering thread as one immutable {@link
 * Numbering} (a volatile write); the counters belong to the session's event loop.
 */
final class FlowState {
  final Flow flow;
  final RtpStats stats = new RtpStats();
  final DtmfDetector dtmf;
  volatile Numbering numbering = Numbering.NONE;

  FlowState(Flow flow, int stream) {
    this.flow = flow;
    this.dtmf = new DtmfDetector(flow, stream);
  }

  /**
   * Payload types of a flow, indexed by the arriving number (0-127).
   *
   * @param map the departing number, or -1 to keep it; null when nothing changes
   * @param clock the RTP clock rate, 8000 when unknown
   * @param event whether it is telephone-event
   * @param codec {@link Recorder#PCMU}, {@link Recorder#PCMA} or {@link Recorder#OTHER}
   */
  record Numbering(int[] map, int[] clock, boolean[] event, int[] codec) {
    static final Numbering NONE = of(Map.of(), Map.of());

    /**
     * @param arriving payload types as the sender uses them (the SDP the relay sent it)
     * @param changes arriving to departing number, for the ones that differ
     */
    static Numbering of(Map<Integer, RtpMap> arriving, Map<Integer, Integer> changes) {
      int[] clock = new int[128];
      boolean[] event = new boolean[128];
      int[] codec = new int[128];
      Arrays.fill(clock, 8000);
      Arrays.fill(codec, Recorder.OTHER);
      codec[0] = Recorder.PCMU; // static types count even without a=rtpmap
      codec[8] = Recorder.PCMA;
      for (var e : arriving.entrySet()) {
        RtpMap r = e.getValue();
        int pt = e.getKey();
        clock[pt] = r.clockRate();
        event[pt] = r.encodingName().equalsIgnoreCase("telephone-event");
        codec[pt] =
            r.clockRate() != 8000
                ? Recorder.OTHER
                : r.encodingName().equalsIgnoreCase("PCMU")
                    ? Recorder.PCMU
                    : r.encodingName().equalsIgnoreCase("PCMA") ? Recorder.PCMA : Recorder.OTHER;
      }
      int[] map = null;
      if (!changes.isEmpty()) {
        map = new int[128];
        Arrays.fill(map, -1);
        for (var c : changes.entrySet()) {
          map[c.getKey()] = c.getValue();
        }
      }
      return new Numbering(map, clock, event, codec);
    }
  }
}
