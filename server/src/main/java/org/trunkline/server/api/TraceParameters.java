package org.trunkline.server.api;

import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.trunkline.core.trace.TracedMessage;
import org.trunkline.server.storage.CdrQuery;
import org.trunkline.server.storage.Trace;
import org.trunkline.server.storage.TraceQuery;
import org.trunkline.server.storage.TraceSummary;

/**
 * {@code GET /api/traces} and {@code GET /api/traces/ID} both ways: query parameters to a {@link
 * TraceQuery} (a mistake is one line naming the parameter, as for CDRs), and traces to JSON, the
 * messages' bytes in base64. Stateless.
 */
final class TraceParameters {
  static final List<String> NAMES =
      List.of("call-id", "number", "trunk", "source", "status", "since", "until", "limit");

  private TraceParameters() {}

  /**
   * Parses a raw (still percent-encoded) query string; null means none.
   *
   * @throws IllegalArgumentException one line: {@code status: must be a SIP status ...}
   */
  static TraceQuery parse(String rawQuery) {
    Map<String, String> p = CdrParameters.split(rawQuery, NAMES);
    Instant since = CdrParameters.time(p, "since");
    Instant until = CdrParameters.time(p, "until");
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
    return new TraceQuery(
        since,
        until,
        p.get("call-id"),
        p.get("number"),
        p.get("trunk"),
        p.get("source"),
        status,
        CdrParameters.limit(p));
  }

  /** One search hit: the trace and, for a call, its CDR's main fields. */
  static Map<String, Object> json(TraceSummary t) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("id", t.id());
    json.put("call_ids", t.callIds());
    json.put("first", t.first().toString());
    json.put("last", t.last().toString());
    json.put("messages", t.messages());
    json.put("start_line", t.startLine());
    json.put("cdr", t.cdr() == null ? null : CdrParameters.json(t.cdr()));
    return json;
  }

  /** A whole trace, its messages oldest first. */
  static Map<String, Object> json(Trace t) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("id", t.id());
    json.put("call_ids", t.callIds());
    json.put("truncated", t.truncated());
    json.put("messages", t.messages().stream().map(TraceParameters::json).toList());
    return json;
  }

  static Map<String, Object> json(TracedMessage m) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("at_us", m.epochMicros());
    json.put("direction", m.direction().name().toLowerCase(java.util.Locale.ROOT));
    json.put("transport", m.transport().name());
    json.put("local", address(m.local()));
    json.put("remote", address(m.remote()));
    json.put("correlation_id", m.correlationId());
    json.put("bytes", Base64.getEncoder().encodeToString(m.bytes()));
    return json;
  }

  /** {@code 127.0.0.1:5060}, {@code [::1]:5060}, or null. */
  static String address(java.net.InetSocketAddress a) {
    if (a == null) {
      return null;
    }
    String host = a.getAddress() != null ? a.getAddress().getHostAddress() : a.getHostString();
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
  }
}
