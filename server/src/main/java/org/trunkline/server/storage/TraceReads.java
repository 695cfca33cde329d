package org.trunkline.server.storage;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.trunkline.core.call.Cdr;
import org.trunkline.core.trace.TraceSink;
import org.trunkline.core.trace.TracedMessage;
import org.trunkline.stack.TraceTap;
import org.trunkline.stack.Transport;

/**
 * The read side of the trace tables: one trace by any of its ids, and searches. Blocking JDBC on
 * the caller's connection: the API's threads only, never an event loop.
 */
final class TraceReads {
  /** Most recent messages scanned to list the newest traces without another filter. */
  static final int SCAN = 20_000;

  private static final String COLUMNS =
      "at_us, direction, transport, local_ip, local_port, remote_ip, remote_port, bytes, call_id";

  private TraceReads() {}

  /** A trace id and whether it names linked Call-IDs ({@code false}: a lone Call-ID). */
  record Resolved(String id, boolean linked) {
    /** Which rows of {@code trace_msg} belong to it; one parameter, the id. */
    String where() {
      return linked ? "call_id IN (SELECT call_id FROM trace_link WHERE corr = ?)" : "call_id = ?";
    }
  }

  /**
   * What {@code id} names: the trace of the call or trunk it is the id of, the trace its Call-ID is
   * linked to, or that Call-ID's messages alone; empty when nothing is stored under it.
   */
  static Optional<Resolved> resolve(Connection c, String id) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement("SELECT corr FROM trace_link WHERE call_id = ? ORDER BY at_us DESC")) {
      s.setString(1, id);
      s.setMaxRows(1);
      try (ResultSet rs = s.executeQuery()) {
        if (rs.next()) {
          return Optional.of(new Resolved(rs.getString(1), true));
        }
      }
    }
    if (exists(c, "SELECT 1 FROM trace_link WHERE corr = ?", id)) {
      return Optional.of(new Resolved(id, true));
    }
    if (exists(c, "SELECT 1 FROM trace_msg WHERE call_id = ?", id)) {
      return Optional.of(new Resolved(id, false));
    }
    return Optional.empty();
  }

  private static boolean exists(Connection c, String sql, String arg) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(sql)) {
      s.setString(1, arg);
      s.setMaxRows(1);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next();
      }
    }
  }

  /** The newest {@code max} messages of {@code r}, oldest first. */
  static Trace messages(Connection c, Resolved r, int max) throws SQLException {
    List<TracedMessage> out = new ArrayList<>();
    Set<String> callIds = new LinkedHashSet<>();
    boolean truncated;
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT "
                + COLUMNS
                + " FROM trace_msg WHERE "
                + r.where()
                + " ORDER BY at_us DESC, seq DESC")) {
      s.setString(1, r.id());
      s.setMaxRows(max + 1);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next() && out.size() < max) {
          out.add(message(rs, r.linked() ? r.id() : ""));
          callIds.add(rs.getString(9));
        }
        truncated = rs.next();
      }
    }
    Collections.reverse(out);
    List<String> ids = new ArrayList<>(callIds);
    Collections.reverse(ids);
    return new Trace(r.id(), ids, out, truncated);
  }

  private static TracedMessage message(ResultSet rs, String corr) throws SQLException {
    return new TracedMessage(
        rs.getLong(1),
        rs.getString(2).equals("I") ? TraceTap.Direction.IN : TraceTap.Direction.OUT,
        Transport.valueOf(rs.getString(3)),
        address(rs.getString(4), rs.getInt(5)),
        address(rs.getString(6), rs.getInt(7)),
        rs.getBytes(8),
        corr);
  }

  private static InetSocketAddress address(String ip, int port) {
    if (ip.isEmpty()) {
      return null;
    }
    try {
      // A literal: no name is looked up.
      return new InetSocketAddress(InetAddress.getByName(ip), port);
    } catch (UnknownHostException e) {
      return InetSocketAddress.createUnresolved(ip, port);
    }
  }

  /** The traces {@code q} asks for, newest first. */
  static List<TraceSummary> search(Connection c, TraceQuery q, JdbcCdrStore cdrs)
      throws SQLException, DatabaseException {
    Map<String, Resolved> candidates = new LinkedHashMap<>();
    Map<String, Cdr> cdrOf = new LinkedHashMap<>();
    boolean sourceDone = false;
    if (q.callId() != null) {
      resolve(c, q.callId()).ifPresent(r -> candidates.put(r.id(), r));
    } else if (q.byCdr()) {
      if (q.trunk() != null && q.number() == null && q.status() == null) {
        String own = TraceSink.trunk(q.trunk());
        if (exists(c, "SELECT 1 FROM trace_link WHERE corr = ?", own)) {
          candidates.put(own, new Resolved(own, true));
        }
      }
      for (Cdr cdr :
          cdrs.find(
              new CdrQuery(
                  q.since(), q.until(), q.trunk(), q.number(), null, q.status(), q.limit()))) {
        candidates.putIfAbsent(cdr.id(), new Resolved(cdr.id(), true));
        cdrOf.put(cdr.id(), cdr);
      }
    } else {
      StringBuilder sql = new StringBuilder("SELECT call_id FROM trace_msg WHERE 1=1");
      List<Object> args = new ArrayList<>();
      if (q.source() != null) {
        sql.append(" AND remote_ip = ? AND direction = 'I'");
        args.add(q.source());
        sourceDone = true;
      }
      if (q.since() != null) {
        sql.append(" AND at_us >= ?");
        args.add(micros(q.since()));
      }
      if (q.until() != null) {
        sql.append(" AND at_us < ?");
        args.add(micros(q.until()));
      }
      sql.append(" ORDER BY at_us DESC");
      Set<String> seen = new LinkedHashSet<>();
      try (PreparedStatement s = c.prepareStatement(sql.toString())) {
        for (int i = 0; i < args.size(); i++) {
          s.setObject(i + 1, args.get(i));
        }
        s.setMaxRows(SCAN);
        try (ResultSet rs = s.executeQuery()) {
          while (rs.next() && candidates.size() < q.limit()) {
            String callId = rs.getString(1);
            if (!callId.isEmpty() && seen.add(callId)) {
              resolve(c, callId).ifPresent(r -> candidates.putIfAbsent(r.id(), r));
            }
          }
        }
      }
    }
    List<TraceSummary> out = new ArrayList<>();
    for (Resolved r : candidates.values()) {
      if (out.size() >= q.limit()) {
        break;
      }
      if (q.source() != null && !sourceDone && !fromSource(c, r, q.source())) {
        continue;
      }
      summary(c, r, cdrOf.containsKey(r.id()) ? cdrOf.get(r.id()) : cdrs.byId(c, r.id()))
          .filter(t -> q.since() == null || !t.last().isBefore(q.since()))
          .filter(t -> q.until() == null || t.first().isBefore(q.until()))
          .ifPresent(out::add);
    }
    return out;
  }

  private static boolean fromSource(Connection c, Resolved r, String ip) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT 1 FROM trace_msg WHERE "
                + r.where()
                + " AND remote_ip = ? AND direction = 'I'")) {
      s.setString(1, r.id());
      s.setString(2, ip);
      s.setMaxRows(1);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next();
      }
    }
  }

  /** Counts and times of {@code r}'s messages, and its first start line; empty when none. */
  static Optional<TraceSummary> summary(Connection c, Resolved r, Cdr cdr) throws SQLException {
    List<String> callIds = new ArrayList<>();
    long first = Long.MAX_VALUE;
    long last = Long.MIN_VALUE;
    int count = 0;
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT call_id, MIN(at_us), MAX(at_us), COUNT(*) FROM trace_msg WHERE "
                + r.where()
                + " GROUP BY call_id ORDER BY 2")) {
      s.setString(1, r.id());
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          callIds.add(rs.getString(1));
          first = Math.min(first, rs.getLong(2));
          last = Math.max(last, rs.getLong(3));
          count += rs.getInt(4);
        }
      }
    }
    if (count == 0) {
      return Optional.empty();
    }
    String startLine = "";
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT bytes FROM trace_msg WHERE " + r.where() + " ORDER BY at_us, seq")) {
      s.setString(1, r.id());
      s.setMaxRows(1);
      try (ResultSet rs = s.executeQuery()) {
        if (rs.next()) {
          startLine = startLine(rs.getBytes(1));
        }
      }
    }
    return Optional.of(
        new TraceSummary(r.id(), callIds, instant(first), instant(last), count, startLine, cdr));
  }

  static String startLine(byte[] b) {
    int n = 0;
    while (n < b.length && n < 200 && b[n] != '\r' && b[n] != '\n') {
      n++;
    }
    return new String(b, 0, n, StandardCharsets.UTF_8);
  }

  static long micros(Instant t) {
    return t.getEpochSecond() * 1_000_000L + t.getNano() / 1_000;
  }

  static Instant instant(long micros) {
    return Instant.ofEpochSecond(
        Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L);
  }
}
