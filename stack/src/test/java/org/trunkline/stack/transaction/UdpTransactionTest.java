package org.trunkline.stack.transaction;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.trunkline.sip.SipMessage;
import org.trunkline.sip.SipParser;
import org.trunkline.stack.Transport;

/**
 * The transaction layer over real UDP sockets on loopback, each layer on its channel's event loop
 * with an {@link EventLoopScheduler} (the wiring the server will use), T1 shortened to 20 ms. Waits
 * on futures, never sleeps.
 */
class UdpTransactionTest {
  static final TransactionConfig FAST =
      new TransactionConfig(
          Duration.ofMillis(20),
          Duration.ofMillis(160),
          Duration.ofMillis(200),
          Duration.ofMillis(200),
          Duration.ofSeconds(32),
          Duration.ofSeconds(180));

  final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());

  @AfterEach
  void close() {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  @Test
  void inviteRingingOkAckOverUdp() throws Exception {
    Node alice = new Node(new RecordingUser());
    Node bob = new Node(new RecordingUser());
    CompletableFuture<SipMessage> acked = new CompletableFuture<>();
    CompletableFuture<List<Integer>> done = new CompletableFuture<>();
    bob.tu.onRequest =
        (tx, m) -> {
          tx.respond(180, "Ringing");
          // answer a little later, on the loop's clock
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
                    "INVITE", alice.address, bob.address, alice.layer.newBranch(), "u1@x", 1)),
            alice.peer(bob)));
    assertThat(done.get(5, TimeUnit.SECONDS)).containsExactly(180, 200);
    assertThat(acked.get(5, TimeUnit.SECONDS).cseqNumber()).isEqualTo(1);
    assertThat(bob.onLoop(() -> bob.tu.requests.size())).isEqualTo(1);
  }

  @Test
  void cancelOfAPendingInviteOverUdp() throws Exception {
    Node alice = new Node(new RecordingUser());
    Node bob = new Node(new RecordingUser());
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
                    "INVITE", alice.address, bob.address, alice.layer.newBranch(), "u2@x", 1)),
            alice.peer(bob)));
    terminated.get(5, TimeUnit.SECONDS);
    // On a loaded machine Timer A (500 ms) may resend the INVITE before the 180 arrives; Bob's
    // transaction answers
    // the retransmission with the 180 again (§17.2.1), and the TU sees each copy: compare without
    // repeats.
    assertThat(alice.onLoop(alice.tu::statuses).stream().distinct()).containsExactly(180, 200, 487);
    assertThat(bob.onLoop(() -> bob.tu.cancels.size())).isEqualTo(1);
  }

  /** A UDP socket on loopback with a layer on its event loop. */
  final class Node {
    final RecordingUser tu;
    final Channel channel;
    final InetSocketAddress address;
    final EventLoopScheduler scheduler;
    final TransactionLayer layer;
    final SipParser parser = new SipParser();
    CompletableFuture<SipMessage> onAck = new CompletableFuture<>();

    Node(RecordingUser tu) throws InterruptedException {
      this.tu = tu;
      this.channel =
          new Bootstrap()
              .group(group)
              .channel(NioDatagramChannel.class)
              .handler(
                  new SimpleChannelInboundHandler<DatagramPacket>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket p) {
                      ByteBuf c = p.content();
                      byte[] b = new byte[c.readableBytes()];
                      c.getBytes(c.readerIndex(), b);
                      layer.receive(parser.parseDatagram(b), new Peer(Transport.UDP, p.sender()));
                    }
                  })
              .bind(new InetSocketAddress("127.0.0.1", 0))
              .sync()
              .channel();
      this.address = (InetSocketAddress) channel.localAddress();
      this.scheduler = new EventLoopScheduler(channel.eventLoop());
      MessageSink sink =
          (to, message, onFailure) ->
              channel
                  .writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(message), to.address()))
                  .addListener(f -> {
                    if (!f.isSuccess()) {
                      onFailure.sendFailed(to, f.cause().toString());
                    }
                  });
      RecordingUser recording = tu;
      this.layer =
          new TransactionLayer(
              FAST,
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

    Peer peer(Node other) {
      return new Peer(Transport.UDP, other.address);
    }

    <T> T onLoop(Callable<T> task) throws Exception {
      return channel.eventLoop().submit(task).get(5, TimeUnit.SECONDS);
    }
  }
}
