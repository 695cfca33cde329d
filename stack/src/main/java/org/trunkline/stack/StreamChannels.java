package org.trunkline.stack;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.Promise;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trunkline.sip.SipParser;
import org.trunkline.stack.transaction.Peer;

/**
 * Sets up TCP and TLS connections, accepted and outbound alike: [TLS,] idle timers, {@link
 * TcpInbound} (framing and timeouts exactly as TCP), entered in {@link Transports} until closed.
 * Accepted connections beyond a listen point's per-source limit are closed at once and counted.
 * Outbound ones connect without blocking, from the named listen point's address when the peer names
 * one, and verify the server's certificate (TLS). Thread-safe once {@link #handler} is set.
 */
final class StreamChannels {
  private static final Logger LOG = LoggerFactory.getLogger(StreamChannels.class);

  private final SipParser parser;
  private final SipCounters counters;
  private final Tapping tapping;
  private final StreamTimeouts timeouts;
  private final Transports transports;
  private final EventLoopGroup group;
  private volatile MessageHandler handler;
  private volatile SslContext defaultClient;

  StreamChannels(
      SipParser parser,
      SipCounters counters,
      Tapping tapping,
      StreamTimeouts timeouts,
      Transports transports,
      EventLoopGroup group) {
    this.parser = parser;
    this.counters = counters;
    this.tapping = tapping;
    this.timeouts = timeouts;
    this.transports = transports;
    this.group = group;
  }

  /** Where received messages go; set once, before any channel opens. */
  void handler(MessageHandler handler) {
    this.handler = handler;
  }

  /** The child handler of a TCP or TLS listen point's server channel. */
  ChannelInitializer<SocketChannel> acceptor(ListenPoint lp, TlsContexts tls) {
    ConnectionLimit limit = new ConnectionLimit(lp.maxConnectionsPerSource());
    return new ChannelInitializer<>() {
      @Override
      protected void initChannel(SocketChannel ch) {
        InetSocketAddress remote = ch.remoteAddress();
        if (!limit.tryAcquire(remote.getAddress())) {
          counters.connectionsRefused.increment();
          LOG.debug(
              "refused {} connection from {} on {}: {} open from that address already",
              lp.transport(),
              MessageHandler.format(remote),
              lp.name(),
              lp.maxConnectionsPerSource());
          ch.close();
          return;
        }
        ch.closeFuture().addListener(f -> limit.release(remote.getAddress()));
        if (tls != null) {
          ch.pipeline().addLast(new SniHandler(tls.server()));
        }
        pipeline(ch, lp.transport(), lp.name());
        transports.accepted(ch, lp.transport(), lp.name());
      }
    };
  }

  /**
   * Starts a connection to {@code to} on {@code loop} (the caller's, so that the connection lives
   * where its transaction layer does). Never blocks; the connection may fail later.
   *
   * @throws IllegalArgumentException if {@code to} names a listen point that is missing or of
   *     another transport, or its address is unresolved (resolving would block)
   */
  Transports.Connection open(Peer to, EventLoop loop) {
    if (to.address().isUnresolved()) {
      throw new IllegalArgumentException("unresolved address " + to.address().getHostString());
    }
    Transports.Local local = null;
    if (to.listenPoint() != null) {
      local = transports.local(to.listenPoint());
      if (local == null || local.config().transport() != to.transport()) {
        throw new IllegalArgumentException(
            local == null
                ? "no listen point named " + to.listenPoint()
                : "listen point "
                    + to.listenPoint()
                    + " is "
                    + local.config().transport().token()
                    + ", not "
                    + to.transport().token());
      }
    }
    SslContext client = to.transport() == Transport.TLS ? clientContext(local) : null;
    String name = to.listenPoint();
    EventLoop on = loop != null ? loop : group.next();
    // TLS: ready once the handshake verified the server, so nothing is written to an impostor
    Promise<Void> handshake = client == null ? null : on.newPromise();
    Bootstrap b =
        new Bootstrap()
            .group(on)
            .channel(Netty.socketChannel())
            .option(ChannelOption.TCP_NODELAY, true)
            .option(
                ChannelOption.CONNECT_TIMEOUT_MILLIS,
                (int) Math.min(Integer.MAX_VALUE, timeouts.connect().toMillis()))
            .handler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    if (client != null) {
                      // the host name (if the address has one) goes to SNI and the name check
                      InetSocketAddress a = to.address();
                      SslHandler ssl =
                          client.newHandler(ch.alloc(), a.getHostString(), a.getPort());
                      ssl.handshakeFuture()
                          .addListener(f -> {
                            if (f.isSuccess()) {
                              handshake.trySuccess(null);
                            } else {
                              handshake.tryFailure(f.cause());
                            }
                          });
                      ch.pipeline().addLast(ssl);
                    }
                    pipeline(ch, to.transport(), name);
                  }
                });
    if (local != null) {
      // a dedicated local address: the listen point's, any port (its own is taken by listening)
      b.localAddress(new InetSocketAddress(local.bound().getAddress(), 0));
    }
    ChannelFuture connect = b.connect(to.address());
    LOG.debug("connecting {} to {} from {}", to.transport(), to, name == null ? "any" : name);
    if (handshake == null) {
      return new Transports.Connection(connect.channel(), connect);
    }
    connect.addListener(f -> {
      if (!f.isSuccess()) {
        handshake.tryFailure(f.cause());
      }
    });
    // a handshake that fails closes the channel; one closed before it ends fails it
    connect
        .channel()
        .closeFuture()
        .addListener(f ->
            handshake.tryFailure(
                new javax.net.ssl.SSLException(
                    "connection closed before the TLS handshake ended")));
    return new Transports.Connection(connect.channel(), handshake);
  }

  private SslContext clientContext(Transports.Local local) {
    if (local == null) {
      local = transports.first(Transport.TLS);
    }
    if (local != null && local.tls() != null) {
      return local.tls().client();
    }
    SslContext c = defaultClient;
    if (c == null) {
      try {
        // no TLS listen point: verify servers against the JDK's trust store, no client certificate
        c =
            SslContextBuilder.forClient()
                .sslProvider(SslProvider.JDK)
                .endpointIdentificationAlgorithm("HTTPS")
                .build();
      } catch (SSLException e) {
        throw new IllegalStateException("cannot make the default TLS client context", e);
      }
      defaultClient = c;
    }
    return c;
  }

  private void pipeline(Channel ch, Transport transport, String listenPoint) {
    ch.pipeline()
        .addLast(
            new IdleStateHandler(
                timeouts.partialMessage().toMillis(),
                0,
                timeouts.idle().toMillis(),
                TimeUnit.MILLISECONDS))
        .addLast(new TcpInbound(parser, handler, counters, tapping, transport, listenPoint));
  }
}
