package org.trunkline.stack.dns;

import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.resolver.HostsFileEntriesResolver;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.random.RandomGenerator;

/**
 * The steps of RFC 3263 §4 for one destination: numeric host, or A/AAAA for an explicit port, or
 * NAPTR → SRV → A/AAAA. Runs on the resolver's event loop.
 *
 * <p>Beyond the RFC, every usable NAPTR record (not only the most preferred) and every SRV target
 * contributes targets, in that order, so that {@link Failover} can go on past the first transport.
 * A NAPTR lookup that fails (timeout, SERVFAIL) counts as "no NAPTR", because some middleboxes drop
 * NAPTR queries; a failed SRV lookup with no other SRV found fails the resolution instead of
 * falling back to A/AAAA, which would guess the wrong port.
 */
final class Locator {
  private final DnsLookups lookups;
  private final DnsConfig config;
  private final RandomGenerator random;
  private final HostsFileEntriesResolver hosts;

  Locator(
      DnsLookups lookups,
      DnsConfig config,
      RandomGenerator random,
      HostsFileEntriesResolver hosts) {
    this.lookups = lookups;
    this.config = config;
    this.random = random;
    this.hosts = hosts;
  }

  /**
   * Targets found by one step, and why the step found no more, in the order the steps were written
   * rather than the order answers arrived, so messages read the same every time.
   */
  private record Found(List<Target> targets, List<String> problems) {
    static final Found NOTHING = new Found(List.of(), List.of());

    static Found problem(String problem) {
      return new Found(List.of(), List.of(problem));
    }

    Found plus(Found later) {
      List<Target> ts = new ArrayList<>(targets);
      ts.addAll(later.targets);
      List<String> ps = new ArrayList<>(problems);
      ps.addAll(later.problems);
      return new Found(ts, ps);
    }
  }

  /** What the SRV step saw, which decides whether §4.2's A/AAAA fallback may run. */
  private static final class SrvSeen {
    boolean found;
    boolean failed;
  }

  private record SrvQuery(SipTransport transport, String name) {}

  CompletableFuture<List<Target>> locate(SipDestination d) {
    String host = d.bareHost();
    if (NetUtil.isValidIpV4Address(host) || NetUtil.isValidIpV6Address(host)) {
      // §4.1, §4.2: a numeric host is used as given, at the given or the default port
      SipTransport t = d.transportOrDefault();
      if (!config.transports().contains(t)) {
        return finish(d, notEnabled(t));
      }
      InetAddress ip = NetUtil.createInetAddressFromIpAddressString(host);
      int port = d.port() > 0 ? d.port() : t.defaultPort();
      Target target = new Target(t, new InetSocketAddress(ip, port), host);
      return finish(d, new Found(List.of(target), List.of()));
    }
    if (d.port() > 0) {
      // §4.2: a port in the URI means A/AAAA only, no NAPTR and no SRV
      SipTransport t = d.transportOrDefault();
      if (!config.transports().contains(t)) {
        return finish(d, notEnabled(t));
      }
      return addressTargets(host, t, d.port()).thenCompose(f -> finish(d, f));
    }
    if (d.transport() != null) {
      // §4.2: an explicit transport skips NAPTR and asks SRV for that transport only
      if (!config.transports().contains(d.transport())) {
        return finish(d, notEnabled(d.transport()));
      }
      return srvThenAddresses(
          d, List.of(srvQuery(d.transport(), host)), d.transport(), Found.NOTHING);
    }
    return lookups
        .naptr(host)
        .thenCompose(naptr -> {
          List<SrvQuery> queries = new ArrayList<>();
          Found before = usable(d, naptr, queries);
          SipTransport noSrv = queries.isEmpty() ? firstDefault(d) : queries.get(0).transport();
          if (queries.isEmpty()) {
            // §4.1: no NAPTR: SRV for every transport we support, _sips for a SIPS URI
            for (SipTransport t : defaultTransports(d)) {
              queries.add(srvQuery(t, host));
            }
          }
          return srvThenAddresses(d, queries, noSrv, before);
        });
  }

  /** Fills {@code queries} from the usable NAPTR records, best first; returns the problems. */
  private Found usable(SipDestination d, Answer<NaptrRecord> naptr, List<SrvQuery> queries) {
    if (!naptr.found()) {
      return Found.problem(naptr.problem());
    }
    naptr.records().stream()
        .filter(r -> r.sipTransport() != null && config.transports().contains(r.sipTransport()))
        // §4.1: a SIPS URI may only use SIPS+D2T
        .filter(r -> !d.secure() || r.sipTransport() == SipTransport.TLS)
        .sorted(
            Comparator.comparingInt(NaptrRecord::order).thenComparingInt(NaptrRecord::preference))
        .forEach(r -> queries.add(new SrvQuery(r.sipTransport(), r.replacement())));
    if (queries.isEmpty()) {
      return Found.problem(
          "no usable NAPTR for " + naptr.name() + ": " + naptr.records().size() + " records");
    }
    return Found.NOTHING;
  }

  private List<SipTransport> defaultTransports(SipDestination d) {
    List<SipTransport> ts =
        d.secure() ? List.of(SipTransport.TLS) : List.of(SipTransport.UDP, SipTransport.TCP);
    return ts.stream().filter(config.transports()::contains).toList();
  }

  /** §4.1: without SRV, UDP for a SIP URI and TLS for a SIPS URI (or what else we speak). */
  private SipTransport firstDefault(SipDestination d) {
    List<SipTransport> ts = defaultTransports(d);
    return ts.isEmpty() ? null : ts.get(0);
  }

  private static SrvQuery srvQuery(SipTransport t, String host) {
    return new SrvQuery(t, t.srvPrefix() + host);
  }

  /**
   * SRV lookups in parallel, each expanded into addresses in RFC 2782 order, concatenated; if no
   * SRV record exists at all, §4.2: A/AAAA of the host at the default port of {@code noSrv}.
   */
  private CompletableFuture<List<Target>> srvThenAddresses(
      SipDestination d, List<SrvQuery> queries, SipTransport noSrv, Found before) {
    SrvSeen seen = new SrvSeen();
    List<CompletableFuture<Found>> parts = new ArrayList<>();
    for (SrvQuery q : queries) {
      parts.add(lookups.srv(q.name()).thenCompose(srv -> expand(q, srv, seen)));
    }
    return concat(parts)
        .thenCompose(viaSrv -> {
          Found sofar = before.plus(viaSrv);
          if (!sofar.targets().isEmpty() || seen.found || seen.failed) {
            // a failed SRV lookup must not fall back to A/AAAA: that would guess the port
            return finish(d, sofar);
          }
          if (noSrv == null) {
            String scheme = d.secure() ? "sips" : "sip";
            return finish(d, sofar.plus(Found.problem("no transport enabled for " + scheme)));
          }
          return addressTargets(d.bareHost(), noSrv, noSrv.defaultPort())
              .thenCompose(f -> finish(d, sofar.plus(f)));
        });
  }

  private CompletableFuture<Found> expand(SrvQuery q, Answer<SrvRecord> srv, SrvSeen seen) {
    if (!srv.found()) {
      seen.failed |= srv.status() == Answer.Status.FAILED;
      return CompletableFuture.completedFuture(Found.problem(srv.problem()));
    }
    seen.found = true;
    List<SrvRecord> ordered = SrvOrder.order(srv.records(), random);
    if (ordered.isEmpty()) {
      return CompletableFuture.completedFuture(
          Found.problem("SRV " + srv.name() + ": service not available (target \".\")"));
    }
    List<CompletableFuture<Found>> parts = new ArrayList<>();
    for (SrvRecord r : ordered) {
      parts.add(addressTargets(r.target(), q.transport(), r.port()));
    }
    return concat(parts);
  }

  private CompletableFuture<Found> addressTargets(String host, SipTransport t, int port) {
    if (config.hostsFile()) {
      InetAddress fromFile = hosts.address(host, config.addressTypes());
      if (fromFile != null) {
        Target target = new Target(t, new InetSocketAddress(fromFile, port), host);
        return CompletableFuture.completedFuture(new Found(List.of(target), List.of()));
      }
    }
    List<CompletableFuture<Found>> parts = new ArrayList<>();
    for (DnsRecordType type : families()) {
      parts.add(
          lookups
              .addresses(host, type)
              .thenApply(a ->
                  new Found(
                      a.records().stream()
                          .map(ip -> new Target(t, new InetSocketAddress(ip, port), host))
                          .toList(),
                      a.found() ? List.of() : List.of(a.problem()))));
    }
    return concat(parts);
  }

  private List<DnsRecordType> families() {
    return switch (config.addressTypes()) {
      case IPV4_ONLY -> List.of(DnsRecordType.A);
      case IPV6_ONLY -> List.of(DnsRecordType.AAAA);
      case IPV4_PREFERRED -> List.of(DnsRecordType.A, DnsRecordType.AAAA);
      case IPV6_PREFERRED -> List.of(DnsRecordType.AAAA, DnsRecordType.A);
    };
  }

  private static Found notEnabled(SipTransport t) {
    return Found.problem("transport " + t.token() + " is not enabled");
  }

  /** The targets in order without repeats, or a failure naming every problem on the way. */
  private static CompletableFuture<List<Target>> finish(SipDestination d, Found found) {
    Map<String, Target> unique = new LinkedHashMap<>();
    for (Target t : found.targets()) {
      unique.putIfAbsent(t.transport() + " " + t.address(), t);
    }
    if (unique.isEmpty()) {
      return CompletableFuture.failedFuture(
          new SipResolveException(d + ": " + String.join("; ", found.problems())));
    }
    return CompletableFuture.completedFuture(List.copyOf(unique.values()));
  }

  /** Joins parts in list order, whatever order they complete in. */
  private static CompletableFuture<Found> concat(List<CompletableFuture<Found>> parts) {
    return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new))
        .thenApply(v -> {
          Found all = Found.NOTHING;
          for (CompletableFuture<Found> p : parts) {
            all = all.plus(p.join());
          }
          return all;
        });
  }
}
