package org.trunkline.stack.dns;

import io.netty.channel.AddressedEnvelope;
import io.netty.handler.codec.dns.DefaultDnsQuestion;
import io.netty.handler.codec.dns.DnsRawRecord;
import io.netty.handler.codec.dns.DnsRecord;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponse;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.handler.codec.dns.DnsSection;
import io.netty.resolver.dns.DnsNameResolver;
import io.netty.resolver.dns.DnsNameResolverException;
import io.netty.resolver.dns.DnsNameResolverTimeoutException;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Ticker;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One question at a time to the name servers through Netty's {@link DnsNameResolver#query}, with
 * our own TTL cache on the injected ticker and one query in flight per name and type. Every method
 * must run on the resolver's event loop; futures complete there.
 */
final class DnsLookups {
  private static final Logger log = LoggerFactory.getLogger(DnsLookups.class);
  private static final int MAX_CNAME_HOPS = 8;

  private final DnsNameResolver resolver;
  private final DnsConfig config;
  private final Ticker ticker;
  private final RecordCache cache;
  private final Map<String, CompletableFuture<Answer<?>>> inFlight = new HashMap<>();

  DnsLookups(DnsNameResolver resolver, DnsConfig config, Ticker ticker) {
    this.resolver = resolver;
    this.config = config;
    this.ticker = ticker;
    this.cache = new RecordCache(config.maxCacheEntries());
  }

  CompletableFuture<Answer<NaptrRecord>> naptr(String name) {
    return lookup(name, DnsRecordType.NAPTR, r -> NaptrRecord.decode(r.content()));
  }

  CompletableFuture<Answer<SrvRecord>> srv(String name) {
    return lookup(name, DnsRecordType.SRV, r -> SrvRecord.decode(r.content()));
  }

  /** A or AAAA records of {@code name}. */
  CompletableFuture<Answer<InetAddress>> addresses(String name, DnsRecordType type) {
    int len = type == DnsRecordType.A ? 4 : 16;
    return lookup(
        name,
        type,
        r -> {
          if (r.content().readableBytes() != len) {
            throw new IllegalArgumentException(r.content().readableBytes() + "-byte address");
          }
          byte[] ip = new byte[len];
          r.content().getBytes(r.content().readerIndex(), ip);
          try {
            return InetAddress.getByAddress(DnsNames.normalize(r.name()), ip);
          } catch (UnknownHostException impossible) {
            throw new IllegalArgumentException(impossible);
          }
        });
  }

  @SuppressWarnings("unchecked") // the type is part of the key, so T matches the cached answer
  private <T> CompletableFuture<Answer<T>> lookup(
      String rawName, DnsRecordType type, Function<DnsRawRecord, T> decoder) {
    String name = DnsNames.normalize(rawName);
    Answer<?> cached = cache.get(name, type, ticker.nanoTime());
    if (cached != null) {
      return CompletableFuture.completedFuture((Answer<T>) cached);
    }
    String key = type.intValue() + " " + name;
    CompletableFuture<Answer<?>> pending = inFlight.get(key);
    if (pending == null) {
      CompletableFuture<Answer<?>> started = new CompletableFuture<>();
      inFlight.put(key, started);
      pending = started;
      ask(name, type, decoder, 0, new ArrayList<>(), started);
      pending.whenComplete((a, e) -> inFlight.remove(key, started));
    }
    return pending.thenApply(a -> (Answer<T>) a);
  }

  /** Asks server {@code index}; on timeout or a transport error, the next one. */
  private <T> void ask(
      String name,
      DnsRecordType type,
      Function<DnsRawRecord, T> decoder,
      int index,
      List<String> silent,
      CompletableFuture<Answer<?>> result) {
    List<InetSocketAddress> servers = config.nameServers();
    DefaultDnsQuestion question = new DefaultDnsQuestion(name, type);
    Future<AddressedEnvelope<DnsResponse, InetSocketAddress>> query =
        servers.isEmpty() ? resolver.query(question) : resolver.query(servers.get(index), question);
    query.addListener(f -> {
      if (f.isSuccess()) {
        @SuppressWarnings("unchecked")
        var envelope = (AddressedEnvelope<DnsResponse, InetSocketAddress>) f.getNow();
        try {
          result.complete(read(name, type, decoder, envelope));
        } catch (RuntimeException e) {
          result.complete(Answer.none(name, type, Answer.Status.FAILED, "bad answer: " + e));
        } finally {
          envelope.release();
        }
        return;
      }
      Throwable cause = f.cause();
      String server = servers.isEmpty() ? "the system name server" : addr(servers.get(index));
      if (!(cause instanceof DnsNameResolverException)) {
        result.complete(Answer.none(name, type, Answer.Status.FAILED, cause + " (" + server + ")"));
        return;
      }
      silent.add(server);
      if (index + 1 < servers.size()) {
        log.debug("{} {}: no answer from {}, asking the next server", type.name(), name, server);
        ask(name, type, decoder, index + 1, silent, result);
        return;
      }
      String what =
          cause instanceof DnsNameResolverTimeoutException
              ? "timeout after " + config.queryTimeout().toMillis() + " ms"
              : "transport error (" + cause.getMessage() + ")";
      result.complete(
          Answer.none(
              name, type, Answer.Status.FAILED, what + " from " + String.join(", ", silent)));
    });
  }

  private <T> Answer<T> read(
      String name,
      DnsRecordType type,
      Function<DnsRawRecord, T> decoder,
      AddressedEnvelope<DnsResponse, InetSocketAddress> envelope) {
    DnsResponse res = envelope.content();
    long now = ticker.nanoTime();
    DnsResponseCode code = res.code();
    if (code == DnsResponseCode.NXDOMAIN) {
      Answer<T> a = Answer.none(name, type, Answer.Status.NXDOMAIN, "");
      cache.put(a, negativeTtlNanos(res), now);
      return a;
    }
    if (code != DnsResponseCode.NOERROR) {
      return Answer.none(
          name, type, Answer.Status.FAILED, rcode(code) + " from " + addr(envelope.sender()));
    }
    Set<String> owners = aliases(name, res);
    List<T> records = new ArrayList<>();
    long ttl = Long.MAX_VALUE;
    String bad = null;
    for (int i = 0; i < res.count(DnsSection.ANSWER); i++) {
      DnsRecord r = res.recordAt(DnsSection.ANSWER, i);
      if (r.type() != type
          || !(r instanceof DnsRawRecord raw)
          || !owners.contains(DnsNames.normalize(r.name()))) {
        continue;
      }
      try {
        records.add(decoder.apply(raw));
        ttl = Math.min(ttl, r.timeToLive());
      } catch (RuntimeException e) {
        bad = "malformed " + type.name() + " record: " + e.getMessage();
        log.debug("{} {}: skipped a record: {}", type.name(), name, bad);
      }
    }
    if (records.isEmpty()) {
      if (bad != null) {
        return Answer.none(name, type, Answer.Status.FAILED, bad);
      }
      Answer<T> a = Answer.none(name, type, Answer.Status.NO_RECORDS, "");
      cache.put(a, negativeTtlNanos(res), now);
      return a;
    }
    Answer<T> a = Answer.found(name, type, records);
    cache.put(a, TimeUnit.SECONDS.toNanos(Math.min(ttl, config.maxTtl().toSeconds())), now);
    return a;
  }

  /** The name and the CNAME chain the answer section follows from it. */
  private static Set<String> aliases(String name, DnsResponse res) {
    Set<String> owners = new HashSet<>();
    owners.add(name);
    for (int hop = 0; hop < MAX_CNAME_HOPS; hop++) {
      boolean grew = false;
      for (int i = 0; i < res.count(DnsSection.ANSWER); i++) {
        DnsRecord r = res.recordAt(DnsSection.ANSWER, i);
        if (r.type() == DnsRecordType.CNAME
            && r instanceof DnsRawRecord raw
            && owners.contains(DnsNames.normalize(r.name()))) {
          grew |= owners.add(new Rdata(raw.content()).name());
        }
      }
      if (!grew) {
        break;
      }
    }
    return owners;
  }

  /** RFC 2308 §5: the lesser of the SOA's TTL and its MINIMUM field, capped by the config. */
  private long negativeTtlNanos(DnsResponse res) {
    long seconds = config.negativeTtl().toSeconds();
    for (int i = 0; i < res.count(DnsSection.AUTHORITY); i++) {
      DnsRecord r = res.recordAt(DnsSection.AUTHORITY, i);
      if (r.type() == DnsRecordType.SOA
          && r instanceof DnsRawRecord raw
          && raw.content().readableBytes() >= 20) {
        long minimum = raw.content().getUnsignedInt(raw.content().writerIndex() - 4);
        seconds = Math.min(seconds, Math.min(r.timeToLive(), minimum));
      }
    }
    return TimeUnit.SECONDS.toNanos(seconds);
  }

  /** The RFC 1035 §4.1.1 / RFC 6895 mnemonic, as dig prints it. */
  private static String rcode(DnsResponseCode code) {
    return switch (code.intValue()) {
      case 1 -> "FORMERR";
      case 2 -> "SERVFAIL";
      case 4 -> "NOTIMP";
      case 5 -> "REFUSED";
      default -> "RCODE " + code.intValue();
    };
  }

  private static String addr(InetSocketAddress a) {
    return a.getHostString() + ":" + a.getPort();
  }
}
