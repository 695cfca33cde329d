package org.trunkline.stack.dns;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.resolver.ResolvedAddressTypes;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trunkline.sip.ParseLimits;
import org.trunkline.stack.ClientResult;
import org.trunkline.stack.ListenPoint;
import org.trunkline.stack.OutboundRequest;
import org.trunkline.stack.SipServer;
import org.trunkline.stack.Sipp;
import org.trunkline.stack.StreamTimeouts;
import org.trunkline.stack.TestTimers;
import org.trunkline.stack.Transport;
import org.trunkline.stack.auth.ClientCredentials;
import org.trunkline.stack.transaction.TransactionConfig;

/**
 * RFC 3263 §4.3 through the whole client: a name resolved by a DNS server of the test's own (SRV
 * records, two targets on loopback), the first target failing (503 from a SIPp registrar, or no
 * answer at all), the request sent again to the next one, which answers after a digest challenge.
 */
class SipClientFailoverTest {
  private static final TransactionConfig FAST = TestTimers.FAST;

  @TempDir Path dir;
  private ZoneServer zone;
  private SipServer server;

  @BeforeEach
  void start() throws Exception {
    zone = new ZoneServer();
    server =
        new SipServer(
                List.of(new ListenPoint(Transport.UDP, "127.0.0.1", 0)),
                ParseLimits.DEFAULT,
                StreamTimeouts.DEFAULT,
                FAST)
            .dns(
                DnsConfig.defaults(List.of(zone.address()))
                    .withQueryTimeout(Duration.ofSeconds(2))
                    .withHostsFile(false)
                    .withAddressTypes(ResolvedAddressTypes.IPV4_ONLY)
                    .withTransports(Set.of(SipTransport.UDP)));
    server.start();
  }

  @AfterEach
  void stop() {
    server.close();
    zone.close();
  }

  private OutboundRequest register() {
    return new OutboundRequest(
        "REGISTER",
        "sip:carrier.test",
        "<sip:trunk77@carrier.test>;tag=f1",
        "<sip:trunk77@carrier.test>",
        "failover-" + System.nanoTime(),
        1,
        List.of("Contact: <sip:trunk77@{local}>", "Expires: 600"),
        null,
        null,
        null,
        "sip:carrier.test",
        ClientCredentials.of("trunk77", "pw"),
        null);
  }

  private void records(int first, int second) {
    zone.srv("_sip._udp.carrier.test", 300, 10, 0, first, "edge1.carrier.test")
        .srv("_sip._udp.carrier.test", 300, 20, 0, second, "edge2.carrier.test")
        .a("edge1.carrier.test", 300, "127.0.0.1")
        .a("edge2.carrier.test", 300, "127.0.0.1");
  }

  @Test
  void a503FromTheFirstSrvTargetSendsTheRequestToTheNext() throws Exception {
    int first = Sipp.freePortFor("u1");
    int second = Sipp.freePortFor("u1");
    Path d1 = Files.createDirectories(dir.resolve("first"));
    Path d2 = Files.createDirectories(dir.resolve("second"));
    Process out = Sipp.startUas(d1, "uas-register-503", first, "u1", 1, List.of());
    Process ok = Sipp.startUas(d2, "uas-register-challenge", second, "u1", 1, List.of());
    Sipp.awaitBound(first, out, d1);
    Sipp.awaitBound(second, ok, d2);
    records(first, second);

    ClientResult r = server.client().send(register()).get(20, TimeUnit.SECONDS);

    assertThat(r.status()).as("result %s", r).isEqualTo(200);
    assertThat(r.peer().address().getPort()).isEqualTo(second);
    Sipp.expectSuccess(out, d1, Duration.ofSeconds(20));
    Sipp.expectSuccess(ok, d2, Duration.ofSeconds(20));
  }

  @Test
  void aSilentFirstTargetTimesOutAndTheNextAnswers() throws Exception {
    try (DatagramSocket silent = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      int second = Sipp.freePortFor("u1");
      Path d2 = Files.createDirectories(dir.resolve("second"));
      Process ok = Sipp.startUas(d2, "uas-register-challenge", second, "u1", 1, List.of());
      Sipp.awaitBound(second, ok, d2);
      records(silent.getLocalPort(), second);

      ClientResult r = server.client().send(register()).get(20, TimeUnit.SECONDS);

      assertThat(r.status()).as("result %s", r).isEqualTo(200);
      assertThat(r.peer().address()).isEqualTo(new InetSocketAddress("127.0.0.1", second));
      Sipp.expectSuccess(ok, d2, Duration.ofSeconds(20));
    }
  }

  @Test
  void whenEveryTargetFailsTheResultNamesThemAll() throws Exception {
    try (DatagramSocket a = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        DatagramSocket b = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      records(a.getLocalPort(), b.getLocalPort());

      ClientResult r = server.client().send(register()).get(20, TimeUnit.SECONDS);

      assertThat(r.status()).isEqualTo(408);
      assertThat(r.detail())
          .contains("tried 2 of 2")
          .contains("127.0.0.1:" + a.getLocalPort())
          .contains("127.0.0.1:" + b.getLocalPort());
    }
  }

  @Test
  void aNameThatDoesNotResolveIsA503() throws Exception {
    ClientResult r = server.client().send(register()).get(20, TimeUnit.SECONDS);

    assertThat(r.status()).isEqualTo(503);
    assertThat(r.received()).isFalse();
    assertThat(r.detail()).contains("carrier.test");
  }
}
