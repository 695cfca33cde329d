package org.trunkline.stack;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trunkline.sip.ParseLimits;
import org.trunkline.sip.SipParser;
import org.trunkline.stack.dns.DnsConfig;
import org.trunkline.stack.dns.SipResolver;
import org.trunkline.stack.transaction.EventLoopScheduler;
import org.trunkline.stack.transaction.MessageSink;
import org.trunkline.stack.transaction.Peer;
import org.trunkline.stack.transaction.TransactionConfig;
import org.trunkline.stack.transaction.TransactionCounters;
import org.trunkline.stack.transaction.TransactionLayer;
import org.trunkline.stack.transaction.TransactionUser;

/**
 * The SIP listening side of the server: binds every listen point and answers what arrives, in
 * server transactions (RFC 3261 §17.2): one {@link TransactionLayer} per event loop, the one that
 * owns the message's Call-ID ({@link CallLoops}: a call lives on the loop that read its INVITE, or
 * its Call-ID's hash; ARCHITECTURE.md, Threads); malformed requests are answered statelessly.
 *
 * <p>Lifecycle: construct, {@link #start()} once (binds all sockets or fails and releases what it
 * bound), {@link #close()} once. Thread-safe for those calls.
 */
public final class SipServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SipServer.class);

  private final List<ListenPoint> listenPoints;
  private final SipParser parser;
  private final SipCounters counters;
  private final StreamTimeouts timeouts;
  private TraceTap tap = TraceTap.NONE;
  private final TransactionConfig transactionConfig;
  private final OverloadLimits overloadLimits;
  private final TransactionCounters transactionCounters = new TransactionCounters();
  private final Transports transports = new Transports();
  private final List<Channel> channels = new ArrayList<>();
  private EventLoopGroup group;

  /** The transaction layers and their event loops, index for index (null until started). */
  private List<TransactionLayer> layers;

  private List<EventExecutor> loops;
  private TransactionUser user;
  private DnsConfig dnsConfig = DnsConfig.defaults(List.of());
  private volatile SipClient client;
  private final List<SipResolver> resolvers = new ArrayList<>();
  private volatile ServerSink sink;

  public SipServer(List<ListenPoint> listenPoints) {
    this(listenPoints, ParseLimits.DEFAULT);
  }

  public SipServer(List<ListenPoint> listenPoints, ParseLimits limits) {
    this(listenPoints, limits, StreamTimeouts.DEFAULT);
  }

  public SipServer(List<ListenPoint> listenPoints, ParseLimits limits, StreamTimeouts timeouts) {
    this(listenPoints, limits, timeouts, TransactionConfig.DEFAULT);
  }

  /**
   * @param transactionConfig the timers of the transaction layers (one layer per event loop)
   */
  public SipServer(
      List<ListenPoint> listenPoints,
      ParseLimits limits,
      StreamTimeouts timeouts,
      TransactionConfig transactionConfig) {
    this(listenPoints, limits, timeouts, transactionConfig, OverloadLimits.DEFAULT);
  }

  /**
   * @param overloadLimits the bounds on queued and in-flight messages and open server transactions
   */
  public SipServer(
      List<ListenPoint> listenPoints,
      ParseLimits limits,
      StreamTimeouts timeouts,
      TransactionConfig transactionConfig,
      OverloadLimits overloadLimits) {
    this.overloadLimits = java.util.Objects.requireNonNull(overloadLimits, "overloadLimits");
    this.transactionConfig = transactionConfig;
    this.listenPoints = List.copyOf(listenPoints);
    this.parser = new SipParser(limits);
    this.timeouts = timeouts;
    this.counters = new SipCounters();
  }

  /**
   * Sets the tap that sees every message received and sent; call before {@link #start()}.
   *
   * @return this
   */
  public synchronized SipServer traceTap(TraceTap tap) {
    if (group != null) {
      throw new IllegalStateException("set the trace tap before start()");
    }
    this.tap = java.util.Objects.requireNonNull(tap, "tap");
    return this;
  }

  /**
   * Sets who answers new requests (the call-handling core); call before {@link #start()}. Without
   * one the server answers as {@link BasicUas} says.
   *
   * @return this
   */
  public synchronized SipServer transactionUser(TransactionUser user) {
    if (group != null) {
      throw new IllegalStateException("set the transaction user before start()");
    }
    this.user = java.util.Objects.requireNonNull(user, "user");
    return this;
  }

  /**
   * Sets the DNS servers and timeouts {@link #client()} resolves targets with; call before {@link
   * #start()}. The default reads the system's resolver configuration.
   *
   * @return this
   */
  public synchronized SipServer dns(DnsConfig config) {
    if (group != null) {
      throw new IllegalStateException("set the DNS config before start()");
    }
    this.dnsConfig = java.util.Objects.requireNonNull(config, "config");
    return this;
  }

  /**
   * How many event loops the server runs when {@link #threads(int)} is not called: the number of
   * CPUs, at least 2.
   */
  public static final int DEFAULT_THREADS = Math.max(2, Runtime.getRuntime().availableProcessors());

  private int threads;
  private boolean callsOnReader = true;

  /**
   * Whether a call lives on the event loop that read its INVITE over UDP (default: no hand-off for
   * its caller's messages; every call of one peer on one loop) or, false, on the loop its Call-ID
   * hashes to (calls of one peer spread over the loops, about half their messages handed over);
   * call before {@link #start()}.
   *
   * @return this
   */
  public synchronized SipServer callsOnReadingLoop(boolean onReader) {
    if (group != null) {
      throw new IllegalStateException("choose the call loop before start()");
    }
    this.callsOnReader = onReader;
    return this;
  }

  /**
   * Sets how many event loops (threads) receive and handle SIP, at least 1; call before {@link
   * #start()}. Default {@link #DEFAULT_THREADS}.
   *
   * @return this
   */
  public synchronized SipServer threads(int threads) {
    if (group != null) {
      throw new IllegalStateException("set the thread count before start()");
    }
    if (threads < 1) {
      throw new IllegalArgumentException("threads: must be >= 1, got " + threads);
    }
    this.threads = threads;
    return this;
  }

  /** Sends requests on the server's behalf; available once {@link #start()} returned. */
  public SipClient client() {
    SipClient c = client;
    if (c == null) {
      throw new IllegalStateException("SipServer not started");
    }
    return c;
  }

  /** What was received, answered and dropped so far. */
  public SipCounters counters() {
    return counters;
  }

  /** What the transaction layers counted (all of them together). */
  public TransactionCounters transactionCounters() {
    return transactionCounters;
  }

  /**
   * Client transactions to {@code peer} over UDP that may still retransmit their request ({@link
   * TransactionLayer#retransmittingTo}), over every layer: 0 once none of them can send it a copy
   * of an old request any more. For tests that hand a peer's port to a new process. Any thread but
   * the server's event loops (each layer is asked on its own, and waited for); only after {@link
   * #start()}.
   */
  public int clientTransactionsRetransmittingTo(InetSocketAddress peer) {
    List<TransactionLayer> ls;
    List<EventExecutor> es;
    synchronized (this) {
      ls = layers;
      es = loops;
    }
    if (ls == null) {
      throw new IllegalStateException("SipServer not started");
    }
    int n = 0;
    for (int i = 0; i < ls.size(); i++) {
      TransactionLayer layer = ls.get(i);
      try {
        n += es.get(i).submit(() -> layer.retransmittingTo(peer)).get(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while asking the transaction layers", e);
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
        throw new IllegalStateException("transaction layer " + i + " did not answer: " + e, e);
      }
    }
    return n;
  }

  /** Both counter sets by name ({@code requests_in}, ..., {@code tx_retransmissions_in}, ...). */
  public Map<String, Long> snapshot() {
    Map<String, Long> m = new TreeMap<>(counters.snapshot());
    m.putAll(transactionCounters.snapshot());
    return m;
  }

  /**
   * Sends through the server's transports, from any thread, outside any transaction: UDP from the
   * peer's listen point, TCP/TLS on an open connection or a new one (see {@link Peer}). Failures
   * are reported on an event loop. For the transaction user and tests; only after {@link #start()}.
   */
  public MessageSink sink() {
    MessageSink s = sink;
    if (s == null) {
      throw new IllegalStateException("SipServer not started");
    }
    return s;
  }

  /**
   * Binds every listen point.
   *
   * @return the bound addresses, in the order of the listen points (ports resolved if 0 was asked)
   * @throws IOException if a socket cannot be bound; nothing stays bound then
   */
  public synchronized List<InetSocketAddress> start() throws IOException {
    if (group != null) {
      throw new IllegalStateException("SipServer already started");
    }
    group =
        new MultiThreadIoEventLoopGroup(
            threads > 0 ? threads : DEFAULT_THREADS, Netty.ioHandlerFactory());
    Tapping tapping = new Tapping(tap, counters);
    StreamChannels streams =
        new StreamChannels(parser, counters, tapping, timeouts, transports, group);
    List<TransactionLayer> layers = new ArrayList<>();
    List<EventExecutor> loops = new ArrayList<>();
    TransactionUser tu = user != null ? user : new UasCore(counters);
    for (EventExecutor loop : group) {
      ServerSink loopSink = new ServerSink(loop, transports, streams, parser, counters, tapping);
      if (sink == null) {
        sink = loopSink;
      }
      layers.add(
          new TransactionLayer(
              transactionConfig,
              new EventLoopScheduler(loop),
              loopSink,
              tu,
              parser,
              transactionCounters));
      loops.add(loop);
    }
    // each layer marks its branches with its loop: a response goes there by its top Via; and the
    // tags of its dialogs: a request inside one goes there by its To tag
    this.layers = List.copyOf(layers);
    this.loops = List.copyOf(loops);
    BranchLoops branches =
        layers.size() <= BranchLoops.MAX_LOOPS ? new BranchLoops(layers.size()) : null;
    for (int i = 0; i < layers.size(); i++) {
      if (branches != null) {
        layers.get(i).branchPrefix(branches.prefix(i)).tagPrefix(branches.tagPrefix(i));
      }
      layers
          .get(i)
          .maxServerTransactions(overloadLimits.maxServerTransactions())
          .retryAfterSeconds(overloadLimits.retryAfterSeconds());
    }
    // 64*T1: how long a refused INVITE's transaction waits for its ACK (§17.2.1)
    CallLoops owners =
        new CallLoops(
            loops, 64 * transactionConfig.t1().toNanos(), System::nanoTime, callsOnReader);
    for (int i = 0; i < loops.size() && loops.size() > 1; i++) {
      int loop = i;
      loops.get(i).scheduleAtFixedRate(() -> owners.expire(loop), 1, 1, TimeUnit.SECONDS);
    }
    MessageHandler handler =
        new MessageHandler(
            counters, layers, loops, overloadLimits, System::nanoTime, owners, branches);
    streams.handler(handler);
    List<InetSocketAddress> bound = new ArrayList<>();
    for (ListenPoint lp : listenPoints) {
      InetSocketAddress want = new InetSocketAddress(lp.address(), lp.port());
      if (want.isUnresolved()) {
        close();
        throw new IOException("cannot bind " + lp + ": unknown host " + lp.address());
      }
      TlsContexts tls = null;
      try {
        tls = lp.tls() == null ? null : TlsContexts.load(lp.tls());
      } catch (TlsConfigException e) {
        close();
        throw new IOException("cannot bind " + lp + ": " + e, e);
      }
      try {
        Channel ch =
            switch (lp.transport()) {
              case UDP -> {
                List<Channel> sockets = bindUdp(lp, want, loops, handler, tapping, branches);
                channels.addAll(sockets.subList(1, sockets.size()));
                transports.bound(lp, sockets, null);
                yield sockets.get(0);
              }
              case TCP, TLS ->
                  new ServerBootstrap()
                      .group(group)
                      .channel(Netty.serverChannel())
                      .option(ChannelOption.SO_REUSEADDR, true)
                      .childOption(ChannelOption.TCP_NODELAY, true)
                      .childHandler(streams.acceptor(lp, tls))
                      .bind(want)
                      .sync()
                      .channel();
            };
        channels.add(ch);
        if (lp.transport() != Transport.UDP) {
          transports.bound(lp, ch, tls);
        }
        bound.add((InetSocketAddress) ch.localAddress());
      } catch (Exception e) {
        close();
        if (e instanceof InterruptedException) {
          Thread.currentThread().interrupt();
        }
        throw new IOException("cannot bind " + lp + ": " + e.getMessage(), e);
      }
    }
    List<ListenPoint> points = listenPoints;
    List<InetSocketAddress> addresses = List.copyOf(bound);
    client =
        new SipClient(
            layers,
            loops,
            owners,
            (transport, name) -> viaAddress(points, addresses, transport, name),
            this::resolverFor);
    LOG.debug("SIP transports up on {} ({})", bound, Netty.epoll() ? "epoll" : "nio");
    return bound;
  }

  /**
   * Binds a UDP listen point: on epoll one socket per event loop, all on the same address and port
   * ({@code SO_REUSEPORT}; the kernel spreads datagrams over them by source address and port), each
   * read by its own loop, so that a message whose Call-ID that loop owns ({@link CallLoops}: every
   * call its INVITE came in on that socket) never crosses loops, and one that does crosses once
   * (its answers leave from the owning loop's socket, {@link ServerSink}); a response goes to the
   * socket of the loop that sent its request ({@link ReuseportSteering}). Elsewhere (NIO) one
   * socket. A port that is already bound, by anyone and with any options, fails as it would without
   * {@code SO_REUSEPORT}: a second server on the same port must not silently share its traffic.
   *
   * @return the sockets, the one on {@code loops.get(0)} first; on failure none stays bound
   */
  private List<Channel> bindUdp(
      ListenPoint lp,
      InetSocketAddress want,
      List<EventExecutor> loops,
      MessageHandler handler,
      Tapping tapping,
      BranchLoops branches)
      throws Exception {
    boolean several = Netty.epoll() && loops.size() > 1;
    if (several && want.getPort() != 0) {
      // a plain socket, bound and closed at once, fails on any socket already on this port
      try (java.nio.channels.DatagramChannel probe =
          java.nio.channels.DatagramChannel.open(
              want.getAddress() instanceof java.net.Inet6Address
                  ? java.net.StandardProtocolFamily.INET6
                  : java.net.StandardProtocolFamily.INET)) {
        probe.bind(want);
      }
    }
    List<Channel> sockets = new ArrayList<>();
    try {
      InetSocketAddress at = want;
      for (EventExecutor loop : several ? loops : loops.subList(0, 1)) {
        Bootstrap b =
            new Bootstrap()
                .group(several ? (EventLoop) loop : group)
                .channel(Netty.datagramChannel())
                .option(ChannelOption.SO_RCVBUF, 4 << 20)
                // Netty's default 2048-byte datagram buffer would truncate long messages (RFC 4475
                // longreq); on epoll a buffer of several datagrams, read by one recvmmsg
                .option(
                    ChannelOption.RCVBUF_ALLOCATOR,
                    new FixedRecvByteBufAllocator(
                        Netty.epoll() ? DATAGRAMS_PER_READ * MAX_DATAGRAM : MAX_DATAGRAM))
                .handler(
                    UdpInbound.withBatchedSends(
                        new UdpInbound(parser, handler, counters, tapping, lp.name())));
        if (several) {
          b.option(io.netty.channel.epoll.EpollChannelOption.SO_REUSEPORT, true);
        }
        if (Netty.epoll()) {
          // one recvmmsg per wake takes up to DATAGRAMS_PER_READ queued datagrams (each slot as
          // large as any UDP payload, so nothing is cut), where one recvmsg took one and every
          // further one cost another epoll_wait (bench/RESULTS.md, stop 16, branch sys)
          b.option(
              io.netty.channel.epoll.EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, MAX_DATAGRAM);
        }
        Channel ch = b.bind(at).sync().channel();
        sockets.add(ch);
        at = (InetSocketAddress) ch.localAddress(); // the port the first one got, if 0 was asked
      }
      if (several && branches != null && sockets.size() == loops.size() && STEER) {
        // socket i joined the group i-th: the index the program returns for loop i
        if (ReuseportSteering.attach(sockets.get(0), branches.mark(), branches.tagToken())) {
          LOG.debug("UDP {}: responses and in-dialog requests steered to their loop", at);
        }
      }
    } catch (Exception e) {
      for (Channel ch : sockets) {
        ch.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
      }
      throw e;
    }
    return sockets;
  }

  /** The largest UDP datagram read: any payload of IPv4 or IPv6 (without jumbograms) fits. */
  static final int MAX_DATAGRAM = 65536;

  /**
   * How many datagrams one read of an epoll UDP socket takes at most (one {@code recvmmsg} into a
   * buffer of this many {@link #MAX_DATAGRAM} slots, 256 KiB: pooled by Netty's allocator).
   */
  static final int DATAGRAMS_PER_READ = 4;

  /**
   * Whether UDP responses are steered to their loop in the kernel ({@link ReuseportSteering});
   * {@code -Dtrunkline.udp.steer=false} leaves them to the 4-tuple hash (a hand-off for those that
   * land elsewhere), for a kernel that misbehaves and for A/B runs.
   */
  static final boolean STEER =
      Boolean.parseBoolean(System.getProperty("trunkline.udp.steer", "true"));

  /** The bound address of the named listen point, else the first one of {@code transport}. */
  private static InetSocketAddress viaAddress(
      List<ListenPoint> points, List<InetSocketAddress> bound, Transport transport, String name) {
    for (int i = 0; i < points.size(); i++) {
      if (points.get(i).name().equals(name) && points.get(i).transport() == transport) {
        return bound.get(i);
      }
    }
    for (int i = 0; i < points.size(); i++) {
      if (points.get(i).transport() == transport) {
        return bound.get(i);
      }
    }
    return null;
  }

  /** One resolver per event loop (its cache and callbacks live there), made on first use. */
  private final java.util.Map<EventExecutor, SipResolver> resolverByLoop =
      new java.util.concurrent.ConcurrentHashMap<>();

  private SipResolver resolverFor(EventExecutor loop) {
    return resolverByLoop.computeIfAbsent(
        loop,
        l -> {
          SipResolver r = SipResolver.create((EventLoop) l, Netty.datagramChannel(), dnsConfig);
          synchronized (resolvers) {
            resolvers.add(r);
          }
          return r;
        });
  }

  @Override
  public synchronized void close() {
    synchronized (resolvers) {
      resolvers.forEach(SipResolver::close);
      resolvers.clear();
    }
    for (Channel ch : channels) {
      ch.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
    }
    channels.clear();
    sink = null;
    if (group != null) {
      group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
      group = null;
    }
  }
}
