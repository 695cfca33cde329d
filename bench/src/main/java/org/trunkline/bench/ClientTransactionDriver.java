package org.trunkline.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.trunkline.sip.SipMessage;
import org.trunkline.sip.SipParser;
import org.trunkline.stack.Transport;
import org.trunkline.stack.transaction.ClientTransaction;
import org.trunkline.stack.transaction.EventLoopScheduler;
import org.trunkline.stack.transaction.MessageSink;
import org.trunkline.stack.transaction.Peer;
import org.trunkline.stack.transaction.ServerTransaction;
import org.trunkline.stack.transaction.Transaction;
import org.trunkline.stack.transaction.TransactionConfig;
import org.trunkline.stack.transaction.TransactionLayer;
import org.trunkline.stack.transaction.TransactionUser;

/**
 * Sends OPTIONS in non-INVITE client transactions ({@link TransactionLayer#sendRequest}) at a fixed
 * rate to a UAS on loopback (a SIPp {@code bench/stack/options-uas.xml}), and reports the CPU this
 * process spent per transaction answered: one event loop, one transaction layer, one UDP socket, as
 * one layer of the server runs. The CPU is the JVM's own (all threads: event loop, GC, JIT), read
 * from {@code getProcessCpuTime} at the start and end of the measured window, after a warm-up at
 * the same rate. Bounded: {@code RATE * (WARMUP + SECONDS)} requests, then at most 10 s for the
 * last answers.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar org.trunkline.bench.ClientTransactionDriver \
 *   127.0.0.1:5090 2000 10 20 [LOCAL_PORT]
 * </pre>
 *
 * Prints one {@code RESULT k=v ...} line. Exit status 1 if a request timed out or failed to send.
 */
public final class ClientTransactionDriver {
  private final InetSocketAddress target;
  private final int rate;
  private final SipParser parser = new SipParser();
  private TransactionLayer layer;
  private Channel channel;
  private String localHost;
  private int localPort;
  private long created;
  private long answered;
  private long failed;

  private ClientTransactionDriver(InetSocketAddress target, int rate) {
    this.target = target;
    this.rate = rate;
  }

  public static void main(String[] args) throws Exception {
    if (args.length < 4) {
      System.err.println(
          "usage: ClientTransactionDriver HOST:PORT RATE WARMUP_S SECONDS [LOCAL_PORT]");
      System.exit(2);
    }
    String[] hp = args[0].split(":");
    InetAddress host = InetAddress.getByName(hp[0]);
    if (!host.isLoopbackAddress()) {
      System.err.println("target must be a loopback address, got " + args[0]);
      System.exit(2);
    }
    int rate = Integer.parseInt(args[1]);
    int warmup = Integer.parseInt(args[2]);
    int seconds = Integer.parseInt(args[3]);
    int localPort = args.length > 4 ? Integer.parseInt(args[4]) : 0;
    if (rate < 1 || rate > 50_000 || warmup < 0 || seconds < 1 || seconds > 600) {
      System.err.println("RATE 1..50000, WARMUP_S >= 0, SECONDS 1..600");
      System.exit(2);
    }
    System.exit(
        new ClientTransactionDriver(new InetSocketAddress(host, Integer.parseInt(hp[1])), rate)
            .run(warmup, seconds, localPort));
  }

  private int run(int warmup, int seconds, int port) throws Exception {
    boolean epoll = Epoll.isAvailable();
    IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    Class<? extends DatagramChannel> type =
        epoll ? EpollDatagramChannel.class : NioDatagramChannel.class;
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, io);
    EventExecutor loop = group.next();
    try {
      channel =
          new Bootstrap()
              .group(group)
              .channel(type)
              .option(ChannelOption.SO_RCVBUF, 4 << 20)
              .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(65536))
              .handler(new Inbound())
              .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))
              .sync()
              .channel();
      InetSocketAddress local = (InetSocketAddress) channel.localAddress();
      localHost = local.getAddress().getHostAddress();
      localPort = local.getPort();
      MessageSink sink =
          (to, bytes, onFailure) ->
              channel.writeAndFlush(
                  new DatagramPacket(Unpooled.wrappedBuffer(bytes), to.address()),
                  channel.voidPromise());
      layer =
          new TransactionLayer(
              TransactionConfig.DEFAULT,
              new EventLoopScheduler(loop),
              sink,
              new Counting(),
              parser);
      Peer peer = new Peer(Transport.UDP, target);

      long total = (long) rate * (warmup + seconds);
      long start = System.nanoTime();
      ScheduledFuture<?> ticker =
          loop.scheduleAtFixedRate(
              () -> {
                long due = Math.min(total, (System.nanoTime() - start) * rate / 1_000_000_000L);
                for (long n = Math.min(due - created, rate / 10 + 1); n > 0; n--) {
                  created++;
                  layer.sendRequest(request(created), peer);
                }
              },
              0,
              1,
              TimeUnit.MILLISECONDS);

      Thread.sleep(warmup * 1000L); // pacing the run, not synchronizing: the loop owns the state
      long[] at0 = onLoop(loop, () -> new long[] {answered, created});
      long cpu0 = cpuNanos();
      long wall0 = System.nanoTime();
      long deadline = start + (warmup + seconds) * 1_000_000_000L;
      while (System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      long drainUntil = System.nanoTime() + 10_000_000_000L;
      while (onLoop(loop, () -> new long[] {answered + failed, created})[0] < total
          && System.nanoTime() < drainUntil) {
        Thread.sleep(10);
      }
      long cpu1 = cpuNanos();
      long wall1 = System.nanoTime();
      ticker.cancel(false);
      long[] at1 = onLoop(loop, () -> new long[] {answered, created, failed});
      long done = at1[0] - at0[0];
      double wallS = (wall1 - wall0) / 1e9;
      System.out.printf(
          "RESULT driver=trunkline-client created=%d answered=%d failed=%d window_answered=%d"
              + " window_wall_s=%.3f cpu_s=%.3f us_per_tx=%.2f cpu_pct=%.1f transport=%s%n",
          at1[1],
          at1[0],
          at1[2],
          done,
          wallS,
          (cpu1 - cpu0) / 1e9,
          (cpu1 - cpu0) / 1e3 / Math.max(1, done),
          100 * (cpu1 - cpu0) / 1e9 / wallS,
          epoll ? "epoll" : "nio");
      return at1[2] == 0 && at1[0] == total ? 0 : 1;
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  private byte[] request(long n) {
    String branch = layer.newBranch();
    return ("OPTIONS sip:bench@%s:%d SIP/2.0\r\n"
            + "Via: SIP/2.0/UDP %s:%d;branch=%s;rport\r\n"
            + "Max-Forwards: 70\r\n"
            + "From: <sip:driver@%s:%d>;tag=d%d\r\n"
            + "To: <sip:bench@%s:%d>\r\n"
            + "Call-ID: %d-%s@bench\r\n"
            + "CSeq: 1 OPTIONS\r\n"
            + "Content-Length: 0\r\n\r\n")
        .formatted(
            target.getAddress().getHostAddress(),
            target.getPort(),
            localHost,
            localPort,
            branch,
            localHost,
            localPort,
            n,
            target.getAddress().getHostAddress(),
            target.getPort(),
            n,
            branch)
        .getBytes(StandardCharsets.US_ASCII);
  }

  private static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static <T> T onLoop(EventExecutor loop, java.util.concurrent.Callable<T> c)
      throws Exception {
    return loop.submit(c).get(5, TimeUnit.SECONDS);
  }

  /** Responses to the layer (on the loop). */
  private final class Inbound extends SimpleChannelInboundHandler<DatagramPacket> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
      ByteBuf content = packet.content();
      byte[] bytes = new byte[content.readableBytes()];
      content.getBytes(content.readerIndex(), bytes);
      SipMessage m = parser.parseDatagram(bytes);
      if (m.isOk()) {
        layer.receive(m, new Peer(Transport.UDP, packet.sender()));
      }
    }
  }

  /** Counts final answers and failures (on the loop). */
  private final class Counting implements TransactionUser {
    @Override
    public void onRequest(ServerTransaction tx, SipMessage request) {
      tx.respond(405, "Method Not Allowed");
    }

    @Override
    public void onResponse(ClientTransaction tx, SipMessage response) {
      if (response.status() >= 200) {
        answered++;
      }
    }

    @Override
    public void onTimeout(Transaction tx) {
      failed++;
    }

    @Override
    public void onTransportError(Transaction tx, String reason) {
      failed++;
    }
  }
}
