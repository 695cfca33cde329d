package org.trunkline.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trunkline.stack.transaction.TransactionCounters;

/**
 * Retransmission and loss over UDP against the running server, with SIPp as the peer (issue 4):
 * when answers are lost, the request retransmissions are absorbed by the one server transaction and
 * answered with the same response, and a final response to an INVITE is retransmitted (Timer G)
 * until the late ACK. A fresh server per test, so that its counters count this scenario only.
 */
class SippRetransmissionTest {
  static final int CALLS = 20;

  /**
   * Enough calls that some 200 is lost (all 50 through at 25% loss: p = 6e-7), each with up to 10
   * retransmissions so that none runs out of them (11 losses in a row: p = 2e-7 per call).
   */
  static final int LOSSY_CALLS = 50;

  SipServer server;
  InetSocketAddress udp;
  @TempDir Path dir;

  @BeforeEach
  void start() throws Exception {
    server = new SipServer(List.of(new ListenPoint(Transport.UDP, "127.0.0.1", 0)));
    udp = server.start().get(0);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void lostAnswersAreRetransmittedFromTheOneTransactionTheRequestOpened() throws Exception {
    runSipp("options-lossy", LOSSY_CALLS);

    TransactionCounters tx = server.transactionCounters();
    SipCounters c = server.counters();
    // a request is counted in once handled, which may be just after SIPp got its answer and ended
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> c.requestsIn.sum() - tx.retransmissionsIn.sum() == LOSSY_CALLS);
    long copies = c.requestsIn.sum();
    assertThat(copies).as("SIPp retransmitted after losing 200s").isGreaterThan(LOSSY_CALLS);
    assertThat(tx.retransmissionsIn.sum())
        .as("every copy but the first absorbed")
        .isEqualTo(copies - LOSSY_CALLS);
    assertThat(c.responsesOut.sum()).as("the 200 again for each copy").isEqualTo(copies);
    assertThat(sippRetransmissions())
        .as("SIPp's own count of its retransmissions")
        .isEqualTo(copies - LOSSY_CALLS);
    assertThat(tx.unanswered.sum()).isZero();
    assertThat(tx.retransmissionsOut.sum()).as("a 200 to OPTIONS is not timer-driven").isZero();
    // every copy of a call's OPTIONS got the same 200, byte for byte
    receivedByCallId()
        .forEach((callId, answers) ->
            assertThat(answers.stream().distinct())
                .as("%s: all alike: %s", callId, answers)
                .hasSize(1));
  }

  @Test
  void aLateAckGetsThe404RetransmittedByTimerG() throws Exception {
    runSipp("invite-404-late-ack", CALLS);

    Map<String, List<String>> received = receivedByCallId();
    assertThat(received).hasSize(CALLS);
    received.forEach((callId, answers) -> {
      List<String> finals = answers.stream().filter(a -> a.startsWith("SIP/2.0 404")).toList();
      assertThat(finals).as(callId + ": 404 and its retransmission(s)").hasSizeGreaterThan(1);
      assertThat(finals.stream().distinct()).as(callId + ": all alike").hasSize(1);
    });
    TransactionCounters tx = server.transactionCounters();
    SipCounters c = server.counters();
    // each call's INVITE and ACK handled (counted in once handled)
    await().atMost(Duration.ofSeconds(5)).until(() -> c.requestsIn.sum() == 2L * CALLS);
    assertThat(tx.retransmissionsOut.sum()).as("Timer G fired").isGreaterThanOrEqualTo(CALLS);
    // every ACK found its transaction (§17.2.3), and none of them timed out (Timer H)
    assertThat(c.droppedAcks.sum()).isZero();
    assertThat(tx.strayAcks.sum()).isZero();
    assertThat(tx.timeouts.sum()).isZero();
    assertThat(tx.unanswered.sum()).isZero();
  }

  private void runSipp(String scenario, int calls) throws Exception {
    Sipp.runAndExpectSuccess(
        dir,
        scenario,
        udp,
        "u1",
        calls,
        Duration.ofSeconds(90),
        List.of(
            "-r",
            "50",
            "-rtcheck",
            "full",
            "-max_retrans",
            "10",
            "-recv_timeout",
            "40000",
            "-timeout",
            "60s",
            "-trace_msg",
            "-message_file",
            dir.resolve("messages.log").toString()));
  }

  /** What SIPp received, by Call-ID, in order, from its message trace. */
  private Map<String, List<String>> receivedByCallId() throws Exception {
    Map<String, List<String>> byCallId = new LinkedHashMap<>();
    String log = Sipp.read(dir.resolve("messages.log"));
    // blocks start with a line of 47 dashes; a received message follows its header line, up to
    // the blank line (bodies are empty); SIPp may write "message lost" right after it
    for (String block : log.replace("\r\n", "\n").split("-{47} ")) {
      int at = block.indexOf("message received [");
      if (at < 0) {
        continue;
      }
      String msg = block.substring(block.indexOf('\n', at) + 1).stripLeading();
      int end = msg.indexOf("\n\n");
      msg = end < 0 ? msg : msg.substring(0, end);
      String callId = null;
      for (String line : msg.split("\r?\n")) {
        if (line.regionMatches(true, 0, "Call-ID:", 0, 8)) {
          callId = line.substring(8).strip();
        }
      }
      byCallId.computeIfAbsent(callId, k -> new ArrayList<>()).add(msg);
    }
    return byCallId;
  }

  /** The Retransmissions(C) column of SIPp's last statistics line. */
  private long sippRetransmissions() throws Exception {
    List<String> lines = Files.readAllLines(dir.resolve("stats.csv"));
    List<String> names = List.of(lines.get(0).split(";"));
    String[] last = lines.get(lines.size() - 1).split(";");
    return Long.parseLong(last[names.indexOf("Retransmissions(C)")].strip());
  }
}
