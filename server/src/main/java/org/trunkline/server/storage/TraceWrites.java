package org.trunkline.server.storage;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.trunkline.stack.TraceTap;
import org.trunkline.stack.Transport;

/**
 * The trace writer's side (issue 7): what is queued ({@link Captured} messages and {@link Link}s)
 * and how a batch of it becomes rows. Runs only on the {@link QueuedWriter}'s thread, so its
 * Call-ID to trace map needs no lock.
 */
final class TraceWrites {
  /** Call-IDs whose trace is remembered to fill {@code trace_msg.corr} at write time. */
  static final int KNOWN = 100_000;

  static final int MAX_CALL_ID = 256;

  private static final String INSERT_MSG =
      "INSERT INTO trace_msg (at_us, call_id, corr, direction, transport, local_ip, local_port,"
          + " remote_ip, remote_port, size, bytes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
  private static final String INSERT_LINK =
      "INSERT INTO trace_link (call_id, corr, at_us) VALUES (?, ?, ?)";

  /** What the trace queue holds. */
  sealed interface Item permits Captured, Link {}

  /**
   * A message as the tap gave it: a reference to the stack's array (never changed after the tap
   * call), copied only on the writer thread.
   */
  record Captured(
      TraceTap.Direction dir,
      Transport transport,
      InetSocketAddress local,
      InetSocketAddress remote,
      byte[] buf,
      int off,
      int len,
      long epochMicros)
      implements Item {}

  /** Call-ID {@code callId} belongs to trace {@code correlationId}. */
  record Link(String callId, String correlationId, long epochMicros) implements Item {}

  private final Map<String, String> known =
      new LinkedHashMap<>(1024, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
          return size() > KNOWN;
        }
      };

  private final AtomicLong storedBytes;

  /**
   * @param storedBytes grows by each written message's size (read by retention)
   */
  TraceWrites(AtomicLong storedBytes) {
    this.storedBytes = storedBytes;
  }

  /** Writes {@code items}: the links first, so that the messages of this batch get their trace. */
  void write(Connection c, List<Item> items) throws SQLException {
    boolean links = false;
    boolean messages = false;
    for (Item i : items) {
      links |= i instanceof Link;
      messages |= i instanceof Captured;
    }
    if (links) {
      try (PreparedStatement s = c.prepareStatement(INSERT_LINK)) {
        for (Item i : items) {
          if (i instanceof Link l
              && !l.correlationId().equals(known.put(l.callId(), l.correlationId()))) {
            s.setString(1, cut(l.callId(), MAX_CALL_ID));
            s.setString(2, cut(l.correlationId(), 80));
            s.setLong(3, l.epochMicros());
            s.addBatch();
          }
        }
        s.executeBatch();
      }
    }
    if (!messages) {
      return;
    }
    long bytes = 0;
    try (PreparedStatement s = c.prepareStatement(INSERT_MSG)) {
      for (Item i : items) {
        if (i instanceof Captured m) {
          String callId = callId(m.buf(), m.off(), m.len());
          s.setLong(1, m.epochMicros());
          s.setString(2, callId);
          s.setString(3, known.getOrDefault(callId, ""));
          s.setString(4, m.dir() == TraceTap.Direction.IN ? "I" : "O");
          s.setString(5, m.transport().name());
          s.setString(6, ip(m.local()));
          s.setInt(7, m.local() == null ? 0 : m.local().getPort());
          s.setString(8, ip(m.remote()));
          s.setInt(9, m.remote() == null ? 0 : m.remote().getPort());
          s.setInt(10, m.len());
          s.setBytes(
              11,
              m.off() == 0 && m.len() == m.buf().length
                  ? m.buf()
                  : java.util.Arrays.copyOfRange(m.buf(), m.off(), m.off() + m.len()));
          s.addBatch();
          bytes += m.len();
        }
      }
      s.executeBatch();
    }
    storedBytes.addAndGet(bytes);
  }

  /** An address's IP as text ({@code 127.0.0.1}, {@code ::1}), "" when unknown. */
  static String ip(InetSocketAddress a) {
    if (a == null) {
      return "";
    }
    return a.getAddress() != null ? a.getAddress().getHostAddress() : a.getHostString();
  }

  /**
   * The Call-ID of a raw SIP message, found without parsing it: the value of the first {@code
   * Call-ID:} or compact {@code i:} header line (RFC 3261 §7.3.3, §20.8) before the blank line; ""
   * when there is none. Folded values are not unfolded (a Call-ID is one word).
   */
  static String callId(byte[] b, int off, int len) {
    int end = off + len;
    int line = off;
    // skip the start line
    while (line < end && b[line] != '\n') {
      line++;
    }
    line++;
    while (line < end) {
      if (b[line] == '\r' || b[line] == '\n') {
        return ""; // the blank line: the headers are over
      }
      int p = -1;
      if (matches(b, line, end, "call-id")) {
        p = line + 7;
      } else if ((b[line] | 0x20) == 'i') {
        p = line + 1;
      }
      if (p >= 0) {
        while (p < end && (b[p] == ' ' || b[p] == '\t')) {
          p++;
        }
        if (p < end && b[p] == ':') {
          p++;
          while (p < end && (b[p] == ' ' || b[p] == '\t')) {
            p++;
          }
          int v = p;
          while (p < end && b[p] != '\r' && b[p] != '\n') {
            p++;
          }
          int e = p;
          while (e > v && (b[e - 1] == ' ' || b[e - 1] == '\t')) {
            e--;
          }
          return cut(new String(b, v, e - v, StandardCharsets.UTF_8), MAX_CALL_ID);
        }
      }
      while (line < end && b[line] != '\n') {
        line++;
      }
      line++;
    }
    return "";
  }

  private static boolean matches(byte[] b, int at, int end, String lowerName) {
    if (at + lowerName.length() > end) {
      return false;
    }
    for (int i = 0; i < lowerName.length(); i++) {
      if ((b[at + i] | 0x20) != lowerName.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  static String cut(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max);
  }

  /** One queued item in a log line. */
  static String describe(Item i) {
    return switch (i) {
      case Captured m ->
          "trace of a "
              + m.len()
              + "-byte "
              + m.transport()
              + " message "
              + (m.dir() == TraceTap.Direction.IN ? "from " : "to ")
              + m.remote();
      case Link l -> "trace link of Call-ID " + l.callId() + " to " + l.correlationId();
    };
  }
}
