package org.trunkline.server.warmup;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.charset.StandardCharsets;

/** One non-blocking UDP socket of a warm-up peer on 127.0.0.1, any free port. */
final class Peer implements AutoCloseable {
  private static final int BUFFER = 4 << 20;

  private final DatagramChannel channel;
  private final ByteBuffer in = ByteBuffer.allocate(65_536);
  private final int port;

  /** A message received and where from. */
  record Received(SipText message, SocketAddress from) {}

  Peer(Selector selector) throws IOException {
    channel = DatagramChannel.open();
    try {
      channel.setOption(StandardSocketOptions.SO_RCVBUF, BUFFER);
      channel.setOption(StandardSocketOptions.SO_SNDBUF, BUFFER);
      channel.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      channel.configureBlocking(false);
      channel.register(selector, SelectionKey.OP_READ, this);
      port = ((InetSocketAddress) channel.getLocalAddress()).getPort();
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  int port() {
    return port;
  }

  /** Sends {@code text}; a full send buffer is waited out briefly, then the message is dropped. */
  void send(String text, SocketAddress to) throws IOException {
    ByteBuffer out = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
    for (int tries = 0; tries < 1_000 && channel.send(out, to) == 0; tries++) {
      Thread.yield();
    }
  }

  /** The next message waiting, or null. */
  Received receive() throws IOException {
    in.clear();
    SocketAddress from = channel.receive(in);
    if (from == null) {
      return null;
    }
    return new Received(SipText.parse(in.array(), in.position()), from);
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
