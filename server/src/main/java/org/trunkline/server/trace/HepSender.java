package org.trunkline.server.trace;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SocketChannel;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trunkline.core.trace.Hep3;
import org.trunkline.core.trace.TracedMessage;
import org.trunkline.server.config.HepConfig;
import org.trunkline.stack.Transport;

/**
 * Streams traced messages to a Homer collector as HEPv3 ({@link Hep3}), over UDP (one datagram per
 * message) or TCP (packets back to back on one connection).
 *
 * <p>{@link #offer} never blocks: it puts the message in a bounded queue and counts it as dropped
 * when the queue is full or the sender is closed. One thread of its own ({@code trunkline-hep})
 * encodes and sends; it resolves the collector's name, connects and reconnects. A TCP connection
 * that fails is closed and opened again for the next message; after a failed connect no new attempt
 * is made for {@link #RECONNECT_DELAY}, and the messages of that time are counted as failed. A slow
 * collector fills the queue, never the event loops.
 *
 * <p>Counters: {@code hep_sent}, {@code hep_dropped} (queue full or closed), {@code hep_failed}
 * (not connected, send error, message too big for one HEP packet), {@code hep_connects}.
 */
public final class HepSender implements AutoCloseable {
  /** The least time between two TCP connect attempts that failed. */
  public static final java.time.Duration RECONNECT_DELAY = java.time.Duration.ofSeconds(1);

  private static final Logger LOG = LoggerFactory.getLogger(HepSender.class);
  private static final int CONNECT_TIMEOUT_MS = 2000;

  private final HepConfig config;
  private final BlockingQueue<TracedMessage> queue;
  private final LongAdder sent = new LongAdder();
  private final LongAdder dropped = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final LongAdder connects = new LongAdder();
  private final Thread thread;
  private volatile boolean closed;

  // sender thread only
  private InetSocketAddress target;
  private DatagramChannel udp;
  private SocketChannel tcp;
  private long nextConnect = System.nanoTime(); // the first attempt may be made at once

  /** A sender that queues at once and sends from {@link #start()} on. */
  public HepSender(HepConfig config) {
    this.config = config;
    this.queue = new ArrayBlockingQueue<>(config.queue());
    this.thread = Thread.ofPlatform().name("trunkline-hep").daemon().unstarted(this::run);
  }

  /** Starts the sending thread; returns this. */
  public HepSender start() {
    thread.start();
    return this;
  }

  /**
   * Queues {@code m} for the collector; any thread, never blocks.
   *
   * @return false if it was dropped (queue full, or closed), and counted
   */
  public boolean offer(TracedMessage m) {
    if (closed || !queue.offer(m)) {
      dropped.increment();
      return false;
    }
    return true;
  }

  public HepConfig config() {
    return config;
  }

  /** The counters named in the class comment, in that order. */
  public Map<String, Long> counters() {
    Map<String, Long> c = new LinkedHashMap<>();
    c.put("hep_sent", sent.sum());
    c.put("hep_dropped", dropped.sum());
    c.put("hep_failed", failed.sum());
    c.put("hep_connects", connects.sum());
    return c;
  }

  /** Stops the thread (messages still queued are not sent) and closes the socket. */
  @Override
  public void close() {
    closed = true;
    thread.interrupt();
    try {
      thread.join(TimeUnit.SECONDS.toMillis(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    disconnect();
  }

  private void run() {
    while (!closed) {
      TracedMessage m;
      try {
        m = queue.take();
      } catch (InterruptedException e) {
        return; // closed
      }
      byte[] packet;
      try {
        packet = Hep3.encode(m, config.nodeId(), config.password());
      } catch (IllegalArgumentException e) {
        failed.increment();
        LOG.debug("hep: not sent: {}", e.getMessage());
        continue;
      }
      if (send(packet)) {
        sent.increment();
      } else {
        failed.increment();
      }
    }
  }

  private boolean send(byte[] packet) {
    try {
      if (config.transport() == Transport.UDP) {
        if (udp == null) {
          target = resolve();
          udp = DatagramChannel.open();
        }
        udp.send(ByteBuffer.wrap(packet), target);
        return true;
      }
      if (tcp == null && !connect()) {
        return false;
      }
      ByteBuffer b = ByteBuffer.wrap(packet);
      while (b.hasRemaining()) {
        tcp.write(b);
      }
      return true;
    } catch (IOException | RuntimeException e) {
      if (!closed) {
        LOG.warn("hep: sending to {} failed: {}", config.collector(), e.toString());
      }
      disconnect();
      return false;
    }
  }

  private boolean connect() throws IOException {
    long now = System.nanoTime();
    if (now - nextConnect < 0) {
      return false; // too soon after a failed attempt
    }
    try {
      SocketChannel c = SocketChannel.open();
      try {
        c.socket().setTcpNoDelay(true);
        c.socket().connect(resolve(), CONNECT_TIMEOUT_MS);
      } catch (IOException | RuntimeException e) {
        c.close();
        throw e;
      }
      tcp = c;
      connects.increment();
      LOG.info("hep: connected to {}", config.collector());
      return true;
    } catch (IOException | RuntimeException e) {
      nextConnect = now + RECONNECT_DELAY.toNanos();
      throw e;
    }
  }

  private InetSocketAddress resolve() throws IOException {
    return new InetSocketAddress(InetAddress.getByName(config.host()), config.port());
  }

  private void disconnect() {
    closeQuietly(udp);
    closeQuietly(tcp);
    udp = null;
    tcp = null;
  }

  private static void closeQuietly(java.io.Closeable c) {
    if (c != null) {
      try {
        c.close();
      } catch (IOException e) {
        // closing a socket that failed: nothing left to do
      }
    }
  }
}
