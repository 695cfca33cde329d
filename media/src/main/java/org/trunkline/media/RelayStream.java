package org.trunkline.media;

import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * One media description of a call: a socket pair (RTP, RTCP) on each leg, the two flows between
 * them, and what each leg signalled. Created and closed by the {@link MediaSession}; packets are
 * looked at on the session's event loop in {@link #arrived}.
 */
final class RelayStream {
  final MediaSession session;
  final int index;
  final String media;
  final Endpoint[] rtp = new Endpoint[2]; // by Leg ordinal
  final Endpoint[] rtcp = new Endpoint[2];
  final FlowState[] flows = {null, null}; // by Flow ordinal
  final long startNanos;
  volatile boolean held; // not sendrecv: the longer timeout applies, no one-way check
  volatile boolean isRtp = true;
  boolean silenceReported; // loop only
  boolean oneWayReported; // loop only
  boolean closed; // loop only

  volatile boolean answered; // timeouts count only once both sides spoke

  RelayStream(MediaSession session, int index, String media, long now) {
    this.session = session;
    this.index = index;
    this.media = media;
    this.startNanos = now;
    for (Leg leg : Leg.values()) {
      rtp[leg.ordinal()] = new Endpoint(this, leg, false);
      rtcp[leg.ordinal()] = new Endpoint(this, leg, true);
    }
    for (Leg leg : Leg.values()) {
      rtp[leg.ordinal()].partner = rtp[leg.other().ordinal()];
      rtcp[leg.ordinal()].partner = rtcp[leg.other().ordinal()];
    }
    for (Flow f : Flow.values()) {
      flows[f.ordinal()] = new FlowState(f, index);
    }
  }

  /** The relay's RTP port on {@code leg}. */
  int port(Leg leg) {
    return rtp[leg.ordinal()].port;
  }

  /** Takes what {@code leg} signalled and lets a new source latch for the window again. */
  void signal(Leg leg, StreamSignal sig, long now, long latchWindowNanos) {
    Endpoint r = rtp[leg.ordinal()];
    Endpoint c = rtcp[leg.ordinal()];
    r.signalled = sig.rtp();
    c.signalled = sig.rtcp();
    r.openLatch(now, latchWindowNanos);
    c.openLatch(now, latchWindowNanos);
    isRtp = sig.isRtp();
  }

  List<Endpoint> endpoints() {
    return List.of(rtp[0], rtcp[0], rtp[1], rtcp[1]);
  }

  /** An RTP-port packet from {@code at}'s party: counted, DTMF, recorded, payload type mapped. */
  void arrived(Endpoint at, ByteBuf buf, InetSocketAddress src, long now) {
    if (!isRtp) {
      return;
    }
    int headerLength = Rtp.headerLength(buf);
    if (headerLength < 0 || Rtp.isRtcp(buf)) {
      return; // not RTP, or RTCP multiplexed on this port (RFC 5761): relayed as is
    }
    FlowState flow = flows[at.leg.sending().ordinal()];
    FlowState.Numbering n = flow.numbering;
    int r = buf.readerIndex();
    int b1 = buf.getUnsignedByte(r + 1);
    int pt = b1 & 0x7f;
    long ts = buf.getUnsignedInt(r + 4);
    flow.stats.packet(
        buf.getInt(r + 8),
        buf.getUnsignedShort(r + 2),
        ts,
        buf.readableBytes(),
        now,
        n.clock()[pt]);
    if (n.event()[pt]) {
      flow.dtmf.packet(
          ts,
          buf.slice(r + headerLength, buf.readableBytes() - headerLength),
          n.clock()[pt],
          session::dtmf);
    }
    Recorder rec = session.recorder;
    if (rec != null) {
      rec.packet(
          flow.flow,
          index,
          buf,
          n.codec()[pt],
          now,
          src,
          (InetSocketAddress) at.channel.localAddress());
    }
    int[] map = n.map();
    if (map != null && map[pt] >= 0) {
      buf.setByte(r + 1, (b1 & 0x80) | map[pt]);
    }
  }
}
