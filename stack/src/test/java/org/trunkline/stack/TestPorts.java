package org.trunkline.stack;

import java.io.IOException;
import java.net.BindException;
import java.net.DatagramSocket;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ports for test peers (SIPp, a server started as a separate JVM) that no other socket takes
 * between the test choosing one and the peer binding it. A port found by binding port 0 and closing
 * the socket again is one of the kernel's ephemeral ports, which it may give to any process on the
 * machine next (another bind to port 0, a resolver's query socket, an outgoing connection). These
 * come from {@value #FIRST}-{@value #LAST}, below the ephemeral range ({@code
 * /proc/sys/net/ipv4/ip_local_port_range}, 32768-60999 by default; a port inside it is skipped), so
 * the kernel never hands them out by itself; a lock file per port keeps the test JVMs of other
 * builds on the same machine off the ports this one holds; and each is checked free for UDP and TCP
 * on every address before it is handed out. Each port comes with the three above it ({@link
 * #BLOCK}), unused by anyone else: SIPp given it for RTP ({@code -mp}) binds it and the port two
 * above (for video), and a port handed out in turn once made that second bind fail. The range stays
 * clear of the media port ranges the tests configure (20000 and up), SIPp's own RTP (6000 up) and
 * control (8888 up) sockets and the benchmarks' fixed ports (15070 and up).
 *
 * <p>Thread-safe. A port stays this JVM's until {@link #release} or the JVM's end.
 */
public final class TestPorts {
  static final int FIRST = 10_000;
  static final int LAST = 14_999;

  /** Ports per reservation; the first is a multiple of it. */
  static final int BLOCK = 4;

  private static final Path LOCKS =
      Path.of(System.getProperty("java.io.tmpdir"), "trunkline-test-ports");

  /** The ports this JVM holds, each with its lock file's channel (null: no lock could be had). */
  private static final Map<Integer, FileChannel> held = new HashMap<>();

  private static int next = FIRST + BLOCK * ThreadLocalRandom.current().nextInt(blocks());

  private TestPorts() {}

  private static int blocks() {
    return (LAST - FIRST + 1) / BLOCK;
  }

  /**
   * A port free for UDP and TCP on every local address, with the three above it; this JVM's until
   * {@link #release}.
   */
  public static synchronized int reserve() {
    int[] ephemeral = ephemeralRange();
    for (int tries = 0; tries < blocks(); tries++) {
      int port = next;
      next = port + BLOCK + BLOCK - 1 > LAST ? FIRST : port + BLOCK;
      if (held.containsKey(port) || port + BLOCK - 1 >= ephemeral[0] && port <= ephemeral[1]) {
        continue;
      }
      FileChannel lock;
      try {
        lock = lock(port);
      } catch (AlreadyLocked e) {
        continue; // another test JVM holds it
      }
      if (free(port)) {
        held.put(port, lock);
        return port;
      }
      close(lock);
    }
    throw new IllegalStateException(
        "no free test port in "
            + FIRST
            + "-"
            + LAST
            + " outside the ephemeral range "
            + ephemeral[0]
            + "-"
            + ephemeral[1]
            + "; this JVM holds "
            + held.size());
  }

  /** Gives {@code port} back once its peer is gone; other JVMs may then reserve it. */
  public static synchronized void release(int port) {
    if (held.containsKey(port)) {
      close(held.remove(port));
    }
  }

  private static final class AlreadyLocked extends Exception {
    AlreadyLocked() {
      super(null, null, false, false);
    }
  }

  /**
   * The port's lock file, locked; null when locks cannot be had here (a temp directory this user
   * cannot write): the range alone then keeps the kernel off the port.
   */
  private static FileChannel lock(int port) throws AlreadyLocked {
    FileChannel channel;
    try {
      Files.createDirectories(LOCKS);
      channel =
          FileChannel.open(
              LOCKS.resolve(port + ".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    } catch (IOException e) {
      return null;
    }
    try {
      FileLock l = channel.tryLock();
      if (l != null) {
        return channel;
      }
    } catch (IOException e) {
      // treated as taken
    }
    close(channel);
    throw new AlreadyLocked();
  }

  private static boolean free(int first) {
    for (int port = first; port < first + BLOCK; port++) {
      try (DatagramSocket udp = new DatagramSocket(port);
          ServerSocket tcp = new ServerSocket(port)) {
        // free
      } catch (BindException e) {
        return false;
      } catch (IOException e) {
        throw new IllegalStateException("cannot check port " + port + ": " + e, e);
      }
    }
    return true;
  }

  private static void close(FileChannel c) {
    if (c != null) {
      try {
        c.close(); // releases the lock
      } catch (IOException e) {
        // the lock goes with the JVM at the latest
      }
    }
  }

  /** The kernel's ephemeral port range; the Linux default when it cannot be read. */
  static int[] ephemeralRange() {
    try {
      String[] f =
          Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim().split("\\s+");
      return new int[] {Integer.parseInt(f[0]), Integer.parseInt(f[1])};
    } catch (IOException | RuntimeException e) {
      return new int[] {32768, 60999};
    }
  }
}
