package org.trunkline.stack;

import io.netty.channel.Channel;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.trunkline.stack.transaction.Peer;

/**
 * The server's channels, for the transaction layers to send through: the bound listen points by
 * name, and the open TCP/TLS connections by transport, remote address and listen point (§18.2.2: a
 * response goes back on the connection its request came on; §18.1.1: a request reuses an open
 * connection to its peer). Accepted and outbound connections alike; each leaves the table when it
 * closes. Thread-safe.
 */
final class Transports {
  /**
   * A bound listen point.
   *
   * @param channel its (first) socket
   * @param tls its TLS contexts, or null for UDP and TCP
   * @param sockets every socket bound to its address: for UDP on epoll one per event loop ({@code
   *     SO_REUSEPORT}, {@code channel} first), else just {@code channel}
   */
  record Local(ListenPoint config, Channel channel, TlsContexts tls, List<Channel> sockets) {
    Local {
      sockets = List.copyOf(sockets);
    }

    InetSocketAddress bound() {
      return (InetSocketAddress) channel.localAddress();
    }

    /** The socket registered on {@code loop}, else the first: a send from there needs no hop. */
    Channel socketOn(EventExecutor loop) {
      for (Channel c : sockets) {
        if (c.eventLoop() == loop) {
          return c;
        }
      }
      return channel;
    }
  }

  /** A connection's identity; {@code listenPoint} null for outbound from any local address. */
  private record Key(Transport transport, InetSocketAddress remote, String listenPoint) {}

  /**
   * An open or opening connection.
   *
   * @param ready done when it can carry messages: at once for accepted ones; for outbound ones when
   *     connected (TCP) or when the TLS handshake verified the server; failed if that failed
   */
  record Connection(Channel channel, Future<?> ready) {}

  private final Map<String, Local> locals = new ConcurrentHashMap<>();
  private final List<Local> udp = new CopyOnWriteArrayList<>();
  private final List<Local> streams = new CopyOnWriteArrayList<>();
  private final Map<Key, Connection> connections = new ConcurrentHashMap<>();

  void bound(ListenPoint lp, Channel ch, TlsContexts tls) {
    bound(lp, List.of(ch), tls);
  }

  /** A listen point bound on several sockets (the same address and port), the first one first. */
  void bound(ListenPoint lp, List<Channel> sockets, TlsContexts tls) {
    Local local = new Local(lp, sockets.get(0), tls, sockets);
    locals.put(lp.name(), local);
    (lp.transport() == Transport.UDP ? udp : streams).add(local);
  }

  /** The bound listen point of that name, or null. */
  Local local(String name) {
    return locals.get(name);
  }

  /** The first bound listen point of {@code transport}, or null. */
  Local first(Transport transport) {
    for (Local l : transport == Transport.UDP ? udp : streams) {
      if (l.config().transport() == transport) {
        return l;
      }
    }
    return null;
  }

  /**
   * The UDP socket to send to {@code to} from: its listen point's if it names one, else the first
   * of the peer's address family (or the first at all); of that listen point's sockets, the one
   * registered on {@code loop} (so that a message sent from {@code loop} needs no hop to another
   * event loop), else its first.
   */
  Channel udp(Peer to, EventExecutor loop) {
    if (to.listenPoint() != null) {
      Local l = locals.get(to.listenPoint());
      return l != null && l.config().transport() == Transport.UDP ? l.socketOn(loop) : null;
    }
    boolean v6 = to.address().getAddress() instanceof Inet6Address;
    Local first = null;
    for (Local l : udp) {
      if (first == null) {
        first = l;
      }
      if (l.bound().getAddress() instanceof Inet6Address == v6) {
        return l.socketOn(loop);
      }
    }
    return first == null ? null : first.socketOn(loop);
  }

  /**
   * The open (or opening) connection to {@code to}: through its listen point if it names one, else
   * any connection of that transport to that address.
   */
  Connection connection(Peer to) {
    Connection c = connections.get(new Key(to.transport(), to.address(), to.listenPoint()));
    if (c != null || to.listenPoint() != null) {
      return c;
    }
    for (Local l : streams) {
      if (l.config().transport() == to.transport()) {
        c = connections.get(new Key(to.transport(), to.address(), l.config().name()));
        if (c != null) {
          return c;
        }
      }
    }
    return null;
  }

  /** Records an accepted connection until it closes. */
  void accepted(Channel ch, Transport transport, String listenPoint) {
    if (ch.remoteAddress() instanceof InetSocketAddress remote) {
      add(new Key(transport, remote, listenPoint), new Connection(ch, ch.newSucceededFuture()));
    }
  }

  /**
   * The connection to {@code to}, opened by {@code open} if there is none; two callers at once get
   * the same one. {@code open} must not block (it starts a connect).
   */
  synchronized Connection connectionOrOpen(Peer to, Supplier<Connection> open) {
    Connection c = connection(to);
    if (c == null) {
      c = open.get();
      add(new Key(to.transport(), to.address(), to.listenPoint()), c);
    }
    return c;
  }

  private void add(Key key, Connection c) {
    connections.put(key, c);
    // runs at once if the channel is already closed (a connect that failed inline)
    c.channel().closeFuture().addListener(f -> connections.remove(key, c));
  }

  /** Open and opening TCP/TLS connections. */
  int connections() {
    return connections.size();
  }
}
