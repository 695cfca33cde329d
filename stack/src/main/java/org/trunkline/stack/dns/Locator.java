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

  /** What went wrong on the way, reported only when no target is left. */
  private static final class Trace {
    final List<String> problems = new ArrayList<>();
    boolean srvFound;
    boolean srvFailed;
  }

  private record SrvQuery(SipTransport transport, String name) {}

  CompletableFuture<List<Target>> locate(SipDestination d) {
    String host = d.bareHost();
    Trace trace = new Trace();
    if (NetUtil.isValidIpV4Address(host) || NetUtil.isValidIpV6Address(host)) {
      // §4.1, §4.2: a numeric host is used as given, at the given or the default port
      SipTransport t = d.transportOrDefault();
      if (!enabled(t, trace)) {
        return finish(d, List.of(), trace);
      }
      InetAddress ip = NetUtil.createInetAddressFromIpAddressString(host);
      int port = d.port() > 0 ? d.port() : t.defaultPort();
      return finish(d, List.of(new Target(t, new InetSocketAddress(ip, port), host)), trace);
    }
    if (d.port() > 0) {
      // §4.2: a port in the URI means A/AAAA only, no NAPTR and no SRV
      SipTransport t = d.transportOrDefault();
      if (!enabled(t, trace)) {
        return finish(d, List.of(), trace);
      }
      return addressTargets(host, t, d.port(), trace).thenCompose(ts -> finish(d, ts, trace));
    }
    if (d.transport() != null) {
      // §4.2: an explicit transport skips NAPTR and asks SRV for that transport only
      if (!enabled(d.transport(), trace)) {
        return finish(d, List.of(), trace);
      }
      List<SrvQuery> q = List.of(srvQuery(d.transport(), host));
      return viaSrv(q, trace).thenCompose(ts -> orAddresses(d, ts, d.transport(), trace));
    }
    return lookups
        .naptr(host)
        .thenCompose(naptr -> {
          List<SrvQuery> queries = usable(d, naptr, trace);
          SipTransport fallback = queries.isEmpty() ? null : queries.get(0).transport();
          if (queries.isEmpty()) {
            // §4.1: no NAPTR: SRV for every transport we support, _sips for a SIPS URI
            for (SipTransport t : defaultTransports(d)) {
              queries.add(srvQuery(t, host));
            }
          }
          SipTransport noSrv = fallback != null ? fallback : firstDefault(d);
          return viaSrv(queries, trace).thenCompose(ts -> orAddresses(d, ts, noSrv, trace));
        });
  }

  private List<SrvQuery> usable(SipDestination d, Answer<NaptrRecord> naptr, Trace trace) {
    List<SrvQuery> queries = new ArrayList<>();
    if (!naptr.found()) {
      trace.problems.add(naptr.problem());
      return queries;
    }
    naptr.records().stream()
        .filter(r -> r.sipTransport() != null && config.transports().contains(r.sipTransport()))
        // §4.1: a SIPS URI may only use SIPS+D2T
        .filter(r -> !d.secure() || r.sipTransport() == SipTransport.TLS)
        .sorted(
            Comparator.comparingInt(NaptrRecord::order).thenComparingInt(NaptrRecord::preference))
        .forEach(r -> queries.add(new SrvQuery(r.sipTransport(), r.replacement())));
    if (queries.isEmpty()) {
      trace.problems.add(
          "no usable NAPTR for " + naptr.name() + ": " + naptr.records().size() + " records");
    }
    return queries;
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

  /** SRV lookups in parallel, each expanded into addresses in RFC 2782 order, concatenated. */
  private CompletableFuture<List<Target>> viaSrv(List<SrvQuery> queries, Trace trace) {
    List<CompletableFuture<List<Target>>> parts = new ArrayList<>();
    for (SrvQuery q : queries) {
      parts.add(lookups.srv(q.name()).thenCompose(srv -> expand(q, srv, trace)));
    }
    return concat(parts);
  }

  private CompletableFuture<List<Target>> expand(SrvQuery q, Answer<SrvRecord> srv, Trace trace) {
    if (!srv.found()) {
      trace.problems.add(srv.problem());
      trace.srvFailed |= srv.status() == Answer.Status.FAILED;
      return CompletableFuture.completedFuture(List.of());
    }
    trace.srvFound = true;
    List<SrvRecord> ordered = SrvOrder.order(srv.records(), random);
    if (ordered.isEmpty()) {
      trace.problems.add("SRV " + srv.name() + ": service not available (target \".\")");
    }
    List<CompletableFuture<List<Target>>> parts = new ArrayList<>();
    for (SrvRecord r : ordered) {
      parts.add(addressTargets(r.target(), q.transport(), r.port(), trace));
    }
    return concat(parts);
  }

  /** §4.2: no SRV at all means A/AAAA of the host at the transport's default port. */
  private CompletableFuture<List<Target>> orAddresses(
      SipDestination d, List<Target> found, SipTransport t, Trace trace) {
    if (!found.isEmpty() || trace.srvFound || trace.srvFailed || t == null) {
      if (t == null) {
        trace.problems.add("no transport enabled for " + (d.secure() ? "sips" : "sip"));
      }
      return finish(d, found, trace);
    }
    return addressTargets(d.bareHost(), t, t.defaultPort(), trace)
        .thenCompose(ts -> finish(d, ts, trace));
  }

  private CompletableFuture<List<Target>> addressTargets(
      String host, SipTransport t, int port, Trace trace) {
    if (config.hostsFile()) {
      InetAddress fromFile = hosts.address(host, config.addressTypes());
      if (fromFile != null) {
        return CompletableFuture.completedFuture(
            List.of(new Target(t, new InetSocketAddress(fromFile, port), host)));
      }
    }
    List<CompletableFuture<List<Target>>> parts = new ArrayList<>();
    for (DnsRecordType type : families()) {
      parts.add(
          lookups
              .addresses(host, type)
              .thenApply(a -> {
                if (!a.found()) {
                  trace.problems.add(a.problem());
                }
                return a.records().stream()
                    .map(ip -> new Target(t, new InetSocketAddress(ip, port), host))
                    .toList();
              }));
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

  private boolean enabled(SipTransport t, Trace trace) {
    if (!config.transports().contains(t)) {
      trace.problems.add("transport " + t.token() + " is not enabled");
      return false;
    }
    return true;
  }

  /** The targets in order without repeats, or a failure naming every problem on the way. */
  private static CompletableFuture<List<Target>> finish(
      SipDestination d, List<Target> targets, Trace trace) {
    Map<String, Target> unique = new LinkedHashMap<>();
    for (Target t : targets) {
      unique.putIfAbsent(t.transport() + " " + t.address(), t);
    }
    if (unique.isEmpty()) {
      return CompletableFuture.failedFuture(
          new SipResolveException(d + ": " + String.join("; ", trace.problems)));
    }
    return CompletableFuture.completedFuture(List.copyOf(unique.values()));
  }

  private static CompletableFuture<List<Target>> concat(
      List<CompletableFuture<List<Target>>> parts) {
    return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new))
        .thenApply(v -> {
          List<Target> all = new ArrayList<>();
          parts.forEach(p -> all.addAll(p.join()));
          return all;
        });
  }
}
