package org.trunkline.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The API of a server started in-process, queried over HTTP. */
class ApiEndpointsTest {
  @TempDir Path dir;
  private RunningServer running;

  @BeforeEach
  void start() throws Exception {
    running =
        RunningServer.start(
            dir,
            """
            trunks:
              - {name: acme, mode: register-in, username: acme, password: s3cret, max-contacts: 2}
              - {name: carrier1, mode: ip, peers: ["203.0.113.10:5060", "198.51.100.0/28"]}
            ingress: {monitors: []}
            """);
  }

  @AfterEach
  void stop() {
    running.close();
  }

  private static Map<?, ?> json(HttpResponse<String> response) {
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValue("application/json; charset=utf-8");
    return (Map<?, ?>) Json.parse(response.body());
  }

  @Test
  void listensOnlyOnTheConfiguredAddress() {
    assertThat(running.url()).matches("http://127\\.0\\.0\\.1:\\d+").doesNotEndWith(":0");
  }

  @Test
  void trunksListsEveryTrunkWithItsState() throws Exception {
    HttpResponse<String> response = running.get("/api/trunks");

    assertThat(response.statusCode()).isEqualTo(200);
    Map<String, Object> acme = new java.util.LinkedHashMap<>();
    acme.put("name", "acme");
    acme.put("mode", "register-in");
    acme.put("state", "unregistered");
    acme.put("reason", "no contact bound");
    acme.put("since", null);
    acme.put("reason_at", null);
    acme.put("endpoints", List.of());
    acme.put("calls", 0L);
    Map<String, Object> carrier = new java.util.LinkedHashMap<>();
    carrier.put("name", "carrier1");
    carrier.put("mode", "ip");
    carrier.put("state", "active");
    carrier.put("reason", "not probed");
    carrier.put("since", null);
    carrier.put("reason_at", null);
    carrier.put("endpoints", List.of("203.0.113.10:5060", "198.51.100.0/28"));
    carrier.put("calls", 0L);
    assertThat(json(response)).isEqualTo(Map.of("trunks", List.of(acme, carrier)));
  }

  @Test
  void countersHaveTheStackAndTheCore() throws Exception {
    int sipPort = running.server.listening().get(0).port();
    try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      socket.setSoTimeout(5000);
      byte[] request =
          ("OPTIONS sip:127.0.0.1 SIP/2.0\r\n"
                  + "Via: SIP/2.0/UDP 127.0.0.1:"
                  + socket.getLocalPort()
                  + ";branch=z9hG4bK-api1\r\n"
                  + "Max-Forwards: 70\r\n"
                  + "From: <sip:test@127.0.0.1>;tag=t\r\n"
                  + "To: <sip:127.0.0.1>\r\n"
                  + "Call-ID: api-counters\r\n"
                  + "CSeq: 1 OPTIONS\r\n"
                  + "Content-Length: 0\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII);
      socket.send(
          new DatagramPacket(request, request.length, InetAddress.getLoopbackAddress(), sipPort));
      DatagramPacket answer = new DatagramPacket(new byte[4096], 4096);
      socket.receive(answer);
      assertThat(new String(answer.getData(), 0, answer.getLength(), StandardCharsets.UTF_8))
          .startsWith("SIP/2.0 403 ");
    }

    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> {
          Map<?, ?> counters = json(running.get("/api/counters"));
          assertThat(((Map<?, ?>) counters.get("sip")).get("requests_in")).isEqualTo(1L);
          Map<?, ?> core = (Map<?, ?>) counters.get("core");
          assertThat(core.get("ingress_rejected")).isEqualTo(1L);
          assertThat(core.get("ingress_unknown")).isEqualTo(1L);
          assertThat(core.get("registrar_bindings")).isEqualTo(0L);
          assertThat((Map<?, ?>) counters.get("unknown_sources"))
              .isEqualTo(Map.of("127.0.0.1", 1L));
        });
  }

  @Test
  void wrongMethodsAndPathsAreAnsweredInJson() throws Exception {
    HttpResponse<String> get = running.get("/api/reload");
    assertThat(get.statusCode()).isEqualTo(405);
    assertThat(get.headers().firstValue("Allow")).hasValue("POST");
    assertThat(json(get)).isEqualTo(Map.of("error", "GET is not allowed on /api/reload, use POST"));

    HttpResponse<String> post = running.post("/api/trunks");
    assertThat(post.statusCode()).isEqualTo(405);
    assertThat(post.headers().firstValue("Allow")).hasValue("GET");

    HttpResponse<String> missing = running.get("/api/trunk");
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(json(missing))
        .isEqualTo(
            Map.of(
                "error",
                "no such endpoint: /api/trunk (there are GET /api/trunks, GET /api/counters,"
                    + " GET /api/cdrs, GET /api/traces, GET /api/traces/ID, POST /api/reload)"));
  }

  @Test
  void refusesCrossOriginRequestsSoNoWebPageCanReload() throws Exception {
    try (HttpClient http = HttpClient.newHttpClient()) {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(URI.create(running.url() + "/api/reload"))
                  .header("Origin", "http://evil.example")
                  .POST(HttpRequest.BodyPublishers.noBody())
                  .build(),
              HttpResponse.BodyHandlers.ofString());

      assertThat(response.statusCode()).isEqualTo(403);
      assertThat(json(response)).isEqualTo(Map.of("error", "cross-origin requests are refused"));
    }
  }

  @Test
  void closingTheServerClosesTheApi() throws Exception {
    String url = running.url();
    running.close();

    try (HttpClient http = HttpClient.newHttpClient()) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() ->
              http.send(
                  HttpRequest.newBuilder(URI.create(url + "/api/trunks")).build(),
                  HttpResponse.BodyHandlers.ofString()))
          .isInstanceOf(java.net.ConnectException.class);
    }
  }
}
