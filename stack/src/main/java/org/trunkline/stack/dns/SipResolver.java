package org.trunkline.stack.dns;

import io.netty.channel.EventLoop;
import io.netty.channel.socket.DatagramChannel;
import io.netty.resolver.HostsFileEntriesResolver;
import io.netty.resolver.dns.DnsNameResolver;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.resolver.dns.DnsServerAddressStreamProviders;
import io.netty.resolver.dns.NoopAuthoritativeDnsServerCache;
import io.netty.resolver.dns.NoopDnsCache;
import io.netty.resolver.dns.NoopDnsCnameCache;
import io.netty.resolver.dns.SequentialDnsServerAddressStreamProvider;
import io.netty.util.concurrent.Ticker;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.random.RandomGenerator;
import org.trunkline.sip.SipUri;

/**
 * Finds where to send a SIP request (RFC 3263 §4): numeric hosts as given, a host with a port by
 * A/AAAA, otherwise NAPTR → SRV → A/AAAA, with SRV records in RFC 2782 order. Answers are cached by
 * their TTL on the injected {@link Ticker}, in a cache of bounded size.
 *
 * <p>Any thread may call {@link #resolve}; the work runs on the event loop given at creation, and
 * the returned future completes there, so its callbacks must not block. It never fails with an
 * exception thrown from {@code resolve}: a destination with no target completes exceptionally with
 * a {@link SipResolveException} naming every lookup that came back empty.
 *
 * <p>Time: lookups of one step run in parallel, so a resolution takes at most three steps (NAPTR,
 * SRV, A/AAAA) times {@code queryTimeout} times the number of name servers. Failed lookups
 * (timeouts, SERVFAIL) are not cached; NXDOMAIN and empty answers are (RFC 2308).
 */
public final class SipResolver implements AutoCloseable {
  private final EventLoop loop;
  private final DnsNameResolver dns;
  private final DnsLookups lookups;
  private final Locator locator;

  private SipResolver(EventLoop loop, DnsNameResolver dns, DnsLookups lookups, Locator locator) {
    this.loop = loop;
    this.dns = dns;
    this.lookups = lookups;
    this.locator = locator;
  }

  /** A resolver on the system ticker and a fresh random source for SRV weights. */
  public static SipResolver create(
      EventLoop loop, Class<? extends DatagramChannel> channelType, DnsConfig config) {
    return create(loop, channelType, config, Ticker.systemTicker(), new Random());
  }

  /**
   * @param loop the event loop that owns the resolver's socket, cache and callbacks
   * @param channelType the datagram channel class that fits the loop (epoll or NIO)
   * @param ticker the time TTLs count down on
   * @param random the source for RFC 2782 weighted picks; used on the event loop only
   */
  public static SipResolver create(
      EventLoop loop,
      Class<? extends DatagramChannel> channelType,
      DnsConfig config,
      Ticker ticker,
      RandomGenerator random) {
    DnsNameResolverBuilder b =
        new DnsNameResolverBuilder(loop)
            .datagramChannelType(channelType)
            .queryTimeoutMillis(config.queryTimeout().toMillis())
            // our cache decides what is cached and for how long, on our ticker
            .resolveCache(NoopDnsCache.INSTANCE)
            .cnameCache(NoopDnsCnameCache.INSTANCE)
            .authoritativeDnsServerCache(NoopAuthoritativeDnsServerCache.INSTANCE)
            .resolvedAddressTypes(config.addressTypes())
            .recursionDesired(true);
    b.nameServerProvider(
        config.nameServers().isEmpty()
            ? DnsServerAddressStreamProviders.platformDefault()
            : new SequentialDnsServerAddressStreamProvider(config.nameServers()));
    DnsNameResolver dns = b.build();
    DnsLookups lookups = new DnsLookups(dns, config, ticker);
    Locator locator = new Locator(lookups, config, random, HostsFileEntriesResolver.DEFAULT);
    return new SipResolver(loop, dns, lookups, locator);
  }

  /** The targets for a request to {@code uri}, best first, without repeats. */
  public CompletableFuture<List<Target>> resolve(SipUri uri) {
    SipDestination d;
    try {
      d = SipDestination.of(uri);
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(new SipResolveException(e.getMessage()));
    }
    return resolve(d);
  }

  /** The targets for a request to {@code destination}, best first, without repeats. */
  public CompletableFuture<List<Target>> resolve(SipDestination destination) {
    if (loop.inEventLoop()) {
      return locate(destination);
    }
    CompletableFuture<List<Target>> result = new CompletableFuture<>();
    loop.execute(() ->
        locate(destination)
            .whenComplete((ts, e) -> {
              if (e != null) {
                result.completeExceptionally(e);
              } else {
                result.complete(ts);
              }
            }));
    return result;
  }

  private CompletableFuture<List<Target>> locate(SipDestination d) {
    CompletableFuture<List<Target>> steps;
    try {
      steps = locator.locate(d);
    } catch (RuntimeException e) {
      steps = CompletableFuture.failedFuture(e);
    }
    // fail with the SipResolveException itself, not the CompletionException that wraps it
    CompletableFuture<List<Target>> result = new CompletableFuture<>();
    steps.whenComplete((ts, e) -> {
      Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
      if (cause == null) {
        result.complete(ts);
      } else if (cause instanceof SipResolveException) {
        result.completeExceptionally(cause);
      } else {
        SipResolveException wrapped = new SipResolveException(d + ": " + cause);
        wrapped.initCause(cause);
        result.completeExceptionally(wrapped);
      }
    });
    return result;
  }

  /** Closes the resolver's socket. Pending lookups fail. */
  @Override
  public void close() {
    dns.close();
  }
}
