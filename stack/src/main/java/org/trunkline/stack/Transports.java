package org.trunkline.stack;

import io.netty.channel.Channel;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The server's channels, for the transaction layers to send through: the bound UDP sockets, and the
 * open TCP connections by remote address (§18.2.2: a response goes back on the connection its
 * request came on). Thread-safe.
 */
final class Transports {
  private final List<Channel> udp = new CopyOnWriteArrayList<>();
  private final Map<InetSocketAddress, Channel> tcp = new ConcurrentHashMap<>();

  void addUdp(Channel ch) {
    udp.add(ch);
  }

  /**
   * The UDP socket to send to {@code to} from: the first of the peer's address family. With one UDP
   * listen point per family that is the socket requests came in on.
   */
  Channel udpFor(InetSocketAddress to) {
    boolean v6 = to.getAddress() instanceof Inet6Address;
    Channel first = null;
    for (Channel ch : udp) {
      if (first == null) {
        first = ch;
      }
      if (ch.localAddress() instanceof InetSocketAddress a
          && (a.getAddress() instanceof Inet6Address) == v6) {
        return ch;
      }
    }
    return first;
  }

  void connected(Channel ch) {
    if (ch.remoteAddress() instanceof InetSocketAddress a) {
      tcp.put(a, ch);
    }
  }

  void disconnected(Channel ch) {
    if (ch.remoteAddress() instanceof InetSocketAddress a) {
      tcp.remove(a, ch);
    }
  }

  /** The open TCP connection from {@code peer}, or null. */
  Channel tcp(InetSocketAddress peer) {
    return tcp.get(peer);
  }

  int tcpConnections() {
    return tcp.size();
  }
}
