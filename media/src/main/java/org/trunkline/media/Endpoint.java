package org.trunkline.media;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.unix.Socket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

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
 * <p><b>Sending</b>: on epoll, a packet leaves with one {@code sendto} on the partner's socket
 * straight from {@code channelRead} (both sockets belong to the session's loop), without a {@code
 * DatagramPacket}, a pipeline pass, the outbound queue or a flush. Should that socket's send buffer
 * be full, or packets be queued on it already, the packet takes Netty's queued write instead, so
 * none is dropped and none overtakes another. NIO always takes the queued write.
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
    out.send(via, buf, dst);
  }

  /**
   * Sends {@code buf} (released here) from this endpoint's socket {@code via} to {@code dst}; on
   * the session's loop only.
   */
  private void send(Channel via, ByteBuf buf, InetSocketAddress dst) {
    if (via instanceof EpollDatagramChannel e
        && e.isOpen() // closed on this loop too: the descriptor is ours until then
        && e.fd() instanceof Socket socket
        && !flushPending
        && idle(e)
        && buf.nioBufferCount() == 1) {
      try {
        int sent;
        if (buf.hasMemoryAddress()) {
          sent =
              socket.sendToAddress(
                  buf.memoryAddress(),
                  buf.readerIndex(),
                  buf.writerIndex(),
                  dst.getAddress(),
                  dst.getPort());
        } else {
          ByteBuffer nio = buf.internalNioBuffer(buf.readerIndex(), buf.readableBytes());
          sent = socket.sendTo(nio, nio.position(), nio.limit(), dst.getAddress(), dst.getPort());
        }
        if (sent > 0) {
          buf.release();
          return;
        }
        // 0: the send buffer is full (EAGAIN); queue it, Netty sends it once writable
      } catch (IOException ex) {
        buf.release();
        stream.session.log(this, ex);
        return;
      }
    }
    via.write(new DatagramPacket(buf, dst), via.voidPromise());
    flushPending = true;
  }

  /** Nothing is queued on {@code ch} (a queued packet must leave first). */
  private static boolean idle(Channel ch) {
    ChannelOutboundBuffer queued = ch.unsafe().outboundBuffer();
    return queued != null && queued.isEmpty();
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
