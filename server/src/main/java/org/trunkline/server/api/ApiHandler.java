package org.trunkline.server.api;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trunkline.core.TrunkCore;
import org.trunkline.core.TrunkView;
import org.trunkline.core.call.Cdr;
import org.trunkline.core.trace.Explainer;
import org.trunkline.server.storage.CdrQuery;
import org.trunkline.server.storage.DatabaseException;
import org.trunkline.server.storage.Trace;
import org.trunkline.server.storage.TraceQuery;
import org.trunkline.server.storage.TraceStore;
import org.trunkline.server.storage.TraceSummary;

/**
 * The endpoints, all JSON: {@code GET /api/trunks}, {@code GET /api/counters}, {@code GET
 * /api/cdrs} (from the database: {@link CdrParameters}), {@code GET /api/traces} and {@code GET
 * /api/traces/ID} ({@link TraceParameters}), {@code POST /api/reload}. Runs on the API's virtual
 * threads, never on an event loop.
 */
final class ApiHandler implements HttpHandler {
  private static final Logger log = LoggerFactory.getLogger(ApiHandler.class);

  static final String TRUNKS = "/api/trunks";
  static final String COUNTERS = "/api/counters";
  static final String RELOAD = "/api/reload";
  static final String CDRS = "/api/cdrs";
  static final String TRACES = "/api/traces";
  private static final List<String> ENDPOINTS =
      List.of(
          "GET " + TRUNKS,
          "GET " + COUNTERS,
          "GET " + CDRS,
          "GET " + TRACES,
          "GET " + TRACES + "/ID",
          "POST " + RELOAD);

  /** Where CDRs are found (the database); blocks. */
  @FunctionalInterface
  interface CdrFinder {
    List<Cdr> find(CdrQuery query) throws DatabaseException;
  }

  private final TrunkCore core;
  private final Supplier<Map<String, Long>> sipCounters;
  private final Reloader reloader;
  private final CdrFinder cdrs;
  private final Optional<TraceStore> traces;

  ApiHandler(
      TrunkCore core, Supplier<Map<String, Long>> sipCounters, Reloader reloader, CdrFinder cdrs) {
    this(core, sipCounters, reloader, cdrs, Optional.empty());
  }

  /**
   * @param traces the trace store; empty when {@code traces.enabled} is false
   */
  ApiHandler(
      TrunkCore core,
      Supplier<Map<String, Long>> sipCounters,
      Reloader reloader,
      CdrFinder cdrs,
      Optional<TraceStore> traces) {
    this.core = core;
    this.sipCounters = sipCounters;
    this.reloader = reloader;
    this.cdrs = cdrs;
    this.traces = traces;
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      try (InputStream body = exchange.getRequestBody()) {
        body.transferTo(OutputStream.nullOutputStream());
      }
      route(exchange);
    } catch (RuntimeException e) {
      log.warn("API {} {} failed", exchange.getRequestMethod(), exchange.getRequestURI(), e);
      try {
        send(exchange, 500, error("internal error: " + e));
      } catch (IOException | RuntimeException again) {
        log.debug("cannot send the 500 either", again);
      }
    }
  }

  private void route(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    String method = exchange.getRequestMethod();
    // A browser sends Origin on cross-site requests: no web page may reload our config.
    if (exchange.getRequestHeaders().containsKey("Origin")) {
      send(exchange, 403, error("cross-origin requests are refused"));
      return;
    }
    if (path.startsWith(TRACES + "/") && path.length() > TRACES.length() + 1) {
      if (allowed(exchange, method, "GET")) {
        String raw = exchange.getRequestURI().getRawPath();
        trace(
            exchange,
            CdrParameters.decode(raw.substring(raw.indexOf(TRACES) + TRACES.length() + 1)));
      }
      return;
    }
    switch (path) {
      case TRACES -> {
        if (allowed(exchange, method, "GET")) {
          traces(exchange);
        }
      }
      case TRUNKS -> {
        if (allowed(exchange, method, "GET")) {
          send(
              exchange,
              200,
              Map.of("trunks", core.trunks().stream().map(ApiHandler::trunk).toList()));
        }
      }
      case COUNTERS -> {
        if (allowed(exchange, method, "GET")) {
          send(exchange, 200, counters());
        }
      }
      case RELOAD -> {
        if (allowed(exchange, method, "POST")) {
          reload(exchange);
        }
      }
      case CDRS -> {
        if (allowed(exchange, method, "GET")) {
          cdrs(exchange);
        }
      }
      default ->
          send(
              exchange,
              404,
              error(
                  "no such endpoint: "
                      + path
                      + " (there are "
                      + String.join(", ", ENDPOINTS)
                      + ")"));
    }
  }

  private void reload(HttpExchange exchange) throws IOException {
    switch (reloader.reload()) {
      case ReloadResult.Applied a -> {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("changes", a.changes());
        json.put("restart", a.restart());
        json.put("warnings", a.warnings());
        send(exchange, 200, json);
      }
      case ReloadResult.Rejected r -> send(exchange, 422, Map.of("errors", r.errors()));
    }
  }

  private void cdrs(HttpExchange exchange) throws IOException {
    CdrQuery query;
    try {
      query = CdrParameters.parse(exchange.getRequestURI().getRawQuery());
    } catch (IllegalArgumentException e) {
      send(exchange, 400, error(e.getMessage()));
      return;
    }
    List<Cdr> found;
    try {
      found = cdrs.find(query);
    } catch (DatabaseException e) {
      log.warn("API {}: {}", exchange.getRequestURI(), e.getMessage());
      send(exchange, 503, error(e.getMessage()));
      return;
    }
    send(exchange, 200, Map.of("cdrs", found.stream().map(CdrParameters::json).toList()));
  }

  private void traces(HttpExchange exchange) throws IOException {
    if (traces.isEmpty()) {
      send(exchange, 404, error("traces are off (traces.enabled: false)"));
      return;
    }
    TraceQuery query;
    try {
      query = TraceParameters.parse(exchange.getRequestURI().getRawQuery());
    } catch (IllegalArgumentException e) {
      send(exchange, 400, error(e.getMessage()));
      return;
    }
    try {
      List<TraceSummary> found = traces.get().search(query);
      send(exchange, 200, Map.of("traces", found.stream().map(TraceParameters::json).toList()));
    } catch (DatabaseException | java.io.IOException e) {
      log.warn("API {}: {}", exchange.getRequestURI(), e.getMessage());
      send(exchange, 503, error("cannot search traces: " + e.getMessage()));
    }
  }

  private void trace(HttpExchange exchange, String id) throws IOException {
    if (traces.isEmpty()) {
      send(exchange, 404, error("traces are off (traces.enabled: false)"));
      return;
    }
    try {
      Optional<Trace> trace = traces.get().find(id);
      if (trace.isEmpty()) {
        send(exchange, 404, error("no trace with call id or Call-ID " + id));
      } else {
        Map<String, Object> json = TraceParameters.json(trace.get());
        Explainer.Explanation e = Explainer.explain(trace.get().messages(), TraceContext.of(core));
        json.put("explanation", Map.of("kind", e.kind().name(), "text", e.text()));
        send(exchange, 200, json);
      }
    } catch (java.io.IOException e) {
      log.warn("API {}: {}", exchange.getRequestURI(), e.toString());
      send(exchange, 503, error("cannot read trace " + id + ": " + e));
    }
  }

  private Map<String, Object> counters() {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("sip", sipCounters.get());
    json.put("core", core.counters());
    traces.ifPresent(t -> json.put("traces", t.counters()));
    json.put("unknown_sources", core.unknownBySource());
    Map<String, Object> banned = new LinkedHashMap<>();
    core.bannedSources().forEach((ip, until) -> banned.put(ip, until.toString()));
    json.put("banned_sources", banned);
    return json;
  }

  /** One trunk as JSON; {@code since} and {@code reason_at} are ISO-8601 UTC or null. */
  static Map<String, Object> trunk(TrunkView t) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("name", t.name());
    json.put("mode", t.mode());
    json.put("state", t.state());
    json.put("reason", t.reason());
    json.put("since", t.since() == null ? null : t.since().toString());
    json.put("reason_at", t.reasonAt() == null ? null : t.reasonAt().toString());
    json.put("endpoints", t.endpoints());
    json.put("calls", t.calls());
    return json;
  }

  private static boolean allowed(HttpExchange exchange, String method, String allowed)
      throws IOException {
    if (method.equals(allowed)) {
      return true;
    }
    exchange.getResponseHeaders().set("Allow", allowed);
    send(
        exchange,
        405,
        error(
            method
                + " is not allowed on "
                + exchange.getRequestURI().getPath()
                + ", use "
                + allowed));
    return false;
  }

  private static Map<String, Object> error(String text) {
    return Map.of("error", text);
  }

  private static void send(HttpExchange exchange, int status, Object json) throws IOException {
    byte[] bytes = Json.write(json).getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
