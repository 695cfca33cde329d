package org.trunkline.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trunkline.stack.ListenPoint;
import org.trunkline.stack.Sipp;

/**
 * {@code GET /api/cdrs} of a server started in-process: a SIPp carrier calls a SIPp PBX through it,
 * and the call's CDR is found in the database by each filter, also after a restart.
 */
class CdrApiTest {
  @TempDir Path dir;
  private RunningServer running;

  @AfterEach
  void stop() {
    if (running != null) {
      running.close();
    }
  }

  private static final String TRUNKS =
      """
      trunks:
        - {name: carrier1, mode: ip, peers: ["127.0.0.20"]}
        - {name: pbx, mode: ip, peers: ["127.0.0.1"], target: "sip:127.0.0.1:%d", health: off}
      routes:
        - {prefix: "+7495", trunks: [pbx]}
      """;

  private List<Object> cdrs(String query) throws Exception {
    HttpResponse<String> response = running.get("/api/cdrs" + query);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    @SuppressWarnings("unchecked")
    List<Object> list = (List<Object>) ((Map<?, ?>) Json.parse(response.body())).get("cdrs");
    return list;
  }

  private String error(String query, int status) throws Exception {
    HttpResponse<String> response = running.get("/api/cdrs" + query);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    return (String) ((Map<?, ?>) Json.parse(response.body())).get("error");
  }

  @Test
  void aCallsCdrIsFoundByEachFilterAndSurvivesARestart() throws Exception {
    int pbxPort = Sipp.freePortFor("u1");
    Path pbxDir = Files.createDirectories(dir.resolve("pbx"));
    Process pbx = Sipp.startUas(pbxDir, "uas-call", pbxPort, "u1", 1, List.of());
    Sipp.awaitBound(pbxPort, pbx, pbxDir);
    running = RunningServer.start(dir, TRUNKS.formatted(pbxPort));
    Instant before = Instant.now();
    assertThat(cdrs("")).isEmpty();

    ListenPoint lp = running.server.listening().getFirst();
    Sipp.runAndExpectSuccess(
        Files.createDirectories(dir.resolve("carrier")),
        "uac-call",
        new InetSocketAddress(lp.address(), lp.port()),
        "127.0.0.20",
        "u1",
        1,
        Duration.ofSeconds(30),
        List.of("-s", "+74951234567"));
    Sipp.expectSuccess(pbx, pbxDir, Duration.ofSeconds(20));

    await().atMost(Duration.ofSeconds(10)).until(() -> cdrs("?number=%2B7495").size() == 1);
    Map<?, ?> cdr = (Map<?, ?>) cdrs("?number=%2B7495").getFirst();
    assertThat(cdr.get("from_trunk")).isEqualTo("carrier1");
    assertThat(cdr.get("to_trunk")).isEqualTo("pbx");
    assertThat(cdr.get("caller")).isEqualTo("+15551230000");
    assertThat(cdr.get("called")).isEqualTo("+74951234567");
    assertThat(cdr.get("status")).isEqualTo(200L);
    assertThat(cdr.get("reason")).isEqualTo("BYE from caller");
    assertThat(cdr.get("attempts")).isEqualTo("pbx: 200");
    assertThat(Instant.parse((String) cdr.get("start"))).isBetween(before, Instant.now());
    assertThat(cdr.get("answer")).isNotNull();
    assertThat((Long) cdr.get("duration")).isBetween(0L, 10L);
    assertThat(List.<Object>copyOf(cdr.keySet()))
        .containsExactly(
            "id",
            "from_trunk",
            "to_trunk",
            "caller",
            "called",
            "a_call_id",
            "b_call_id",
            "start",
            "answer",
            "end",
            "duration",
            "status",
            "reason",
            "attempts",
            "caller_dialed",
            "called_dialed",
            "called_sent",
            "ringing",
            "cause",
            "hangup",
            "media_caller_packets",
            "media_caller_lost",
            "media_caller_jitter_ms",
            "media_caller_mos",
            "media_callee_packets",
            "media_callee_lost",
            "media_callee_jitter_ms",
            "media_callee_mos",
            "media_one_way",
            "media_dtmf",
            "media_recording",
            "media_caller_duplicates",
            "media_caller_late",
            "media_callee_duplicates",
            "media_callee_late");
    // its media passed through: the relay's columns are null
    assertThat(cdr.get("media_caller_packets")).isNull();
    assertThat(cdr.get("media_recording")).isNull();
    assertThat(cdr.get("cause")).isEqualTo(16L);
    assertThat(cdr.get("hangup")).isEqualTo("caller");
    assertThat(cdr.get("called_sent")).isEqualTo("+74951234567");
    String aCallId = (String) cdr.get("a_call_id");
    String bCallId = (String) cdr.get("b_call_id");
    assertThat(bCallId).isNotEqualTo(aCallId).endsWith("@trunkline");

    // a plus sign stays a plus sign, as typed
    assertThat(cdrs("?number=+7495")).containsExactly(cdr);
    assertThat(cdrs("?number=%2B1555")).containsExactly(cdr);
    assertThat(cdrs("?number=%2B7812")).isEmpty();
    assertThat(cdrs("?call-id=" + bCallId)).containsExactly(cdr);
    assertThat(cdrs("?call-id=" + aCallId.replace("@", "%40"))).containsExactly(cdr);
    assertThat(cdrs("?trunk=pbx&status=2xx")).containsExactly(cdr);
    assertThat(cdrs("?trunk=carrier1&status=200&limit=1")).containsExactly(cdr);
    assertThat(cdrs("?status=486")).isEmpty();
    assertThat(cdrs("?since=" + before + "&until=" + Instant.now().plusSeconds(1)))
        .containsExactly(cdr);
    assertThat(cdrs("?since=" + Instant.now().plusSeconds(60))).isEmpty();

    running.close();
    running = RunningServer.start(dir, TRUNKS.formatted(pbxPort));
    assertThat(cdrs("?call-id=" + aCallId)).containsExactly(cdr);
  }

  @Test
  void badParametersAre400WithOneLineNamingThem() throws Exception {
    running = RunningServer.start(dir, "");

    assertThat(error("?limit=0", 400)).isEqualTo("limit: must be 1..1000, got 0");
    assertThat(error("?limit=5000", 400)).isEqualTo("limit: must be 1..1000, got 5000");
    assertThat(error("?limit=ten", 400)).isEqualTo("limit: must be 1..1000, got ten");
    assertThat(error("?since=yesterday", 400))
        .isEqualTo(
            "since: must be an ISO-8601 time with its offset, like 2026-03-01T10:00:00Z or"
                + " 2026-03-01T13:00:00+03:00, got yesterday");
    assertThat(error("?since=2026-03-02T00:00:00Z&until=2026-03-01T00:00:00Z", 400))
        .isEqualTo(
            "since: must be before until, got since 2026-03-02T00:00:00Z and until 2026-03-01T00:00:00Z");
    assertThat(error("?status=99", 400))
        .isEqualTo("status: must be a SIP status 100..699 or a class 1xx..6xx, got 99");
    assertThat(error("?trunk=a&trunk=b", 400)).isEqualTo("trunk: given twice");
    assertThat(error("?number=", 400)).isEqualTo("number: must not be empty");
    assertThat(error("?numbr=1", 400))
        .isEqualTo(
            "unknown parameter 'numbr' (there are trunk, number, call-id, status, since, until,"
                + " limit)");
    assertThat(error("", 200)).isNull();
    assertThat(cdrs("?since=2026-03-01T13:00:00%2B03:00&limit=1000")).isEmpty();
  }
}
