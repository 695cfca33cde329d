package org.trunkline.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trunkline.core.TrunkView;

/** {@code POST /api/reload} against a server started from a file that the test then edits. */
class ReloadTest {
  private static final String TRUNKS =
      """
      trunks:
        - {name: acme, mode: register-in, username: acme, password: s3cret}
        - {name: carrier1, mode: ip, peers: ["203.0.113.10:5060"]}
      """;

  @TempDir Path dir;
  private RunningServer running;

  @BeforeEach
  void start() throws Exception {
    running = RunningServer.start(dir, TRUNKS);
  }

  @AfterEach
  void stop() {
    running.close();
  }

  private List<String> trunkNames() throws Exception {
    Map<?, ?> json = (Map<?, ?>) Json.parse(running.get("/api/trunks").body());
    return ((List<?>) json.get("trunks"))
        .stream().map(t -> (String) ((Map<?, ?>) t).get("name")).toList();
  }

  private static Map<?, ?> json(HttpResponse<String> response) {
    return (Map<?, ?>) Json.parse(response.body());
  }

  @Test
  void anAddedTrunkAppearsAndTheAnswerSaysWhatChanged() throws Exception {
    running.rewrite(
        """
        trunks:
          - {name: acme, mode: register-in, username: acme, password: n3w, max-contacts: 3}
          - {name: carrier1, mode: ip, peers: ["203.0.113.10:5060"]}
          - {name: delta, mode: ip, peers: ["192.0.2.1"]}
        ingress: {unknown-source: drop}
        """);

    HttpResponse<String> response = running.post("/api/reload");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(json(response))
        .isEqualTo(
            Map.of(
                "changes",
                List.of(
                    "changed trunk acme: password, max-contacts",
                    "added trunk delta (ip)",
                    "changed ingress: unknown-source"),
                "restart",
                List.of(),
                "warnings",
                List.of()));
    assertThat(trunkNames()).containsExactly("acme", "carrier1", "delta");
    assertThat(running.server.core().trunks())
        .extracting(TrunkView::name, TrunkView::state)
        .contains(org.assertj.core.groups.Tuple.tuple("delta", "active"));
  }

  @Test
  void everyChangedKeyIsNamedAlsoTrustNumberingReferDigestMonitorsAndSessionTimers()
      throws Exception {
    running.rewrite(
        """
        trunks:
          - {name: acme, mode: register-in, username: acme, password: s3cret, trusted: true,
             numbering: {in: [{match: '^8(\\d{10})$', replace: '+7$1'}]}}
          - {name: carrier1, mode: ip, peers: ["203.0.113.10:5060"], refer: pass}
        ingress: {digest-algorithms: [sha-256, md5], monitors: [], max-tracked-nonces: 1024}
        calls: {session-expires: 600, min-se: 120}
        """);

    HttpResponse<String> response = running.post("/api/reload");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(json(response).get("changes"))
        .isEqualTo(
            List.of(
                "changed trunk acme: trusted, numbering",
                "changed trunk carrier1: refer",
                "changed ingress: digest-algorithms, monitors, max-tracked-nonces",
                "changed calls: session-expires, min-se"));
  }

  @Test
  void aBrokenFileIsRejectedWithItsErrorLinesAndTheRunningTrunksStay() throws Exception {
    running.rewrite(
        """
        trunks:
          - {name: acme, mode: register-in, username: acme, password: s3cret}
          - {name: delta, mode: ipp, peers: ["192.0.2.1"]}
        """);

    HttpResponse<String> response = running.post("/api/reload");

    assertThat(response.statusCode()).isEqualTo(422);
    assertThat(json(response))
        .isEqualTo(
            Map.of(
                "errors",
                List.of(
                    running.file
                        + ":7: trunks[1].mode: must be register-in, register-out, ip or"
                        + " cross-connect, got ipp (did you mean 'ip'?)")));
    assertThat(trunkNames()).containsExactly("acme", "carrier1");
  }

  @Test
  void anUnchangedFileChangesNothingAndRemovedTrunksGo() throws Exception {
    assertThat(json(running.post("/api/reload")).get("changes")).isEqualTo(List.of());

    running.rewrite("trunks:\n  - {name: carrier1, mode: ip, peers: [\"203.0.113.10:5060\"]}\n");
    assertThat(json(running.post("/api/reload")).get("changes"))
        .isEqualTo(List.of("removed trunk acme (register-in)"));
    assertThat(trunkNames()).containsExactly("carrier1");
  }

  @Test
  void listenDatabaseAndApiChangesNeedARestartAndAreNotApplied() throws Exception {
    int sipPort = running.server.listening().get(0).port();
    String url = running.url();
    java.nio.file.Files.writeString(
        running.file,
        """
        listen:
          - {name: public, transport: udp, address: 127.0.0.1, port: 0}
          - {name: xc-gamma, transport: udp, address: 127.0.0.2, port: 0}
        database: {url: "jdbc:h2:file:%s/other"}
        api: {port: 0, address: localhost}
        trunks:
          - {name: gamma, mode: cross-connect, listen: xc-gamma}
        """
            .formatted(dir.toAbsolutePath()));

    Map<?, ?> answer = json(running.post("/api/reload"));

    assertThat(answer.get("changes"))
        .isEqualTo(
            List.of(
                "added trunk gamma (cross-connect)",
                "removed trunk acme (register-in)",
                "removed trunk carrier1 (ip)"));
    assertThat(answer.get("restart")).isEqualTo(List.of("listen", "database", "api"));
    assertThat(answer.get("warnings"))
        .isEqualTo(
            List.of(
                "trunk gamma: listen point xc-gamma is not bound until a restart; nothing arrives"
                    + " for it until then"));
    assertThat(running.server.listening()).hasSize(1);
    assertThat(running.server.listening().get(0).port()).isEqualTo(sipPort);
    assertThat(running.url()).isEqualTo(url);
  }

  @Test
  void theReloaderIsWhatSighupCalls() throws Exception {
    running.rewrite(TRUNKS + "  - {name: delta, mode: ip, peers: [\"192.0.2.1\"]}\n");

    ReloadResult result = running.server.admin().reload();

    assertThat(result)
        .isEqualTo(
            new ReloadResult.Applied(List.of("added trunk delta (ip)"), List.of(), List.of()));
    assertThat(trunkNames()).containsExactly("acme", "carrier1", "delta");
  }
}
