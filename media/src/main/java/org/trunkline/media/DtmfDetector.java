package org.trunkline.media;

import io.netty.buffer.ByteBuf;
import java.util.function.Consumer;

/**
 * Finds the end of RFC 4733 telephone events in one flow. An event is one RTP timestamp; its end
 * packet (E bit) is sent three times (RFC 4733 §2.5.1.4) and reported once. An event whose end
 * packets were all lost is reported when the next event (another timestamp) starts. Only the
 * session's event loop touches an instance.
 */
final class DtmfDetector {
  private final Flow flow;
  private final int stream;
  private long reportedTimestamp = -1; // the event already reported
  private long openTimestamp = -1; // an event seen without its end yet
  private int openEvent;
  private int openDuration;
  private int openVolume;
  private int openClock;

  DtmfDetector(Flow flow, int stream) {
    this.flow = flow;
    this.stream = stream;
  }

  /**
   * Looks at the payload of a telephone-event packet.
   *
   * @param payload the RTP payload (reader index at its first byte)
   * @param out gets each event that ended (at most two: one whose end was lost, and this one)
   */
  void packet(long timestamp, ByteBuf payload, int clockRate, Consumer<DtmfEvent> out) {
    if (payload.readableBytes() < 4) {
      return;
    }
    int at = payload.readerIndex();
    int event = payload.getUnsignedByte(at);
    int flags = payload.getUnsignedByte(at + 1);
    int duration = payload.getUnsignedShort(at + 2);
    boolean end = (flags & 0x80) != 0;
    if (openTimestamp >= 0 && openTimestamp != timestamp && openTimestamp != reportedTimestamp) {
      out.accept(event(openEvent, openDuration, openVolume, openClock)); // its ends were lost
      reportedTimestamp = openTimestamp;
      openTimestamp = -1;
    }
    if (timestamp == reportedTimestamp) {
      return; // a retransmitted end packet
    }
    if (end) {
      reportedTimestamp = timestamp;
      openTimestamp = -1;
      out.accept(event(event, duration, flags & 0x3f, clockRate));
      return;
    }
    openTimestamp = timestamp;
    openEvent = event;
    openDuration = duration;
    openVolume = flags & 0x3f;
    openClock = clockRate;
  }

  private DtmfEvent event(int event, int duration, int volume, int clockRate) {
    return new DtmfEvent(flow, stream, event, (int) (duration * 1000L / clockRate), volume);
  }
}
