package org.trunkline.core.trace;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.trunkline.stack.TraceTap;
import org.trunkline.stack.Transport;

/**
 * Loads a trace from {@code src/test/resources/trace/NAME.trace}: messages recorded from SIPp
 * ({@code -trace_msg}) running through the server, each after a line {@code === IN|OUT udp|tcp|tls
 * LOCAL REMOTE EPOCH.MICROS} (addresses as {@code ip:port} or {@code [ip6]:port}). The file keeps
 * lines with LF; every LF of a message is its CRLF on the wire. Lines before the first {@code ===}
 * say where the trace came from.
 */
public final class TraceFixtures {
  private TraceFixtures() {}

  public static List<TracedMessage> load(String name) {
    String text;
    try (InputStream in = TraceFixtures.class.getResourceAsStream("/trace/" + name + ".trace")) {
      if (in == null) {
        throw new IllegalArgumentException("no fixture trace/" + name + ".trace");
      }
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<TracedMessage> out = new ArrayList<>();
    String[] parts = text.split("(?m)^=== ");
    for (int i = 1; i < parts.length; i++) {
      int nl = parts[i].indexOf('\n');
      String[] f = parts[i].substring(0, nl).trim().split(" +");
      String body = parts[i].substring(nl + 1).replace("\n", "\r\n");
      String[] t = f[4].split("\\.");
      long micros = Long.parseLong(t[0]) * 1_000_000L + Long.parseLong(t[1]);
      out.add(
          new TracedMessage(
              micros,
              TraceTap.Direction.valueOf(f[0]),
              Transport.valueOf(f[1].toUpperCase(java.util.Locale.ROOT)),
              address(f[2]),
              address(f[3]),
              body.getBytes(StandardCharsets.UTF_8),
              "fixture-" + name));
    }
    return out;
  }

  public static InetSocketAddress address(String s) {
    int colon = s.lastIndexOf(':');
    String host = s.substring(0, colon).replace("[", "").replace("]", "");
    return new InetSocketAddress(host, Integer.parseInt(s.substring(colon + 1)));
  }

  /** The same message on another transport and addresses, {@code bytes} replacing its own. */
  public static TracedMessage with(
      TracedMessage m,
      Transport transport,
      InetSocketAddress local,
      InetSocketAddress remote,
      byte[] bytes) {
    return new TracedMessage(
        m.epochMicros(), m.direction(), transport, local, remote, bytes, m.correlationId());
  }
}
