package org.trunkline.stack;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Whether a process has bound a UDP port, read from Linux's {@code /proc/net/udp}, {@code udp6} and
 * {@code /proc/PID/fd}. It binds nothing: a probe that binds the port to see whether it is taken
 * holds it for a moment, and a peer binding in that moment fails (errno 98 from SIPp, seen under
 * load).
 */
final class BoundSockets {
  private BoundSockets() {}

  /**
   * True when a UDP socket bound on {@code ip:port} (or the wildcard address and {@code port})
   * exists and, if {@code pid} is not null, belongs to that process.
   */
  static boolean udp(InetAddress ip, int port, Long pid) throws IOException {
    Set<String> inodes = new HashSet<>();
    for (String table : List.of("/proc/net/udp", "/proc/net/udp6")) {
      Path p = Path.of(table);
      if (!Files.exists(p)) {
        continue;
      }
      List<String> lines = Files.readAllLines(p);
      for (String line : lines.subList(1, lines.size())) {
        // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
        String[] f = line.trim().split("\\s+");
        String[] local = f[1].split(":");
        if (Integer.parseInt(local[1], 16) != port) {
          continue;
        }
        InetAddress a = address(local[0]);
        if (a.isAnyLocalAddress() || a.equals(ip)) {
          inodes.add(f[9]);
        }
      }
    }
    if (pid == null || inodes.isEmpty()) {
      return !inodes.isEmpty();
    }
    try (DirectoryStream<Path> fds =
        Files.newDirectoryStream(Path.of("/proc", pid.toString(), "fd"))) {
      for (Path fd : fds) {
        String target;
        try {
          target = Files.readSymbolicLink(fd).toString();
        } catch (IOException e) {
          continue; // closed meanwhile
        }
        if (target.startsWith("socket:[")
            && inodes.contains(target.substring(8, target.length() - 1))) {
          return true;
        }
      }
    } catch (java.nio.file.NoSuchFileException e) {
      return false; // the process is gone
    }
    return false;
  }

  /**
   * The kernel prints an address as its 32-bit words, each in the machine's byte order: {@code
   * 0100007F} is 127.0.0.1 on x86.
   */
  private static InetAddress address(String hex) throws UnknownHostException {
    ByteBuffer b = ByteBuffer.allocate(hex.length() / 2).order(ByteOrder.nativeOrder());
    for (int i = 0; i < hex.length(); i += 8) {
      b.putInt((int) Long.parseLong(hex.substring(i, i + 8), 16));
    }
    return InetAddress.getByAddress(b.array()); // ::ffff:a.b.c.d comes back as a.b.c.d
  }
}
