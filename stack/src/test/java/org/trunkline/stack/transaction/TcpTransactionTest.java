package org.trunkline.stack.transaction;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.trunkline.sip.SipMessage;
import org.trunkline.sip.SipParser;
import org.trunkline.sip.StreamFramer;
import org.trunkline.stack.Transport;

/**
 * The cases of {@link UdpTransactionTest} over real TCP connections on loopback: each node's layer
 * on one event loop of its own (connections may live on others and hop over, as in the server),
 * responses on the connection the request came on (§18.2.2), requests on one connection per peer.
 * On a reliable transport nothing is retransmitted and Timers D, I, J, K are zero. Waits on
 * futures, never sleeps.
 */
class TcpTransactionTest {
  final EventLoopGroup group = new MultiThreadIoEventLoopGroup(3, NioIoHandler.newFactory());

  @AfterEach
  void close() {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  @Test
  void inviteRingingOkAckOverTcp() throws Exception {
    Node alice = new Node();
    Node bob = new Node();
    CompletableFuture<SipMessage> acked = new CompletableFuture<>();
    CompletableFuture<List<Integer>> done = new CompletableFuture<>();
    bob.tu.onRequest =
        (tx, m) -> {
          tx.respond(180, "Ringing");
          bob.scheduler.schedule(() -> tx.respond(200, "OK"), 50_000_000L);
        };
    alice.tu.onResponse =
        (tx, m) -> {
          if (m.status() == 200) {
            alice.layer.sendStateless(
                Requests.ackFor2xx(m, alice.address, bob.address, alice.layer.newBranch()),
                alice.peer(bob));
            done.complete(alice.tu.statuses());
          }
        };
    bob.onAck = acked;
    alice.onLoop(() ->
        alice.layer.sendRequest(
            Requests.bytes(
                Requests.request(
                    "INVITE", alice.address, bob.address, alice.layer.newBranch(), "t1@x", 1)),
            alice.peer(bob)));
    assertThat(done.get(5, TimeUnit.SECONDS)).containsExactly(180, 200);
    assertThat(acked.get(5, TimeUnit.SECONDS).cseqNumber()).isEqualTo(1);
    assertThat(bob.onLoop(() -> bob.tu.requests.size())).isEqualTo(1);
    // reliable: the 2xx was never retransmitted, and the INVITE neither
    assertThat(bob.layer.counters().retransmissionsOut.sum()).isZero();
    assertThat(alice.layer.counters().retransmissionsOut.sum()).isZero();
  }

  @Test
  void cancelOfAPendingInviteOverTcp() throws Exception {
    Node alice = new Node();
    Node bob = new Node();
    CompletableFuture<Void> terminated = new CompletableFuture<>();
    bob.tu.onRequest = (tx, m) -> tx.respond(180, "Ringing");
    alice.tu.onResponse =
        (tx, m) -> {
          if (m.status() == 180) {
            ((ClientInviteTransaction) tx).cancel();
          } else if (m.status() == 487) {
            terminated.complete(null);
          }
        };
    alice.onLoop(() ->
        alice.layer.sendRequest(
            Requests.bytes(
                Requests.request(
                    "INVITE", alice.address, bob.address, alice.layer.newBranch(), "t2@x", 1)),
            alice.peer(bob)));
    terminated.get(5, TimeUnit.SECONDS);
    assertThat(alice.onLoop(alice.tu::statuses)).containsExactly(180, 200, 487);
    assertThat(bob.onLoop(() -> bob.tu.cancels.size())).isEqualTo(1);
    // §17.2.1: the ACK for the 487 came on the connection; reliable, so Timer I is zero and the
    // INVITE transaction is gone at once
    assertThat(
            CompletableFuture.supplyAsync(
                    () -> {
                      try {
                        while (bob.onLoop(bob.layer::openTransactions) > 0) {
                          Thread.onSpinWait();
                        }
                        return true;
                      } catch (Exception e) {
                        return false;
                      }
                    })
                .get(5, TimeUnit.SECONDS))
        .isTrue();
  }

  /** A TCP listener on loopback with a layer on one event loop. */
  final class Node {
    final RecordingUser tu = new RecordingUser();
    final EventLoop loop = group.next();
    final EventLoopScheduler scheduler = new EventLoopScheduler(loop);
    final SipParser parser = new SipParser();

    /** Connections by remote address: accepted ones, and the ones we opened to a peer. */
    final Map<InetSocketAddress, ChannelFuture> connections = new ConcurrentHashMap<>();

    final Channel listener;
    final InetSocketAddress address;
    final TransactionLayer layer;
    CompletableFuture<SipMessage> onAck = new CompletableFuture<>();

    Node() throws InterruptedException {
      this.listener =
          new ServerBootstrap()
              .group(group)
              .channel(NioServerSocketChannel.class)
              .childHandler(initializer(true))
              .bind(new InetSocketAddress("127.0.0.1", 0))
              .sync()
              .channel();
      this.address = (InetSocketAddress) listener.localAddress();
      MessageSink sink = this::send;
      RecordingUser recording = tu;
      this.layer =
          new TransactionLayer(
              UdpTransactionTest.FAST,
              scheduler,
              sink,
              new TransactionUser() {
                @Override
                public void onRequest(ServerTransaction tx, SipMessage request) {
                  recording.onRequest(tx, request);
                }

                @Override
                public void onResponse(ClientTransaction tx, SipMessage response) {
                  recording.onResponse(tx, response);
                }

                @Override
                public void onTimeout(Transaction tx) {
                  recording.onTimeout(tx);
                }

                @Override
                public void onTransportError(Transaction tx, String reason) {
                  recording.onTransportError(tx, reason);
                }

                @Override
                public void onCancel(ServerTransaction invite, SipMessage cancel) {
                  recording.onCancel(invite, cancel);
                }

                @Override
                public void onAck(ServerTransaction invite, SipMessage ack) {
                  recording.onAck(invite, ack);
                  onAck.complete(ack);
                }
              });
    }

    /** The sink: the open connection to the peer, or a new one; failures back on the loop. */
    void send(Peer to, byte[] message, MessageSink.SendFailure onFailure) {
      ChannelFuture cf =
          connections.computeIfAbsent(
              to.address(),
              a ->
                  new Bootstrap()
                      .group(group)
                      .channel(NioSocketChannel.class)
                      .handler(initializer(false))
                      .connect(a));
      cf.addListener(f -> {
        if (!f.isSuccess()) {
          loop.execute(() -> onFailure.sendFailed(to, String.valueOf(f.cause())));
          return;
        }
        cf.channel()
            .writeAndFlush(Unpooled.wrappedBuffer(message))
            .addListener(w -> {
              if (!w.isSuccess()) {
                loop.execute(() -> onFailure.sendFailed(to, String.valueOf(w.cause())));
              }
            });
      });
    }

    ChannelInitializer<SocketChannel> initializer(boolean accepted) {
      return new ChannelInitializer<>() {
        @Override
        protected void initChannel(SocketChannel ch) {
          if (accepted) {
            connections.put(ch.remoteAddress(), ch.newSucceededFuture());
          }
          ch.pipeline().addLast(new Framer());
        }
      };
    }

    /** Frames the stream by Content-Length; each message hops to the layer's loop. */
    final class Framer extends ByteToMessageDecoder {
      final StreamFramer framer = new StreamFramer(parser.limits());

      @Override
      protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        byte[] bytes = new byte[in.readableBytes()];
        in.getBytes(in.readerIndex(), bytes);
        int off = 0;
        while (off < bytes.length) {
          StreamFramer.Frame f = framer.frame(bytes, off, bytes.length - off);
          if (f.kind() == StreamFramer.Kind.NEED_MORE) {
            break;
          }
          assertThat(f.kind()).isEqualTo(StreamFramer.Kind.MESSAGE);
          SipMessage m = parser.parseFramed(bytes, off, f.length());
          Peer from = new Peer(Transport.TCP, (InetSocketAddress) ctx.channel().remoteAddress());
          loop.execute(() -> layer.receive(m, from));
          off += f.length();
        }
        in.skipBytes(off);
      }
    }

    Peer peer(Node other) {
      return new Peer(Transport.TCP, other.address);
    }

    <T> T onLoop(Callable<T> task) throws Exception {
      return loop.submit(task).get(5, TimeUnit.SECONDS);
    }
  }
}
