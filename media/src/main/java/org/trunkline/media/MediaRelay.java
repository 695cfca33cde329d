package org.trunkline.media;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.DefaultMaxMessagesRecvByteBufAllocator;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.socket.nio.NioDatagramChannel;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The RTP relay: its event loops (epoll where available), its port pool, and the open sessions. One
 * per process. {@link #open} starts a call's {@link MediaSession}; everything of one session (its
 * sockets, counters, timeouts) lives on one event loop.
 *
 * <p>Thread-safe. {@link #open}, offers and answers bind sockets and wait for the bind (a few
 * microseconds of an event loop's time): call them from any thread but the relay's own loops.
 */
public final class MediaRelay implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MediaRelay.class);
  private static final int BIND_ATTEMPTS = 64; // ports another program holds are skipped
  static final int MAX_DATAGRAM = 2048; // longer datagrams are cut (RTP stays under the MTU)
  // On epoll a socket that has several datagrams queued (the loop fell behind: a burst, a busy
  // machine) gives up to this many per recvmmsg call instead of one recvmsg each, so a relay that
  // is behind spends less per packet while it catches up. A recvmmsg that finds one datagram costs
  // more than a recvmsg (bench/RESULTS.md, stop 13, media3: 5-9 %), so a socket reads one datagram
  // per recvmsg until a read finds a backlog: see BacklogReads.
  static final int READ_BATCH = 8;
  // A socket in single reads tries one batch read (a probe) after this many: one read per wake-up
  // cannot see whether more datagrams wait behind the one it got.
  static final int PROBE_EVERY = 8;

  private final MediaConfig config;
  private final LongSupplier nanoTime;
  private final EventLoopGroup group;
  private final PortPool pool;
  private final ExecutorService recordingThread;
  private final Map<String, MediaSession> sessions = new ConcurrentHashMap<>();
  private final boolean epoll = Epoll.isAvailable();
  // IPv4 sockets (AF_INET) where the relay binds to one IPv4 address: the kernel then skips the
  // IPv6 socket layer and the v4-mapped address conversion on every send and receive. A wildcard
  // bind keeps Netty's dual-stack socket, which reaches IPv6 peers too.
  private final boolean ipv4Only;

  public MediaRelay(MediaConfig config) {
    this(config, System::nanoTime);
  }

  /**
   * @param nanoTime the clock for arrival times, jitter and timeouts ({@link System#nanoTime} in
   *     production)
   */
  public MediaRelay(MediaConfig config, LongSupplier nanoTime) {
    this.config = config;
    this.nanoTime = nanoTime;
    int threads =
        config.threads() > 0 ? config.threads() : Runtime.getRuntime().availableProcessors();
    this.group =
        new MultiThreadIoEventLoopGroup(
            threads, epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    this.pool = new PortPool(config.portMin(), config.portMax());
    this.ipv4Only =
        config.bindAddress() instanceof Inet4Address && !config.bindAddress().isAnyLocalAddress();
    this.recordingThread =
        Executors.newSingleThreadExecutor(r -> {
          Thread t = new Thread(r, "media-recording");
          t.setDaemon(true);
          return t;
        });
  }

  /** A session for a call with {@link MediaOptions#DEFAULT}. */
  public MediaSession open(String callId) {
    return open(callId, MediaOptions.DEFAULT);
  }

  /**
   * A session for a call; no socket is opened before the first offer.
   *
   * @throws IllegalStateException if a session for {@code callId} is open
   */
  public MediaSession open(String callId, MediaOptions options) {
    MediaSession s = new MediaSession(this, callId, options, group.next());
    if (sessions.putIfAbsent(callId, s) != null) {
      throw new IllegalStateException("media session for call " + callId + " is already open");
    }
    s.start();
    return s;
  }

  /** The sessions open now. */
  public int sessions() {
    return sessions.size();
  }

  /** Port pairs (RTP + RTCP) free now; each stream takes two, one per leg. */
  public int freePortPairs() {
    return pool.available();
  }

  /** Whether the sockets use epoll. */
  public boolean epoll() {
    return epoll;
  }

  public MediaConfig config() {
    return config;
  }

  long nanoTime() {
    return nanoTime.getAsLong();
  }

  ExecutorService recordingThread() {
    return recordingThread;
  }

  void closed(MediaSession s) {
    sessions.remove(s.callId(), s);
  }

  /**
   * Binds {@code rtp} to an even port of the pool and {@code rtcp} to the one above, on {@code
   * loop}; a port some other program holds is skipped (and goes back to the pool's tail).
   *
   * @throws MediaException 503 when no pair could be bound
   */
  void bind(EventLoop loop, Endpoint rtp, Endpoint rtcp, String callId) {
    for (int attempt = 0; attempt < BIND_ATTEMPTS; attempt++) {
      OptionalInt p = pool.take();
      if (p.isEmpty()) {
        throw new MediaException(
            503, "call " + callId + ": media port pool exhausted (" + pool.size() + " pairs)");
      }
      int port = p.getAsInt();
      Channel a = bindOne(loop, rtp, port);
      Channel b = a == null ? null : bindOne(loop, rtcp, port + 1);
      if (b != null) {
        rtp.port = port;
        rtp.channel = a;
        rtcp.port = port + 1;
        rtcp.channel = b;
        return;
      }
      if (a != null) {
        a.close().syncUninterruptibly();
      }
      pool.give(port);
    }
    throw new MediaException(
        503, "call " + callId + ": no free media port pair after " + BIND_ATTEMPTS + " tries");
  }

  private Channel bindOne(EventLoop loop, Endpoint e, int port) {
    Bootstrap b = new Bootstrap();
    if (epoll) {
      b.option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, MAX_DATAGRAM)
          .option(ChannelOption.RCVBUF_ALLOCATOR, new BacklogReads());
    } else {
      b.option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(MAX_DATAGRAM));
    }
    ChannelFuture f =
        b.group(loop)
            .channelFactory(() ->
                !epoll
                    ? new NioDatagramChannel()
                    : ipv4Only
                        ? new EpollDatagramChannel(SocketProtocolFamily.INET)
                        : new EpollDatagramChannel())
            .option(ChannelOption.SO_RCVBUF, 256 * 1024)
            .handler(e)
            .bind(new InetSocketAddress(config.bindAddress(), port))
            .awaitUninterruptibly();
    if (!f.isSuccess()) {
      LOG.debug("media port {} not bound: {}", port, f.cause().toString());
      return null;
    }
    return f.channel();
  }

  /**
   * Receive buffers for an epoll socket (with {@code MAX_DATAGRAM_PAYLOAD_SIZE} {@link
   * #MAX_DATAGRAM}) that read in batches only while the socket has a backlog: Netty's epoll
   * datagram channel reads with {@code recvmsg} into a buffer of one datagram and with {@code
   * recvmmsg} into one of several. A handle guesses one datagram; every {@link #PROBE_EVERY}th
   * read, and every read after a batch read that got more than one datagram, it guesses {@link
   * #READ_BATCH}; a batch read that got at most one goes back to single reads. Netty reports a
   * batch read's size as datagrams x {@link #MAX_DATAGRAM}, a single read's as the datagram's
   * length. One handle per channel, used on its event loop only.
   */
  static final class BacklogReads extends DefaultMaxMessagesRecvByteBufAllocator {
    @Override
    public Handle newHandle() {
      return new BacklogHandle();
    }

    final class BacklogHandle extends MaxMessageHandle {
      private int singles = PROBE_EVERY; // single reads before the next batch read; 0: batch

      @Override
      public int guess() {
        return singles == 0 ? MAX_DATAGRAM * READ_BATCH : MAX_DATAGRAM;
      }

      @Override
      public void lastBytesRead(int bytes) {
        super.lastBytesRead(bytes);
        if (singles > 0) {
          singles--;
        } else if (bytes <= MAX_DATAGRAM) {
          singles = PROBE_EVERY; // a batch read found at most one datagram: no backlog
        }
      }
    }
  }

  /** Closes the stream's sockets and gives its ports back once they are closed. */
  void release(RelayStream s) {
    for (Leg leg : Leg.values()) {
      Endpoint r = s.rtp[leg.ordinal()];
      Endpoint c = s.rtcp[leg.ordinal()];
      if (r.channel == null) {
        continue;
      }
      int port = r.port;
      r.channel.close().addListener(x -> c.channel.close().addListener(y -> pool.give(port)));
    }
  }

  /** Closes every session, then the event loops. */
  @Override
  public void close() {
    for (MediaSession s : sessions.values()) {
      s.close();
    }
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    recordingThread.shutdown();
  }
}
