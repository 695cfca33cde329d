package org.trunkline.server.cli;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The CDRs of {@code GET /api/cdrs} as a table, one row per call, in the API's order (newest
 * first). Times are local; an unanswered call has no duration ({@code -}).
 */
final class CdrTable {
  static final List<String> HEADER =
      List.of(
          "START",
          "DURATION",
          "FROM-TRUNK",
          "CALLER",
          "TO-TRUNK",
          "CALLED",
          "STATUS",
          "REASON",
          "ATTEMPTS");

  private static final DateTimeFormatter START = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

  private CdrTable() {}

  /**
   * @param cdrs the {@code cdrs} array of the API's answer
   * @param zone the zone start times are shown in
   */
  /**
   * Every field of every CDR as CSV (RFC 4180: a header line, fields quoted when they hold a comma,
   * quote or line break), in the API's field order, times as the API gives them (ISO-8601 UTC).
   */
  static String csv(List<?> cdrs) {
    StringBuilder sb = new StringBuilder();
    List<String> columns = new ArrayList<>();
    for (Object item : cdrs) {
      if (item instanceof Map<?, ?> m) {
        for (Object k : m.keySet()) {
          if (!columns.contains(String.valueOf(k))) {
            columns.add(String.valueOf(k));
          }
        }
      }
    }
    sb.append(String.join(",", columns)).append("\r\n");
    for (Object item : cdrs) {
      Map<?, ?> m = item instanceof Map<?, ?> map ? map : Map.of();
      List<String> cells = new ArrayList<>();
      for (String col : columns) {
        Object v = m.get(col);
        String text = v == null ? "" : String.valueOf(v);
        if (text.contains(",")
            || text.contains("\"")
            || text.contains("\n")
            || text.contains("\r")) {
          text = "\"" + text.replace("\"", "\"\"") + "\"";
        }
        cells.add(text);
      }
      sb.append(String.join(",", cells)).append("\r\n");
    }
    return sb.toString();
  }

  static String render(List<?> cdrs, ZoneId zone) {
    if (cdrs.isEmpty()) {
      return "no CDRs found\n";
    }
    List<List<String>> rows = new ArrayList<>();
    rows.add(HEADER);
    for (Object item : cdrs) {
      Map<?, ?> c = item instanceof Map<?, ?> m ? m : Map.of();
      rows.add(
          List.of(
              start(c.get("start"), zone),
              c.get("answer") == null ? "-" : duration(c.get("duration")),
              TextTable.cell(c.get("from_trunk")),
              TextTable.cell(c.get("caller")),
              TextTable.cell(c.get("to_trunk")),
              TextTable.cell(c.get("called")),
              TextTable.cell(c.get("status")),
              TextTable.cell(c.get("reason")),
              TextTable.cell(c.get("attempts"))));
    }
    return TextTable.render(rows);
  }

  private static String start(Object value, ZoneId zone) {
    if (!(value instanceof String s)) {
      return "-";
    }
    try {
      return START.format(Instant.parse(s).atZone(zone));
    } catch (DateTimeParseException e) {
      return s;
    }
  }

  /** Seconds as {@code 0:07}, {@code 12:30} or {@code 1:02:03}. */
  static String duration(Object value) {
    if (!(value instanceof Number n)) {
      return "-";
    }
    long s = n.longValue();
    return s >= 3600
        ? String.format("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
        : String.format("%d:%02d", s / 60, s % 60);
  }
}
