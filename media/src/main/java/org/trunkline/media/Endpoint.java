package org.trunkline.media;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;

/**
 * One relay socket: the RTP or the RTCP port of one stream on one leg. A packet that arrives here
 * from the leg's party leaves through the {@link #partner} socket (same stream and kind, other leg)
 * towards the other party: bytes unchanged but for a mapped payload type.
 *
 * <p><b>Latching</b> (symmetric RTP): the far address is the source of the packets that arrive, not
 * the one in the SDP, which NAT makes wrong. To keep a stranger from stealing the stream, a new
 * source is accepted only if it is the signalled host (any port: NAT may rewrite it) or if it is
 * the first packet within {@link MediaConfig#latchWindow()} after the stream started or was
 * re-offered; anything else is dropped and counted. Before anything latched, packets go to the
 * signalled address.
 *
 * <p>Threads: {@code channelRead} runs on the session's event loop; the signalled address and the
 * window are written by the offering thread (volatile).
 */
@ChannelHandler.Sharable
final class Endpoint extends ChannelInboundHandlerAdapter {
  final RelayStream stream;
  final Leg leg;
  final boolean rtcp;
  int port; // set once bound, before any packet
  Endpoint partner;
  volatile Channel channel; // null until bound: a packet for an unbound partner is dropped
  volatile InetSocketAddress signalled;
  volatile InetSocketAddress latched;
  volatile long latchUntilNanos;
  long rejected; // loop only
  private boolean flushPending; // loop only

  Endpoint(RelayStream stream, Leg leg, boolean rtcp) {
    this.stream = stream;
    this.leg = leg;
    this.rtcp = rtcp;
  }

  /** Where packets for this leg's party go: the latched source, else the signalled address. */
  InetSocketAddress target() {
    InetSocketAddress l = latched;
    return l != null ? l : signalled;
  }

  /** Lets a new source latch for {@code windowNanos} from {@code now}. */
  void openLatch(long now, long windowNanos) {
    latchUntilNanos = now + windowNanos;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    DatagramPacket p = (DatagramPacket) msg;
    InetSocketAddress src = p.sender();
    long now = stream.session.nanoTime();
    if (!accept(src, now)) {
      rejected++;
      p.release();
      return;
    }
    Endpoint out = partner;
    InetSocketAddress dst = out.target();
    Channel via = out.channel;
    ByteBuf buf = p.content();
    if (!rtcp) {
      stream.arrived(this, buf, src, now);
    }
    if (dst == null || via == null) {
      p.release(); // the other side has no address yet (no answer): nowhere to go
      return;
    }
    via.write(new DatagramPacket(buf, dst), via.voidPromise());
    out.flushPending = true;
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    Endpoint out = partner;
    if (out.flushPending) {
      out.flushPending = false;
      out.channel.flush();
    }
  }

  private boolean accept(InetSocketAddress src, long now) {
    if (src.equals(latched)) {
      return true;
    }
    InetSocketAddress s = signalled;
    if (s != null && s.getAddress().equals(src.getAddress())) {
      latched = src;
      return true;
    }
    if (now - latchUntilNanos < 0) {
      latched = src;
      latchUntilNanos = now; // the first packet in the window wins; the window closes
      return true;
    }
    return false;
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    stream.session.log(this, cause); // e.g. ICMP port unreachable surfacing as an error
  }
}
