package org.trunkline.stack;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.DefaultChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trunkline.sip.SipMessage;
import org.trunkline.sip.SipParseException;
import org.trunkline.sip.SipParser;
import org.trunkline.sip.Via;
import org.trunkline.stack.transaction.MessageSink;
import org.trunkline.stack.transaction.Peer;

/**
 * Where one transaction layer's messages go out. UDP: from the peer's listen point (the one a
 * request came in on), else the first of the address family; of its sockets (one per event loop on
 * epoll, {@code SO_REUSEPORT}), the one on this layer's loop, so an answer leaves without a hop to
 * the loop that received the request. TCP/TLS: on the open connection to the peer (through its
 * listen point if it names one); with none open, a request opens one, and a response one to the
 * received address and the top Via's sent-by port (§18.2.2); what is sent meanwhile waits for the
 * connect. Failures are reported on the layer's loop, as {@link MessageSink} asks. Thread-safe: the
 * server's transaction user may send from any thread. A UDP send made on a socket's loop while that
 * socket's reads are handled is written with the wake's other sends at its end ({@link
 * UdpInbound#withBatchedSends}); any other send is written at once.
 */
final class ServerSink implements MessageSink {
  private static final Logger LOG = LoggerFactory.getLogger(ServerSink.class);

  private final EventExecutor loop;
  private final Transports transports;
  private final StreamChannels streams;
  private final SipParser parser;
  private final SipCounters counters;
  private final Tapping tapping;

  ServerSink(
      EventExecutor loop,
      Transports transports,
      StreamChannels streams,
      SipParser parser,
      SipCounters counters,
      Tapping tapping) {
    this.loop = loop;
    this.transports = transports;
    this.streams = streams;
    this.parser = parser;
    this.counters = counters;
    this.tapping = tapping;
  }

  @Override
  public void send(Peer to, byte[] message, SendFailure onFailure) {
    boolean response = isResponse(message);
    if (response) {
      counters.responsesOut.increment();
    }
    if (to.transport() == Transport.UDP) {
      Channel ch = transports.udp(to, loop);
      if (ch == null) {
        fail(
            to,
            onFailure,
            to.listenPoint() == null
                ? "no UDP socket"
                : "no UDP listen point named " + to.listenPoint());
        return;
      }
      tapping.tap(
          TraceTap.Direction.OUT, Transport.UDP, ch, to.address(), message, 0, message.length);
      Sending sending = new Sending(ch, this, to, onFailure);
      sending.addListener(REPORT);
      ch.writeAndFlush(new DatagramPacket(datagram(ch, message), to.address()), sending);
      return;
    }
    Peer target = to;
    Transports.Connection c = transports.connection(to);
    if (c == null && response) {
      target = sentBy(message, to);
      c = transports.connection(target);
    }
    if (c == null) {
      Peer connectTo = target;
      try {
        c = transports.connectionOrOpen(connectTo, () -> open(connectTo));
      } catch (IllegalArgumentException e) {
        fail(to, onFailure, "cannot connect to " + connectTo + ": " + e.getMessage());
        return;
      }
    }
    Transports.Connection conn = c;
    Peer where = target;
    Future<?> ready = conn.ready();
    if (ready.isDone()) {
      write(conn, where, to, message, onFailure);
    } else {
      ready.addListener(f -> write(conn, where, to, message, onFailure));
    }
  }

  /**
   * {@code message} in the buffer the socket writes from: a pooled direct one filled here, so the
   * epoll channel does not wrap it in a second packet and copy it (as it does a heap buffer); a
   * heap wrapper when the allocator pools no direct memory (the channel then copies as it likes).
   */
  static ByteBuf datagram(Channel ch, byte[] message) {
    ByteBufAllocator a = ch.alloc();
    return a.isDirectBufferPooled()
        ? a.directBuffer(message.length, message.length).writeBytes(message)
        : Unpooled.wrappedBuffer(message);
  }

  /**
   * The promise of one UDP send, knowing whom to tell of a failure: one object per send and one
   * listener for all ({@link #REPORT}), where a promise and a capturing listener were two
   * (bench/RESULTS.md, stop 15, branch alloc2).
   */
  private static final class Sending extends DefaultChannelPromise {
    final ServerSink sink;
    final Peer to;
    final SendFailure onFailure;

    Sending(Channel ch, ServerSink sink, Peer to, SendFailure onFailure) {
      super(ch);
      this.sink = sink;
      this.to = to;
      this.onFailure = onFailure;
    }
  }

  private static final ChannelFutureListener REPORT =
      f -> {
        if (!f.isSuccess()) {
          Sending s = (Sending) f;
          s.sink.fail(s.to, s.onFailure, String.valueOf(f.cause()));
        }
      };

  private Transports.Connection open(Peer to) {
    counters.connectionsOpened.increment();
    Transports.Connection c = streams.open(to, loop instanceof EventLoop el ? el : null);
    c.ready()
        .addListener(f -> {
          if (!f.isSuccess()) {
            counters.connectFailures.increment();
            LOG.debug("{} connection to {} failed: {}", to.transport(), to, f.cause().toString());
          }
        });
    return c;
  }

  private void write(
      Transports.Connection c, Peer where, Peer to, byte[] message, SendFailure onFailure) {
    if (!c.ready().isSuccess()) {
      fail(to, onFailure, "connect to " + where + " failed: " + c.ready().cause());
      return;
    }
    Channel ch = c.channel();
    tapping.tap(
        TraceTap.Direction.OUT, where.transport(), ch, where.address(), message, 0, message.length);
    ch.writeAndFlush(Unpooled.wrappedBuffer(message))
        .addListener(f -> {
          if (!f.isSuccess()) {
            fail(to, onFailure, String.valueOf(f.cause()));
          }
        });
  }

  /**
   * §18.2.2: "the server SHOULD open a connection to the IP address in the received parameter,
   * using the port in the sent-by value, or the default port for that transport".
   */
  private Peer sentBy(byte[] response, Peer to) {
    int port = -1;
    try {
      SipMessage m = parser.parseDatagram(response);
      Via v = m.topVia();
      port = v == null ? -1 : v.port();
    } catch (SipParseException e) {
      // our own response: cannot happen; fall back to the default port
    }
    if (port <= 0) {
      port = to.transport().defaultPort();
    }
    return new Peer(
        to.transport(), new InetSocketAddress(to.address().getAddress(), port), to.listenPoint());
  }

  private void fail(Peer to, SendFailure onFailure, String why) {
    loop.execute(() -> onFailure.sendFailed(to, why));
  }

  private static boolean isResponse(byte[] m) {
    return m.length > 4 && m[0] == 'S' && m[1] == 'I' && m[2] == 'P' && m[3] == '/';
  }
}
