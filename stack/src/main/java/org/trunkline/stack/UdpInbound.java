package org.trunkline.stack;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.flush.FlushConsolidationHandler;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trunkline.sip.SipMessage;
import org.trunkline.sip.SipParser;

/**
 * One datagram = one message (§18.3); a stateless answer goes back to the source (§18.2.2, RFC
 * 3581), the rest to the transaction layers, each on the loop its Call-ID hashes to, without a
 * per-sender queue: one Call-ID's messages keep their order (one FIFO loop), UDP promises no order
 * between them (§18).
 */
final class UdpInbound extends SimpleChannelInboundHandler<DatagramPacket> {
  private static final Logger LOG = LoggerFactory.getLogger(UdpInbound.class);

  private final SipParser parser;
  private final MessageHandler handler;
  private final SipCounters counters;
  private final Tapping tapping;
  private final String listenPoint;

  /**
   * @param listenPoint the name of the listen point this socket serves
   */
  UdpInbound(
      SipParser parser,
      MessageHandler handler,
      SipCounters counters,
      Tapping tapping,
      String listenPoint) {
    this.listenPoint = listenPoint;
    this.parser = parser;
    this.handler = handler;
    this.counters = counters;
    this.tapping = tapping;
  }

  /**
   * How many flushes one read batch may hold back before the socket writes them anyway: more than
   * the datagrams one wake reads (Netty's 16 per read) times the sends each one makes.
   */
  static final int MAX_HELD_FLUSHES = 256;

  /**
   * A UDP socket's handlers: {@code inbound} behind a {@link FlushConsolidationHandler}, so that
   * the datagrams sent on this socket by its own loop while it handles one wake's reads (the {@code
   * 100 Trying} and the forwarded INVITE of one read, the sends of several reads) are written by
   * one {@code sendmmsg} at {@code channelReadComplete} instead of one {@code sendmsg} each. A send
   * outside a read (a timer, another loop or thread) is flushed at once, as before. Each send keeps
   * its own promise: a failure is still reported per datagram.
   */
  static ChannelHandler withBatchedSends(ChannelHandler inbound) {
    return new ChannelInitializer<Channel>() {
      @Override
      protected void initChannel(Channel ch) {
        ch.pipeline().addLast(new FlushConsolidationHandler(MAX_HELD_FLUSHES, false), inbound);
      }
    };
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
    ByteBuf content = packet.content();
    if (isKeepAlive(content)) {
      counters.keepAlives.increment();
      return; // RFC 5626 §4.4.1: STUN / CRLF keep-alives over UDP carry no SIP
    }
    // the message owns its bytes: a transaction or a call may keep it after the read buffer is
    // reused
    byte[] bytes = copy(content);
    InetSocketAddress sender = packet.sender();
    tapping.tap(
        TraceTap.Direction.IN, Transport.UDP, ctx.channel(), sender, bytes, 0, bytes.length);
    SipMessage m = parser.parseDatagram(bytes);
    byte[] answer = handler.handle(m, Transport.UDP, sender, listenPoint, null);
    if (answer != null) {
      tapping.tap(
          TraceTap.Direction.OUT, Transport.UDP, ctx.channel(), sender, answer, 0, answer.length);
      // nobody waits for this send: a failure is only logged (exceptionCaught)
      ctx.writeAndFlush(
          new DatagramPacket(ServerSink.datagram(ctx.channel(), answer), sender),
          ctx.voidPromise());
    }
  }

  /**
   * The datagram's bytes in an array of their own, copied through the buffer's internal NIO view
   * when it has one: {@code getBytes} on the slice Netty reads a datagram into makes a {@code
   * ByteBuffer} duplicate per copy (~64 bytes per message, bench/RESULTS.md, branch alloc11).
   */
  static byte[] copy(ByteBuf content) {
    int n = content.readableBytes();
    byte[] bytes = new byte[n];
    if (content.nioBufferCount() == 1) {
      content.internalNioBuffer(content.readerIndex(), n).get(bytes);
    } else {
      content.getBytes(content.readerIndex(), bytes);
    }
    return bytes;
  }

  private static boolean isKeepAlive(ByteBuf b) {
    for (int i = b.readerIndex(), end = b.writerIndex(); i < end; i++) {
      byte c = b.getByte(i);
      if (c != '\r' && c != '\n' && c != ' ' && c != '\t' && c != 0) {
        return false;
      }
    }
    return true;
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // e.g. ICMP port unreachable surfaced as an exception: never fatal for a UDP socket
    LOG.debug("UDP {}: {}", ctx.channel().localAddress(), cause.toString());
  }
}
