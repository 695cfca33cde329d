package org.trunkline.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketProtocolFamily;
import java.net.InetSocketAddress;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@link RtpLoad}'s two sides on Netty epoll, for a generator that costs less than the relay it
 * drives: each side is one event loop that owns its sockets, sends a tick's packets with {@code
 * sendmmsg} (written in chunks of {@link #CHUNK}, one flush each) and reads with {@code recvmmsg}
 * (up to {@link #BATCH} datagrams per call). The send time in a packet is taken when it is written,
 * so a packet's latency includes the rest of its chunk's {@code sendmmsg} (a few µs).
 */
final class EpollRtpSides implements AutoCloseable {
  private static final int CHUNK = 64;
  private static final int BATCH = 32;
  private static final int MAX_DATAGRAM = 256; // the packets are 172 bytes

  private final MultiThreadIoEventLoopGroup group =
      new MultiThreadIoEventLoopGroup(2, EpollIoHandler.newFactory());
  private final EventLoop loopA = group.next();
  private final EventLoop loopB = group.next();
  final Channel[] as;
  final Channel[] bs;

  /**
   * {@code k} sockets per side; what A's sockets receive is counted in {@code ba}, B's in {@code
   * ab}.
   */
  EpollRtpSides(int k, RtpLoad.Stats ab, RtpLoad.Stats ba) {
    as = new Channel[k];
    bs = new Channel[k];
    for (int i = 0; i < k; i++) {
      as[i] = open(loopA, ba);
      bs[i] = open(loopB, ab);
    }
  }

  private static Channel open(EventLoop loop, RtpLoad.Stats st) {
    return new Bootstrap()
        .group(loop)
        .channelFactory(() -> new EpollDatagramChannel(SocketProtocolFamily.INET))
        .option(ChannelOption.SO_RCVBUF, 4 << 20)
        .option(ChannelOption.SO_SNDBUF, 4 << 20)
        .option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, MAX_DATAGRAM)
        .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(MAX_DATAGRAM * BATCH))
        .handler(
            new SimpleChannelInboundHandler<DatagramPacket>() {
              @Override
              protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket p) {
                ByteBuf b = p.content();
                if (b.readableBytes() >= 20) {
                  st.arrived((System.nanoTime() - b.getLong(b.readerIndex() + 12)) / 1000);
                }
              }
            })
        .bind(new InetSocketAddress("127.0.0.1", 0))
        .syncUninterruptibly()
        .channel();
  }

  /**
   * Sends from both sides every ptime from {@code t0} until {@code end}; returns when both stop.
   */
  void run(
      InetSocketAddress[] fromA,
      InetSocketAddress[] fromB,
      long t0,
      long end,
      RtpLoad.Stats ab,
      RtpLoad.Stats ba)
      throws InterruptedException {
    CountDownLatch done = new CountDownLatch(2);
    new Sender(loopA, as, fromA, t0, end, ab, 0, done).schedule(0);
    new Sender(loopB, bs, fromB, t0, end, ba, 1, done).schedule(0);
    done.await();
  }

  /** One side's ticks, on its loop. */
  private static final class Sender implements Runnable {
    private final EventLoop loop;
    private final Channel[] socks;
    private final InetSocketAddress[] to;
    private final long t0;
    private final long end;
    private final RtpLoad.Stats st;
    private final int dir;
    private final CountDownLatch done;
    private int tick;

    Sender(
        EventLoop loop,
        Channel[] socks,
        InetSocketAddress[] to,
        long t0,
        long end,
        RtpLoad.Stats st,
        int dir,
        CountDownLatch done) {
      this.loop = loop;
      this.socks = socks;
      this.to = to;
      this.t0 = t0;
      this.end = end;
      this.st = st;
      this.dir = dir;
      this.done = done;
    }

    void schedule(int tick) {
      this.tick = tick;
      long due = t0 + tick * RtpLoad.PTIME_MS * 1_000_000L;
      if (due >= end) {
        done.countDown();
        return;
      }
      loop.schedule(this, Math.max(0, due - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    @Override
    public void run() {
      long due = t0 + tick * RtpLoad.PTIME_MS * 1_000_000L;
      ByteBufAllocator alloc = socks[0].alloc();
      int k = socks.length;
      for (int i = 0; i < to.length; i++) {
        ByteBuf b = alloc.directBuffer(RtpLoad.SIZE);
        b.writeByte(0x80).writeByte(0).writeShort(tick).writeInt(tick * 160);
        b.writeInt(i << 1 | dir).writeLong(System.nanoTime());
        b.writerIndex(RtpLoad.SIZE);
        socks[i % k].write(new DatagramPacket(b, to[i]), socks[i % k].voidPromise());
        st.sent.incrementAndGet();
        if ((i + 1) % CHUNK == 0 || i == to.length - 1) {
          for (Channel c : socks) {
            c.flush();
          }
        }
      }
      long over = System.nanoTime() - (due + RtpLoad.PTIME_MS * 1_000_000L);
      if (over > 0) {
        st.lateTicks.incrementAndGet();
        st.lateMax.accumulateAndGet(over, Math::max);
      }
      schedule(tick + 1);
    }
  }

  int[] localPorts() {
    int[] p = new int[as.length + bs.length];
    for (int i = 0; i < as.length; i++) {
      p[2 * i] = ((InetSocketAddress) as[i].localAddress()).getPort();
      p[2 * i + 1] = ((InetSocketAddress) bs[i].localAddress()).getPort();
    }
    return p;
  }

  @Override
  public void close() {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
