package org.trunkline.server.api;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.trunkline.core.call.Cdr;
import org.trunkline.core.call.CdrMedia;
import org.trunkline.server.storage.CdrQuery;

/**
 * The query of {@code GET /api/cdrs}, both ways: parameters to a {@link CdrQuery} (a mistake is one
 * line naming the parameter), and a {@link Cdr} to JSON. Stateless.
 */
final class CdrParameters {
  static final int DEFAULT_LIMIT = 50;
  static final int MAX_LIMIT = 1_000;
  static final List<String> NAMES =
      List.of("trunk", "number", "call-id", "status", "since", "until", "limit");

  private CdrParameters() {}

  /**
   * Parses a raw (still percent-encoded) query string; null means none. A {@code +} stays a plus
   * sign, so {@code number=+7495} works as typed (a space is {@code %20}).
   *
   * @throws IllegalArgumentException one line: {@code limit: must be 1..1000, got 5000}
   */
  static CdrQuery parse(String rawQuery) {
    Map<String, String> p = split(rawQuery, NAMES);
    Instant since = time(p, "since");
    Instant until = time(p, "until");
    if (since != null && until != null && !since.isBefore(until)) {
      throw new IllegalArgumentException(
          "since: must be before until, got since " + since + " and until " + until);
    }
    CdrQuery.StatusFilter status = null;
    if (p.containsKey("status")) {
      try {
        status = CdrQuery.StatusFilter.parse(p.get("status"));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("status: " + e.getMessage(), e);
      }
    }
    return new CdrQuery(
        since, until, p.get("trunk"), p.get("number"), p.get("call-id"), status, limit(p));
  }

  /** The parameters of a raw query, each of {@code names} at most once and not empty. */
  static Map<String, String> split(String rawQuery, List<String> names) {
    Map<String, String> p = new HashMap<>();
    if (rawQuery == null || rawQuery.isEmpty()) {
      return p;
    }
    for (String pair : rawQuery.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = decode(eq < 0 ? pair : pair.substring(0, eq));
      String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
      if (!names.contains(name)) {
        throw new IllegalArgumentException(
            "unknown parameter '" + name + "' (there are " + String.join(", ", names) + ")");
      }
      if (value.isBlank()) {
        throw new IllegalArgumentException(name + ": must not be empty");
      }
      if (p.put(name, value.strip()) != null) {
        throw new IllegalArgumentException(name + ": given twice");
      }
    }
    return p;
  }

  /** Percent-decodes UTF-8; unlike a form, {@code +} is not a space. */
  static String decode(String s) {
    if (s.indexOf('%') < 0) {
      return s;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c != '%') {
        out.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
        continue;
      }
      int hi = i + 2 < s.length() ? Character.digit(s.charAt(i + 1), 16) : -1;
      int lo = i + 2 < s.length() ? Character.digit(s.charAt(i + 2), 16) : -1;
      if (hi < 0 || lo < 0) {
        throw new IllegalArgumentException("bad percent-encoding in the query: " + s);
      }
      out.write(hi * 16 + lo);
      i += 2;
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  static Instant time(Map<String, String> p, String name) {
    String v = p.get(name);
    if (v == null) {
      return null;
    }
    try {
      return OffsetDateTime.parse(v).toInstant();
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          name
              + ": must be an ISO-8601 time with its offset, like 2026-03-01T10:00:00Z or"
              + " 2026-03-01T13:00:00+03:00, got "
              + v,
          e);
    }
  }

  static int limit(Map<String, String> p) {
    String v = p.get("limit");
    if (v == null) {
      return DEFAULT_LIMIT;
    }
    int limit;
    try {
      limit = Integer.parseInt(v);
    } catch (NumberFormatException e) {
      limit = -1;
    }
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException("limit: must be 1.." + MAX_LIMIT + ", got " + v);
    }
    return limit;
  }

  /** One CDR as JSON: times ISO-8601 UTC ({@code answer} null when not answered). */
  static Map<String, Object> json(Cdr c) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("id", c.id());
    json.put("from_trunk", c.fromTrunk());
    json.put("to_trunk", c.toTrunk());
    json.put("caller", c.caller());
    json.put("called", c.called());
    json.put("a_call_id", c.aCallId());
    json.put("b_call_id", c.bCallId());
    json.put("start", c.start().toString());
    json.put("answer", c.answer() == null ? null : c.answer().toString());
    json.put("end", c.end().toString());
    json.put("duration", c.durationSeconds());
    json.put("status", c.status());
    json.put("reason", c.reason());
    json.put("attempts", c.attempts());
    json.put("caller_dialed", c.callerDialed());
    json.put("called_dialed", c.calledDialed());
    json.put("called_sent", c.calledSent());
    json.put("ringing", c.ringing() == null ? null : c.ringing().toString());
    json.put("cause", c.cause());
    json.put("hangup", c.hangup());
    // issue 8: flat keys (the CSV has one column each), null when the media passed through
    CdrMedia m = c.media();
    for (String side : new String[] {"caller", "callee"}) {
      CdrMedia.Direction d = m == null ? null : side.equals("caller") ? m.caller() : m.callee();
      json.put("media_" + side + "_packets", d == null ? null : d.packets());
      json.put("media_" + side + "_lost", d == null ? null : d.lost());
      json.put("media_" + side + "_jitter_ms", d == null ? null : d.jitterMs());
      json.put("media_" + side + "_mos", d == null ? null : d.mos());
    }
    json.put("media_one_way", m == null ? null : m.oneWay());
    json.put("media_dtmf", m == null ? null : m.dtmf());
    json.put("media_recording", m == null ? null : m.recording());
    for (String side : new String[] {"caller", "callee"}) {
      CdrMedia.Direction d = m == null ? null : side.equals("caller") ? m.caller() : m.callee();
      json.put("media_" + side + "_duplicates", d == null ? null : d.duplicates());
      json.put("media_" + side + "_late", d == null ? null : d.late());
    }
    return json;
  }
}
