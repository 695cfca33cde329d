package org.trunkline.server.cli;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.trunkline.core.trace.TracedMessage;
import org.trunkline.stack.TraceTap;
import org.trunkline.stack.Transport;

/**
 * One trace from {@code GET /api/traces/ID}, back into {@link TracedMessage}s for the renderers
 * (ladder, explanation, pcap), which run in the CLI's process.
 */
final class TraceJson {
  private TraceJson() {}

  /** A fetched trace: its id, its Call-IDs and its messages, oldest first. */
  record Fetched(
      String id, List<String> callIds, List<TracedMessage> messages, String explanation) {}

  /**
   * Asks the server for trace {@code id} (a call id or either leg's Call-ID).
   *
   * @throws ApiClient.Failure one line: no server, no such trace, or traces off
   */
  static Fetched fetch(Path config, String api, String id) throws ApiClient.Failure {
    ApiClient.Reply reply =
        ApiClient.forConfig(config, api)
            .get(
                "/api/traces/" + URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20"));
    if (reply.status() == 404 && reply.get("error") instanceof String problem) {
      throw new ApiClient.Failure(problem, TrunklineCommand.EXIT_FAILED);
    }
    if (reply.status() != 200 || !(reply.get("messages") instanceof List<?> list)) {
      throw new ApiClient.Failure(
          "unexpected answer from the server: HTTP " + reply.status() + " " + reply.body().strip(),
          TrunklineCommand.EXIT_FAILED);
    }
    List<TracedMessage> messages = new ArrayList<>();
    for (Object o : list) {
      messages.add(message((Map<?, ?>) o));
    }
    List<String> callIds = new ArrayList<>();
    if (reply.get("call_ids") instanceof List<?> ids) {
      ids.forEach(i -> callIds.add(String.valueOf(i)));
    }
    String explanation =
        reply.get("explanation") instanceof java.util.Map<?, ?> e
            ? String.valueOf(e.get("text"))
            : "";
    return new Fetched(String.valueOf(reply.get("id")), callIds, messages, explanation);
  }

  static TracedMessage message(Map<?, ?> m) {
    return new TracedMessage(
        ((Number) m.get("at_us")).longValue(),
        "in".equals(m.get("direction")) ? TraceTap.Direction.IN : TraceTap.Direction.OUT,
        Transport.valueOf(String.valueOf(m.get("transport"))),
        address((String) m.get("local")),
        address((String) m.get("remote")),
        Base64.getDecoder().decode(String.valueOf(m.get("bytes"))),
        String.valueOf(m.get("correlation_id")));
  }

  /** {@code 127.0.0.1:5060} or {@code [::1]:5060} as the API writes it; null for null. */
  static InetSocketAddress address(String text) {
    if (text == null) {
      return null;
    }
    int colon = text.lastIndexOf(':');
    String host = text.substring(0, colon).replace("[", "").replace("]", "");
    int port = Integer.parseInt(text.substring(colon + 1));
    try {
      return new InetSocketAddress(InetAddress.getByName(host), port);
    } catch (UnknownHostException e) {
      return InetSocketAddress.createUnresolved(host, port);
    }
  }
}
