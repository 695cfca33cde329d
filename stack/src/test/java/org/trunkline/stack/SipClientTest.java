package org.trunkline.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trunkline.sip.ParseLimits;
import org.trunkline.stack.auth.ClientCredentials;
import org.trunkline.stack.transaction.Peer;
import org.trunkline.stack.transaction.TransactionConfig;

/**
 * The server as a client: requests sent through {@link SipClient} to real SIPp peers that
 * challenge, and to a peer that never answers (short timers: T1 = 20 ms, Timer F = 1.28 s).
 */
class SipClientTest {
  private static final TransactionConfig FAST = TestTimers.FAST;

  private SipServer server;
  private InetSocketAddress local;
  private final Queue<String> sent = new ConcurrentLinkedQueue<>();

  @BeforeEach
  void start() throws Exception {
    server =
        new SipServer(
                List.of(
                    new ListenPoint(Transport.UDP, "127.0.0.1", 0),
                    new ListenPoint(Transport.TCP, "127.0.0.1", 0)),
                ParseLimits.DEFAULT,
                StreamTimeouts.DEFAULT,
                FAST)
            .traceTap((dir, transport, l, remote, buf, off, len, micros) -> {
              if (dir == TraceTap.Direction.OUT) {
                sent.add(new String(buf, off, len, StandardCharsets.UTF_8));
              }
            });
    local = server.start().get(0);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private OutboundRequest register(int port, String password) {
    String aor = "sip:trunk77@127.0.0.1";
    return OutboundRequest.to(
        new Peer(Transport.UDP, new InetSocketAddress(InetAddress.getLoopbackAddress(), port)),
        "REGISTER",
        "sip:127.0.0.1:" + port,
        "<" + aor + ">;tag=reg1",
        "<" + aor + ">",
        "reg-" + System.nanoTime() + "@127.0.0.1",
        1,
        List.of("Contact: <sip:trunk77@127.0.0.1:" + local.getPort() + ">", "Expires: 600"),
        ClientCredentials.of("trunk77", password));
  }

  /** REGISTER requests sent, not counting retransmissions (T1 is short here): distinct CSeqs. */
  private long sentRegisters() {
    return sent.stream()
        .filter(m -> m.startsWith("REGISTER "))
        .map(m -> m.substring(m.indexOf("CSeq: "), m.indexOf("\r\n", m.indexOf("CSeq: "))))
        .distinct()
        .count();
  }

  @Test
  void answersTheChallengeOfASippRegistrar(@TempDir Path dir) throws Exception {
    int port = Sipp.freePortFor("u1");
    Process sipp = Sipp.startUas(dir, "uas-register-challenge", port, "u1", 1, List.of());
    Sipp.awaitBound(port, sipp, dir);

    ClientResult r = server.client().send(register(port, "pw")).get(20, TimeUnit.SECONDS);

    assertThat(r.status()).as("result %s", r).isEqualTo(200);
    assertThat(r.received()).isTrue();
    assertThat(r.cseq()).as("the retry has the next CSeq (§22.2)").isEqualTo(2);
    assertThat(sentRegisters()).isEqualTo(2);
    assertThat(
            sent.stream().filter(m -> m.startsWith("REGISTER ")).skip(1).findFirst().orElseThrow())
        .contains("Authorization: Digest ")
        .contains("username=\"trunk77\"")
        .contains("realm=\"sipp.test\"")
        .contains("CSeq: 2 REGISTER");
    Sipp.expectSuccess(sipp, dir, Duration.ofSeconds(30));
  }

  @Test
  void aWrongPasswordEndsIn403FromTheRegistrar(@TempDir Path dir) throws Exception {
    int port = Sipp.freePortFor("u1");
    Process sipp = Sipp.startUas(dir, "uas-register-challenge", port, "u1", 1, List.of());
    Sipp.awaitBound(port, sipp, dir);

    ClientResult r = server.client().send(register(port, "wrong")).get(20, TimeUnit.SECONDS);

    assertThat(r.status()).as("result %s", r).isEqualTo(403);
    assertThat(sentRegisters()).isEqualTo(2);
    Sipp.expectSuccess(sipp, dir, Duration.ofSeconds(30));
  }

  @Test
  void givesUpWhenChallengedAgainInsteadOfLooping(@TempDir Path dir) throws Exception {
    int port = Sipp.freePortFor("u1");
    Process sipp = Sipp.startUas(dir, "uas-register-rechallenge", port, "u1", 1, List.of());
    Sipp.awaitBound(port, sipp, dir);

    ClientResult r = server.client().send(register(port, "pw")).get(20, TimeUnit.SECONDS);

    assertThat(r.status()).isEqualTo(401);
    assertThat(r.detail()).contains("refused the credentials of user trunk77");
    assertThat(sentRegisters()).as("one answer, no loop").isEqualTo(2);
    Sipp.expectSuccess(sipp, dir, Duration.ofSeconds(30));
  }

  @Test
  void aSilentPeerIsA408AfterTimerF() throws Exception {
    try (DatagramSocket silent = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      long t0 = System.nanoTime();
      ClientResult r =
          server.client().send(register(silent.getLocalPort(), "pw")).get(20, TimeUnit.SECONDS);
      long ms = (System.nanoTime() - t0) / 1_000_000;

      assertThat(r.status()).as("result %s", r).isEqualTo(408);
      assertThat(r.received()).isFalse();
      assertThat(r.detail()).contains("timeout");
      assertThat(ms).as("Timer F = 64*T1 = 1280 ms").isBetween(1200L, 10_000L);
      assertThat(sent.stream().filter(m -> m.startsWith("REGISTER ")).count())
          .as("retransmitted by Timer E")
          .isGreaterThan(3);
    }
  }

  @Test
  void resolvesANumericTargetAndSendsThere(@TempDir Path dir) throws Exception {
    int port = Sipp.freePortFor("u1");
    Process sipp = Sipp.startUas(dir, "uas-register-challenge", port, "u1", 1, List.of());
    Sipp.awaitBound(port, sipp, dir);

    OutboundRequest viaDns = register(port, "pw").resolving("sip:127.0.0.1:" + port);
    ClientResult r = server.client().send(viaDns).get(20, TimeUnit.SECONDS);

    assertThat(r.status()).as("result %s", r).isEqualTo(200);
    assertThat(r.peer().address().getPort()).isEqualTo(port);
    Sipp.expectSuccess(sipp, dir, Duration.ofSeconds(30));
  }

  @Test
  void aTargetThatIsNotASipUriIsA503WithAReason() throws Exception {
    ClientResult r =
        server.client().send(register(5060, "pw").resolving("mailto:x@y")).get(5, TimeUnit.SECONDS);

    assertThat(r.status()).isEqualTo(503);
    assertThat(r.detail()).contains("mailto:x@y");
  }

  /** A REGISTER padded past 1300 bytes (§18.1.1), to {@code sip:127.0.0.1:port}. */
  private OutboundRequest large(int port) {
    return new OutboundRequest(
        "REGISTER",
        "sip:127.0.0.1:" + port,
        "<sip:big@127.0.0.1>;tag=big",
        "<sip:big@127.0.0.1>",
        "big-" + System.nanoTime(),
        1,
        List.of("X-Pad: " + "x".repeat(1400)),
        null,
        null,
        null,
        "sip:127.0.0.1:" + port,
        null,
        null);
  }

  @Test
  void aRequestOver1300BytesGoesOverTcp() throws Exception {
    try (java.net.ServerSocket tcp =
        new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      tcp.setSoTimeout(10_000);
      var result = server.client().send(large(tcp.getLocalPort()));
      try (java.net.Socket c = tcp.accept()) {
        var in =
            new java.io.BufferedReader(
                new java.io.InputStreamReader(c.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder head = new StringBuilder();
        for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
          head.append(line).append("\r\n");
        }
        assertThat(head.toString()).startsWith("REGISTER ").contains("Via: SIP/2.0/TCP ");
        String via =
            head.toString().lines().filter(l -> l.startsWith("Via: ")).findFirst().orElseThrow();
        String ok =
            "SIP/2.0 200 OK\r\n"
                + via
                + "\r\n"
                + head.toString()
                    .lines()
                    .filter(l -> l.matches("(From|To|Call-ID|CSeq): .*"))
                    .map(l -> l + "\r\n")
                    .reduce("", String::concat)
                + "Content-Length: 0\r\n\r\n";
        c.getOutputStream().write(ok.getBytes(StandardCharsets.UTF_8));
        ClientResult r = result.get(10, TimeUnit.SECONDS);
        assertThat(r.status()).as("result %s", r).isEqualTo(200);
        assertThat(r.peer().transport()).isEqualTo(Transport.TCP);
      }
    }
  }

  @Test
  void aLargeRequestFallsBackToUdpWhenTcpIsRefused() throws Exception {
    // nothing listens on TCP at this port: the connection is refused (RST), and UDP is tried
    try (DatagramSocket udp = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      udp.setSoTimeout(10_000);
      server.client().send(large(udp.getLocalPort()));
      java.net.DatagramPacket p = new java.net.DatagramPacket(new byte[4096], 4096);
      udp.receive(p);
      assertThat(new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8))
          .startsWith("REGISTER ")
          .contains("Via: SIP/2.0/UDP ");
    }
  }

  @Test
  void anExplicitUdpTransportKeepsALargeRequestOnUdp() throws Exception {
    try (DatagramSocket udp = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      udp.setSoTimeout(10_000);
      OutboundRequest r = large(udp.getLocalPort());
      server.client().send(r.resolving("sip:127.0.0.1:" + udp.getLocalPort() + ";transport=udp"));
      java.net.DatagramPacket p = new java.net.DatagramPacket(new byte[4096], 4096);
      udp.receive(p);
      assertThat(p.getLength()).isGreaterThan(1300);
      assertThat(server.counters().snapshot()).containsEntry("connections_opened", 0L);
    }
  }
}
