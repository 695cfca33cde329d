package org.trunkline.server.cli;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The trunks of {@code GET /api/trunks} as a table an engineer reads at a glance: one row per
 * trunk, its further contacts or peers on the lines below. Columns are as wide as their widest
 * cell; an empty cell shows {@code -}.
 */
final class TrunkTable {
  static final List<String> HEADER =
      List.of("NAME", "MODE", "STATE", "SINCE", "REASON", "CALLS", "CONTACTS / PEERS");

  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");
  private static final DateTimeFormatter DATE_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");

  private TrunkTable() {}

  /**
   * @param trunks the {@code trunks} array of the API's answer
   * @param zone the zone times are shown in
   * @param now to show today's times without a date
   */
  static String render(List<?> trunks, ZoneId zone, Instant now) {
    if (trunks.isEmpty()) {
      return "no trunks configured\n";
    }
    List<List<String>> rows = new ArrayList<>();
    rows.add(HEADER);
    for (Object item : trunks) {
      Map<?, ?> t = item instanceof Map<?, ?> m ? m : Map.of();
      List<String> endpoints = strings(t.get("endpoints"));
      rows.add(
          List.of(
              text(t.get("name")),
              text(t.get("mode")),
              text(t.get("state")),
              since(t.get("since"), zone, now),
              reason(t.get("reason"), t.get("since"), t.get("reason_at"), zone, now),
              text(t.get("calls")),
              endpoints.isEmpty() ? "-" : endpoints.get(0)));
      for (String more : endpoints.subList(Math.min(1, endpoints.size()), endpoints.size())) {
        rows.add(List.of("", "", "", "", "", "", more));
      }
    }
    return TextTable.render(rows);
  }

  /**
   * The sources banned now (the {@code banned_sources} of {@code /api/counters}) as a second table
   * after a blank line, or nothing when there are none.
   */
  static String banned(Object bannedSources, ZoneId zone, Instant now) {
    if (!(bannedSources instanceof Map<?, ?> m) || m.isEmpty()) {
      return "";
    }
    List<List<String>> rows = new ArrayList<>();
    rows.add(List.of("BANNED SOURCE", "UNTIL"));
    m.forEach((ip, until) -> rows.add(List.of(text(ip), since(until, zone, now))));
    return "\n" + TextTable.render(rows);
  }

  /** Today's times as {@code 12:01:07}, older ones with their date. */
  static String since(Object value, ZoneId zone, Instant now) {
    if (!(value instanceof String s) || s.isEmpty()) {
      return "-";
    }
    ZonedDateTime at;
    try {
      at = Instant.parse(s).atZone(zone);
    } catch (DateTimeParseException e) {
      return s;
    }
    boolean today = at.toLocalDate().equals(LocalDate.ofInstant(now, zone));
    return (today ? TIME : DATE_TIME).format(at);
  }

  /**
   * The reason, and when it came when that is after the state began: {@code failed} since 12:00:01
   * with {@code 403 Forbidden from udp:192.0.2.1:5060 at 12:01:07} (a 408 first, then the 403).
   */
  static String reason(Object reason, Object since, Object reasonAt, ZoneId zone, Instant now) {
    String text = text(reason);
    if (reasonAt instanceof String at && !at.isEmpty() && !at.equals(since) && !"-".equals(text)) {
      return text + " at " + since(at, zone, now);
    }
    return text;
  }

  private static String text(Object value) {
    return TextTable.cell(value);
  }

  private static List<String> strings(Object value) {
    if (!(value instanceof List<?> list)) {
      return List.of();
    }
    return list.stream().map(TrunkTable::text).toList();
  }
}
