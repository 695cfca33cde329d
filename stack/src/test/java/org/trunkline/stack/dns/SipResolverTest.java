package org.trunkline.stack.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.resolver.ResolvedAddressTypes;
import io.netty.util.concurrent.MockTicker;
import io.netty.util.concurrent.Ticker;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class SipResolverTest {
  private final MockTicker ticker = Ticker.newMockTicker();
  private EventLoopGroup loop;
  private ZoneServer zone;
  private SipResolver resolver;

  @BeforeEach
  void start() throws InterruptedException {
    loop = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    zone = new ZoneServer();
  }

  @AfterEach
  void stop() {
    if (resolver != null) {
      resolver.close();
    }
    zone.close();
    loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private SipResolver resolver(UnaryOperator<DnsConfig> tweak, long seed) {
    DnsConfig config =
        tweak.apply(
            DnsConfig.defaults(List.of(zone.address()))
                // generous: a cold JVM on a busy 2-core machine can take a while to answer first
                .withQueryTimeout(Duration.ofSeconds(3))
                .withHostsFile(false));
    resolver =
        SipResolver.create(loop.next(), NioDatagramChannel.class, config, ticker, new Random(seed));
    return resolver;
  }

  private SipResolver resolver() {
    return resolver(c -> c, 1);
  }

  private static List<String> targets(
      SipResolver r, String host, int port, SipTransport t, boolean secure) throws Exception {
    return r.resolve(new SipDestination(host, port, t, secure)).get(5, TimeUnit.SECONDS).stream()
        .map(Target::toString)
        .toList();
  }

  private static List<String> targets(SipResolver r, String host) throws Exception {
    return targets(r, host, -1, null, false);
  }

  private static String failure(SipResolver r, String host, int port, SipTransport t) {
    var f = r.resolve(new SipDestination(host, port, t, false));
    assertThatThrownBy(() -> f.get(5, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(SipResolveException.class);
    return f.exceptionNow().getMessage();
  }

  @Test
  void naptrThenSrvThenAddresses() throws Exception {
    zone.naptr("carrier.test", 300, 10, 10, "s", "SIP+D2T", "_sip._tcp.carrier.test")
        .naptr("carrier.test", 300, 20, 10, "s", "SIP+D2U", "_sip._udp.carrier.test")
        .naptr("carrier.test", 300, 5, 10, "s", "SIP+D2S", "_sip._sctp.carrier.test") // not ours
        .srv("_sip._tcp.carrier.test", 300, 10, 0, 5070, "edge1.carrier.test")
        .srv("_sip._udp.carrier.test", 300, 10, 0, 5080, "edge2.carrier.test")
        .a("edge1.carrier.test", 300, "192.0.2.10")
        .aaaa("edge1.carrier.test", 300, "2001:db8::10")
        .a("edge2.carrier.test", 300, "192.0.2.20");

    assertThat(targets(resolver(), "carrier.test"))
        .containsExactly(
            "tcp 192.0.2.10:5070", "tcp [2001:db8:0:0:0:0:0:10]:5070", "udp 192.0.2.20:5080");
    assertThat(zone.queries(DnsRecordType.SRV, "_sip._sctp.carrier.test")).isZero();
    assertThat(zone.queries(DnsRecordType.A, "carrier.test")).isZero();
  }

  @Test
  void sipsUriUsesOnlySipsNaptr() throws Exception {
    zone.naptr("carrier.test", 300, 10, 10, "s", "SIP+D2U", "_sip._udp.carrier.test")
        .naptr("carrier.test", 300, 20, 10, "s", "SIPS+D2T", "_sips._tcp.carrier.test")
        .srv("_sip._udp.carrier.test", 300, 10, 0, 5060, "edge.carrier.test")
        .srv("_sips._tcp.carrier.test", 300, 10, 0, 5061, "edge.carrier.test")
        .a("edge.carrier.test", 300, "192.0.2.10");

    assertThat(targets(resolver(), "carrier.test", -1, null, true))
        .containsExactly("tls 192.0.2.10:5061");
  }

  @Test
  void srvOnlyWhenThereIsNoNaptr() throws Exception {
    zone.a("pbx.test", 300, "192.0.2.99") // the name exists, so NAPTR is "no records"
        .srv("_sip._udp.pbx.test", 300, 20, 0, 5062, "b.pbx.test")
        .srv("_sip._udp.pbx.test", 300, 10, 0, 5061, "a.pbx.test")
        .a("a.pbx.test", 300, "192.0.2.1")
        .a("b.pbx.test", 300, "192.0.2.2");

    assertThat(targets(resolver(), "pbx.test"))
        .containsExactly("udp 192.0.2.1:5061", "udp 192.0.2.2:5062");
    assertThat(zone.queries(DnsRecordType.NAPTR, "pbx.test")).isEqualTo(1);
    assertThat(zone.queries(DnsRecordType.SRV, "_sip._tcp.pbx.test")).isEqualTo(1);
    assertThat(zone.queries(DnsRecordType.A, "pbx.test")).isZero();
  }

  @Test
  void addressesOnlyWhenThereIsNoSrv() throws Exception {
    zone.a("host.test", 300, "192.0.2.30");
    SipResolver r = resolver();

    assertThat(targets(r, "host.test")).containsExactly("udp 192.0.2.30:5060");
    assertThat(targets(r, "host.test", -1, null, true)).containsExactly("tls 192.0.2.30:5061");
    assertThat(zone.queries(DnsRecordType.SRV, "_sip._udp.host.test")).isEqualTo(1);
    assertThat(zone.queries(DnsRecordType.SRV, "_sips._tcp.host.test")).isEqualTo(1);
  }

  @Test
  void explicitPortSkipsNaptrAndSrv() throws Exception {
    zone.a("pbx.test", 300, "192.0.2.40").srv("_sip._udp.pbx.test", 300, 10, 0, 5555, "x.pbx.test");

    assertThat(targets(resolver(), "pbx.test", 5099, null, false))
        .containsExactly("udp 192.0.2.40:5099");
    assertThat(zone.queries(DnsRecordType.NAPTR, "pbx.test")).isZero();
    assertThat(zone.queries(DnsRecordType.SRV, "_sip._udp.pbx.test")).isZero();
  }

  @Test
  void explicitTransportAsksSrvForThatTransportOnly() throws Exception {
    zone.a("pbx.test", 300, "192.0.2.40");

    assertThat(targets(resolver(), "pbx.test", -1, SipTransport.TCP, false))
        .containsExactly("tcp 192.0.2.40:5060");
    assertThat(zone.queries(DnsRecordType.SRV, "_sip._tcp.pbx.test")).isEqualTo(1);
    assertThat(zone.queries(DnsRecordType.NAPTR, "pbx.test")).isZero();
    assertThat(zone.queries(DnsRecordType.SRV, "_sip._udp.pbx.test")).isZero();
  }

  @Test
  void numericHostsAreUsedAsGiven() throws Exception {
    SipResolver r = resolver();

    assertThat(targets(r, "192.0.2.55")).containsExactly("udp 192.0.2.55:5060");
    assertThat(targets(r, "192.0.2.55", 5070, SipTransport.TCP, false))
        .containsExactly("tcp 192.0.2.55:5070");
    assertThat(targets(r, "[2001:db8::1]", -1, null, true))
        .containsExactly("tls [2001:db8:0:0:0:0:0:1]:5061");
    assertThat(targets(r, "2001:db8::1", 5080, null, false))
        .containsExactly("udp [2001:db8:0:0:0:0:0:1]:5080");
    assertThat(zone.totalQueries()).isZero();
  }

  @Test
  void srvPriorityFirstThenWeightsForAFixedSeed() throws Exception {
    zone.srv("_sip._udp.lb.test", 300, 10, 60, 5060, "w60.lb.test")
        .srv("_sip._udp.lb.test", 300, 10, 30, 5060, "w30.lb.test")
        .srv("_sip._udp.lb.test", 300, 10, 10, 5060, "w10.lb.test")
        .srv("_sip._udp.lb.test", 300, 20, 0, 5060, "backup.lb.test")
        .a("w60.lb.test", 300, "192.0.2.60")
        .a("w30.lb.test", 300, "192.0.2.30")
        .a("w10.lb.test", 300, "192.0.2.10")
        .a("backup.lb.test", 300, "192.0.2.99");
    SipResolver r = resolver(c -> c.withAddressTypes(ResolvedAddressTypes.IPV4_ONLY), 42);

    assertThat(targets(r, "lb.test"))
        .containsExactly(
            "udp 192.0.2.60:5060",
            "udp 192.0.2.30:5060",
            "udp 192.0.2.10:5060",
            "udp 192.0.2.99:5060");

    int[] first = new int[3];
    int n = 3000;
    for (int i = 0; i < n; i++) {
      List<String> ts = targets(r, "lb.test");
      assertThat(ts).hasSize(4).last().isEqualTo("udp 192.0.2.99:5060");
      switch (ts.get(0)) {
        case "udp 192.0.2.60:5060" -> first[0]++;
        case "udp 192.0.2.30:5060" -> first[1]++;
        default -> first[2]++;
      }
    }
    assertThat(first[0] / (double) n).isBetween(0.55, 0.66);
    assertThat(first[1] / (double) n).isBetween(0.25, 0.35);
    assertThat(first[2] / (double) n).isBetween(0.06, 0.14);
    // all of that came from the cache
    assertThat(zone.queries(DnsRecordType.SRV, "_sip._udp.lb.test")).isEqualTo(1);
  }

  @Test
  void answersAreCachedForTheirTtlOnTheTicker() throws Exception {
    zone.a("ttl.test", 60, "192.0.2.1");
    SipResolver r = resolver(c -> c.withAddressTypes(ResolvedAddressTypes.IPV4_ONLY), 1);

    targets(r, "ttl.test", 5060, null, false);
    targets(r, "ttl.test", 5060, null, false);
    assertThat(zone.queries(DnsRecordType.A, "ttl.test")).isEqualTo(1);

    ticker.advance(59, TimeUnit.SECONDS);
    targets(r, "ttl.test", 5060, null, false);
    assertThat(zone.queries(DnsRecordType.A, "ttl.test")).isEqualTo(1);

    ticker.advance(1, TimeUnit.SECONDS);
    targets(r, "ttl.test", 5060, null, false);
    assertThat(zone.queries(DnsRecordType.A, "ttl.test")).isEqualTo(2);
  }

  @Test
  void nxdomainIsCachedForTheSoaMinimum() throws Exception {
    zone.negativeTtl(10);
    SipResolver r = resolver(c -> c.withAddressTypes(ResolvedAddressTypes.IPV4_ONLY), 1);

    assertThat(failure(r, "gone.test", 5060, null))
        .isEqualTo("sip:gone.test:5060: no A for gone.test: NXDOMAIN");
    failure(r, "gone.test", 5060, null);
    assertThat(zone.queries(DnsRecordType.A, "gone.test")).isEqualTo(1);
    ticker.advance(10, TimeUnit.SECONDS);
    failure(r, "gone.test", 5060, null);
    assertThat(zone.queries(DnsRecordType.A, "gone.test")).isEqualTo(2);
  }

  @Test
  void cacheDropsTheLeastRecentlyUsedBeyondItsSize() throws Exception {
    zone.a("one.test", 300, "192.0.2.1")
        .a("two.test", 300, "192.0.2.2")
        .a("three.test", 300, "192.0.2.3");
    SipResolver r =
        resolver(c -> c.withAddressTypes(ResolvedAddressTypes.IPV4_ONLY).withMaxCacheEntries(2), 1);

    targets(r, "one.test", 5060, null, false);
    targets(r, "two.test", 5060, null, false);
    targets(r, "one.test", 5060, null, false); // one is now the most recently used
    targets(r, "three.test", 5060, null, false); // drops two
    targets(r, "one.test", 5060, null, false);
    targets(r, "two.test", 5060, null, false);

    assertThat(zone.queries(DnsRecordType.A, "one.test")).isEqualTo(1);
    assertThat(zone.queries(DnsRecordType.A, "two.test")).isEqualTo(2);
  }

  @Test
  void nxdomainNamesEveryLookup() {
    String msg =
        failure(
            resolver(c -> c.withAddressTypes(ResolvedAddressTypes.IPV4_ONLY), 1),
            "nohost.test",
            -1,
            null);

    assertThat(msg)
        .isEqualTo(
            "sip:nohost.test: no NAPTR for nohost.test: NXDOMAIN; "
                + "no SRV for _sip._udp.nohost.test: NXDOMAIN; "
                + "no SRV for _sip._tcp.nohost.test: NXDOMAIN; "
                + "no A for nohost.test: NXDOMAIN");
  }

  @Test
  void timeoutNamesTheServerThatKeptSilent() {
    zone.silent("slow.test");
    String msg =
        failure(
            resolver(
                c ->
                    c.withAddressTypes(ResolvedAddressTypes.IPV4_ONLY)
                        .withQueryTimeout(Duration.ofMillis(300)),
                1),
            "slow.test",
            5060,
            null);

    assertThat(msg)
        .isEqualTo(
            "sip:slow.test:5060: no A for slow.test: timeout after 300 ms from " + zone.hostPort());
  }

  @Test
  void failedSrvLookupDoesNotGuessAPort() {
    zone.a("pbx.test", 300, "192.0.2.40").broken("_sip._tcp.pbx.test");

    String msg = failure(resolver(), "pbx.test", -1, SipTransport.TCP);
    assertThat(msg)
        .startsWith(
            "sip:pbx.test;transport=tcp: no SRV for _sip._tcp.pbx.test: SERVFAIL from "
                + zone.hostPort());
    assertThat(zone.queries(DnsRecordType.A, "pbx.test")).isZero();
  }

  @Test
  void nextNameServerIsAskedWhenOneTimesOut() throws Exception {
    try (ZoneServer mute = new ZoneServer()) {
      mute.silent("pbx.test");
      zone.a("pbx.test", 300, "192.0.2.40");
      DnsConfig config =
          DnsConfig.defaults(List.of(mute.address(), zone.address()))
              .withQueryTimeout(Duration.ofSeconds(1))
              .withHostsFile(false)
              .withAddressTypes(ResolvedAddressTypes.IPV4_ONLY);
      resolver =
          SipResolver.create(loop.next(), NioDatagramChannel.class, config, ticker, new Random(1));

      assertThat(targets(resolver, "pbx.test", 5060, null, false))
          .containsExactly("udp 192.0.2.40:5060");
      assertThat(mute.queries(DnsRecordType.A, "pbx.test")).isEqualTo(1);
    }
  }

  @Test
  void failoverWalksSrvTargetsByPriority() throws Exception {
    zone.srv("_sip._udp.trunk.test", 300, 30, 0, 5062, "c.trunk.test")
        .srv("_sip._udp.trunk.test", 300, 10, 0, 5060, "a.trunk.test")
        .srv("_sip._udp.trunk.test", 300, 20, 0, 5061, "b.trunk.test")
        .a("a.trunk.test", 300, "192.0.2.1")
        .a("b.trunk.test", 300, "192.0.2.2")
        .aaaa("b.trunk.test", 300, "2001:db8::2")
        .a("c.trunk.test", 300, "192.0.2.3");
    List<Target> targets =
        resolver()
            .resolve(new SipDestination("trunk.test", -1, null, false))
            .get(5, TimeUnit.SECONDS);

    Failover f = Failover.over(targets);
    List<String> order = new java.util.ArrayList<>();
    for (Optional<Target> t = f.next(); t.isPresent(); t = f.next()) {
      order.add(t.get().toString() + " (" + t.get().hostName() + ")");
      f.failed(order.size() % 2 == 0 ? "503" : "timeout");
    }

    assertThat(order)
        .containsExactly(
            "udp 192.0.2.1:5060 (a.trunk.test)",
            "udp 192.0.2.2:5061 (b.trunk.test)",
            "udp [2001:db8:0:0:0:0:0:2]:5061 (b.trunk.test)",
            "udp 192.0.2.3:5062 (c.trunk.test)");
    assertThat(f.summary())
        .startsWith("tried 4 of 4: udp 192.0.2.1:5060: timeout, udp 192.0.2.2:5061: 503");
  }

  @Test
  void hostsFileAnswersBeforeDns() throws Exception {
    // every machine maps localhost in /etc/hosts; the zone does not know it
    SipResolver r = resolver(c -> c.withHostsFile(true), 1);

    assertThat(targets(r, "localhost", 5070, null, false)).containsExactly("udp 127.0.0.1:5070");
    assertThat(zone.totalQueries()).isZero();
  }

  @Test
  void addressesFollowTheCnameChainInTheAnswer() throws Exception {
    zone.cname("sbc.carrier.test", 300, "edge7.carrier.test")
        .a("edge7.carrier.test", 300, "192.0.2.7");
    SipResolver r = resolver(c -> c.withAddressTypes(ResolvedAddressTypes.IPV4_ONLY), 1);

    assertThat(targets(r, "sbc.carrier.test", 5060, null, false))
        .containsExactly("udp 192.0.2.7:5060");
  }

  @Test
  void sameQuestionInFlightIsAskedOnce() throws Exception {
    zone.a("zero.test", 0, "192.0.2.8"); // TTL 0: never cached, so only sharing saves the query
    SipResolver r = resolver(c -> c.withAddressTypes(ResolvedAddressTypes.IPV4_ONLY), 1);
    SipDestination d = new SipDestination("zero.test", 5060, null, false);

    // both on the event loop, back to back: no answer can arrive in between
    var both =
        loop.next().submit(() -> List.of(r.resolve(d), r.resolve(d))).get(5, TimeUnit.SECONDS);
    for (var f : both) {
      assertThat(f.get(5, TimeUnit.SECONDS))
          .extracting(Target::toString)
          .containsExactly("udp 192.0.2.8:5060");
    }
    assertThat(zone.queries(DnsRecordType.A, "zero.test")).isEqualTo(1);

    targets(r, "zero.test", 5060, null, false);
    assertThat(zone.queries(DnsRecordType.A, "zero.test")).isEqualTo(2);
  }
}
