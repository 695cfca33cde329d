package org.trunkline.stack;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import java.net.InetSocketAddress;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trunkline.sip.ErrorKind;
import org.trunkline.sip.SipMessage;
import org.trunkline.sip.SipParser;
import org.trunkline.sip.StreamFramer;

/**
 * Frames a TCP stream (plain, or under an SslHandler for TLS) into messages with {@link
 * StreamFramer}; stateless answers go back on the same connection, the rest to the transaction
 * layers (whose answers come back on it too: the connection is known to {@link Transports} by its
 * remote address and listen point while open). Accepted and outbound connections alike. When the
 * stream cannot be framed any more (too large, unreadable Content-Length) the answer is sent and
 * the connection closed (RFC 4475 §3.3.9: "the connection should be closed"). One instance per
 * connection.
 */
final class TcpInbound extends ByteToMessageDecoder {
  private static final Logger LOG = LoggerFactory.getLogger(TcpInbound.class);
  private static final byte[] CRLF = {'\r', '\n'};

  private final Tapping tapping;
  private final SipParser parser;
  private final StreamFramer framer;
  private final MessageHandler handler;
  private final SipCounters counters;
  private final Transport transport;
  private final String listenPoint;
  private InOrder order;

  /**
   * @param transport TCP or TLS
   * @param listenPoint the name of the listen point the connection belongs to (accepted on, or
   *     opened from), or null for an outbound connection from any local address
   */
  TcpInbound(
      SipParser parser,
      MessageHandler handler,
      SipCounters counters,
      Tapping tapping,
      Transport transport,
      String listenPoint) {
    this.transport = transport;
    this.listenPoint = listenPoint;
    this.tapping = tapping;
    this.parser = parser;
    this.framer = new StreamFramer(parser.limits());
    this.handler = handler;
    this.counters = counters;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    order = new InOrder(ctx.executor());
  }

  /** Writes after what the layers still do for this connection: answers keep arrival order. */
  private void write(
      ChannelHandlerContext ctx, InetSocketAddress peer, byte[] bytes, boolean close) {
    order.run(
        peer,
        ctx.executor(),
        () -> {
          if (bytes != null && bytes != CRLF) {
            tapping.tap(
                TraceTap.Direction.OUT, transport, ctx.channel(), peer, bytes, 0, bytes.length);
          }
          if (bytes == null) {
            ctx.close();
          } else if (close) {
            ctx.writeAndFlush(Unpooled.wrappedBuffer(bytes))
                .addListener(ChannelFutureListener.CLOSE);
          } else {
            ctx.writeAndFlush(Unpooled.wrappedBuffer(bytes));
          }
        });
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    InetSocketAddress peer = (InetSocketAddress) ctx.channel().remoteAddress();
    // One copy per read; frames are parsed in place (a message keeps its slice of this array).
    int n = Math.min(in.readableBytes(), parser.limits().maxMessageBytes() + 1);
    byte[] bytes = new byte[n];
    in.getBytes(in.readerIndex(), bytes);
    int off = 0;
    while (off < n && ctx.channel().isActive()) {
      StreamFramer.Frame f = framer.frame(bytes, off, n - off);
      switch (f.kind()) {
        case NEED_MORE -> {
          in.skipBytes(off);
          return;
        }
        case PING -> {
          counters.keepAlives.increment();
          write(ctx, peer, CRLF, false);
        }
        case PONG -> {}
        case MESSAGE -> {
          tapping.tap(
              TraceTap.Direction.IN, transport, ctx.channel(), peer, bytes, off, f.length());
          SipMessage m = parser.parseFramed(bytes, off, f.length());
          byte[] answer = handler.handle(m, transport, peer, listenPoint, order);
          if (m.error() != null && m.error().kind() == ErrorKind.MISSING_CONTENT_LENGTH) {
            // §18.3: without Content-Length the end of this message is unknown, so what follows
            // cannot be framed either: answer, then close (RFC 4475 inv2543 is a datagram case).
            in.skipBytes(in.readableBytes());
            counters.closedConnections.increment();
            write(ctx, peer, answer, true);
            return;
          }
          if (answer != null) {
            write(ctx, peer, answer, false);
          }
        }
        case TOO_LARGE, BAD_FRAMING -> {
          // Answer what can be read of it, then give up on this stream.
          in.skipBytes(in.readableBytes());
          tapping.tap(TraceTap.Direction.IN, transport, ctx.channel(), peer, bytes, off, n - off);
          SipMessage m = parser.parseDatagram(bytes, off, n - off);
          byte[] answer =
              f.kind() == StreamFramer.Kind.TOO_LARGE
                  ? handler.tooLarge(m, transport.name(), peer)
                  : handler.handle(m, transport, peer, listenPoint, order);
          counters.closedConnections.increment();
          LOG.debug(
              "closing {} connection from {}: {}",
              transport,
              MessageHandler.format(peer),
              f.kind());
          write(ctx, peer, answer, true);
          return;
        }
        default -> throw new IllegalStateException("unknown frame kind " + f.kind());
      }
      off += f.length();
    }
    in.skipBytes(off);
  }

  /**
   * Closes a connection stuck on a partial message, or idle too long (see {@link StreamTimeouts}).
   */
  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt instanceof IdleStateEvent e) {
      boolean partial = e.state() == IdleState.READER_IDLE && actualReadableBytes() > 0;
      if (partial || e.state() == IdleState.ALL_IDLE) {
        counters.closedConnections.increment();
        LOG.debug(
            "closing {} connection from {}: {}",
            transport,
            ctx.channel().remoteAddress(),
            partial
                ? "incomplete message (" + actualReadableBytes() + " bytes) and no more data"
                : "idle");
        ctx.close();
      }
      return;
    }
    super.userEventTriggered(ctx, evt);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    LOG.debug(
        "{} connection with {}: {}", transport, ctx.channel().remoteAddress(), cause.toString());
    ctx.close();
  }
}
