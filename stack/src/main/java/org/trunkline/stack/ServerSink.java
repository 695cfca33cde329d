package org.trunkline.stack;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.concurrent.EventExecutor;
import org.trunkline.stack.transaction.MessageSink;
import org.trunkline.stack.transaction.Peer;

/**
 * Where one transaction layer's messages go out: UDP through the server's socket to the peer's
 * address, TCP on the peer's open connection. Failures are reported on the layer's loop, as {@link
 * MessageSink} asks. Called on that loop only.
 */
final class ServerSink implements MessageSink {
  private final EventExecutor loop;
  private final Transports transports;
  private final SipCounters counters;
  private final Tapping tapping;

  ServerSink(EventExecutor loop, Transports transports, SipCounters counters, Tapping tapping) {
    this.loop = loop;
    this.transports = transports;
    this.counters = counters;
    this.tapping = tapping;
  }

  @Override
  public void send(Peer to, byte[] message, SendFailure onFailure) {
    if (isResponse(message)) {
      counters.responsesOut.increment();
    }
    Channel ch =
        switch (to.transport()) {
          case UDP -> transports.udpFor(to.address());
          case TCP -> transports.tcp(to.address());
        };
    if (ch == null) {
      String why = "no " + to.transport() + " " + (to.reliable() ? "connection" : "socket");
      loop.execute(() -> onFailure.sendFailed(to, why));
      return;
    }
    tapping.tap(
        TraceTap.Direction.OUT, to.transport(), ch, to.address(), message, 0, message.length);
    Object out =
        to.transport() == Transport.UDP
            ? new DatagramPacket(Unpooled.wrappedBuffer(message), to.address())
            : Unpooled.wrappedBuffer(message);
    ch.writeAndFlush(out)
        .addListener(f -> {
          if (!f.isSuccess()) {
            String why = String.valueOf(f.cause());
            loop.execute(() -> onFailure.sendFailed(to, why));
          }
        });
  }

  private static boolean isResponse(byte[] m) {
    return m.length > 4 && m[0] == 'S' && m[1] == 'I' && m[2] == 'P' && m[3] == '/';
  }
}
