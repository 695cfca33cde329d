package org.trunkline.stack.dns;

import io.netty.resolver.ResolvedAddressTypes;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * Limits and choices of the {@link SipResolver}, rejected loudly when out of range.
 *
 * @param nameServers servers to ask, in order; the next one is tried when one times out. Empty
 *     means the system's ({@code /etc/resolv.conf})
 * @param queryTimeout how long to wait for one server's answer (default 2 s)
 * @param maxCacheEntries how many answers (one per name and type) the cache keeps before it drops
 *     the least recently used (default 4096)
 * @param maxTtl the longest an answer is cached whatever its TTL says (default 1 h)
 * @param negativeTtl how long NXDOMAIN and "no records" are cached when the answer has no SOA to
 *     take it from (RFC 2308 §5; default 30 s); also the cap for SOA-derived values
 * @param addressTypes A, AAAA or both, and which family comes first (default IPv4 preferred)
 * @param transports the transports we speak; NAPTR and SRV records for others are skipped
 * @param hostsFile whether A/AAAA lookups look in {@code /etc/hosts} first, as operators put
 *     carrier hosts there
 */
public record DnsConfig(
    List<InetSocketAddress> nameServers,
    Duration queryTimeout,
    int maxCacheEntries,
    Duration maxTtl,
    Duration negativeTtl,
    ResolvedAddressTypes addressTypes,
    Set<SipTransport> transports,
    boolean hostsFile) {

  public DnsConfig {
    nameServers = List.copyOf(nameServers);
    transports = Set.copyOf(transports);
    if (queryTimeout.isNegative() || queryTimeout.isZero()) {
      throw new IllegalArgumentException("dns.query-timeout: must be > 0, got " + queryTimeout);
    }
    if (maxCacheEntries < 1) {
      throw new IllegalArgumentException(
          "dns.max-cache-entries: must be > 0, got " + maxCacheEntries);
    }
    if (maxTtl.isNegative()) {
      throw new IllegalArgumentException("dns.max-ttl: must be >= 0, got " + maxTtl);
    }
    if (negativeTtl.isNegative()) {
      throw new IllegalArgumentException("dns.negative-ttl: must be >= 0, got " + negativeTtl);
    }
    if (transports.isEmpty()) {
      throw new IllegalArgumentException("dns.transports: must name at least one transport");
    }
  }

  /** The defaults above, asking the given servers (none: the system's). */
  public static DnsConfig defaults(List<InetSocketAddress> nameServers) {
    return new DnsConfig(
        nameServers,
        Duration.ofSeconds(2),
        4096,
        Duration.ofHours(1),
        Duration.ofSeconds(30),
        ResolvedAddressTypes.IPV4_PREFERRED,
        Set.of(SipTransport.values()),
        true);
  }

  public DnsConfig withQueryTimeout(Duration timeout) {
    return new DnsConfig(
        nameServers,
        timeout,
        maxCacheEntries,
        maxTtl,
        negativeTtl,
        addressTypes,
        transports,
        hostsFile);
  }

  public DnsConfig withMaxCacheEntries(int max) {
    return new DnsConfig(
        nameServers, queryTimeout, max, maxTtl, negativeTtl, addressTypes, transports, hostsFile);
  }

  public DnsConfig withAddressTypes(ResolvedAddressTypes types) {
    return new DnsConfig(
        nameServers,
        queryTimeout,
        maxCacheEntries,
        maxTtl,
        negativeTtl,
        types,
        transports,
        hostsFile);
  }

  public DnsConfig withTransports(Set<SipTransport> only) {
    return new DnsConfig(
        nameServers,
        queryTimeout,
        maxCacheEntries,
        maxTtl,
        negativeTtl,
        addressTypes,
        only,
        hostsFile);
  }

  public DnsConfig withHostsFile(boolean use) {
    return new DnsConfig(
        nameServers,
        queryTimeout,
        maxCacheEntries,
        maxTtl,
        negativeTtl,
        addressTypes,
        transports,
        use);
  }
}
