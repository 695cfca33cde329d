package org.trunkline.stack;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * SIPp (Debian package sip-tester, installed by .ci/run) as the real peer: each scenario in
 * src/test/resources/sipp runs 20 calls over UDP and over TCP and must complete every one.
 */
class SippTest {
  static SipServer server;
  static InetSocketAddress udp;
  static InetSocketAddress tcp;

  @BeforeAll
  static void start() throws Exception {
    server =
        new SipServer(
            List.of(
                new ListenPoint(Transport.UDP, "127.0.0.1", 0),
                new ListenPoint(Transport.TCP, "127.0.0.1", 0)));
    List<InetSocketAddress> bound = server.start();
    udp = bound.get(0);
    tcp = bound.get(1);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @ParameterizedTest(name = "{0} over {1}")
  @CsvSource({
    "options, u1",
    "options, t1",
    "invite-404, u1",
    "invite-404, t1",
    "bad-via-400, u1",
    "bad-via-400, t1"
  })
  void scenarioCompletesEveryCall(String scenario, String transport, @TempDir Path dir)
      throws Exception {
    InetSocketAddress target = transport.equals("u1") ? udp : tcp;
    Sipp.runAndExpectSuccess(
        dir,
        scenario,
        target,
        transport,
        20,
        Duration.ofSeconds(60),
        List.of("-r", "50", "-recv_timeout", "5000", "-timeout", "30s"));
  }
}
