package org.trunkline.stack.dns;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.dns.DatagramDnsQuery;
import io.netty.handler.codec.dns.DatagramDnsQueryDecoder;
import io.netty.handler.codec.dns.DatagramDnsResponse;
import io.netty.handler.codec.dns.DatagramDnsResponseEncoder;
import io.netty.handler.codec.dns.DefaultDnsQuestion;
import io.netty.handler.codec.dns.DefaultDnsRawRecord;
import io.netty.handler.codec.dns.DnsQuestion;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.handler.codec.dns.DnsSection;
import io.netty.util.NetUtil;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A tiny authoritative DNS server on 127.0.0.1 for tests: answers from a zone the test writes,
 * NXDOMAIN for names it does not hold, and counts every question. Names can be made silent (no
 * answer: the client times out) or broken (SERVFAIL).
 */
final class ZoneServer implements AutoCloseable {
  private record Rr(String name, DnsRecordType type, long ttl, byte[] rdata) {}

  private final List<Rr> zone = new CopyOnWriteArrayList<>();
  private final Map<String, String> cnames = new ConcurrentHashMap<>();
  private final Set<String> silent = ConcurrentHashMap.newKeySet();
  private final Set<String> broken = ConcurrentHashMap.newKeySet();
  private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
  private final EventLoopGroup group =
      new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final Channel channel;
  private volatile long negativeTtl = -1;

  ZoneServer() throws InterruptedException {
    channel =
        new Bootstrap()
            .group(group)
            .channel(NioDatagramChannel.class)
            .handler(
                new ChannelInitializer<DatagramChannel>() {
                  @Override
                  protected void initChannel(DatagramChannel ch) {
                    ch.pipeline()
                        .addLast(new DatagramDnsQueryDecoder())
                        .addLast(new DatagramDnsResponseEncoder())
                        .addLast(new Answerer());
                  }
                })
            .bind(new InetSocketAddress(NetUtil.LOCALHOST4, 0))
            .sync()
            .channel();
  }

  InetSocketAddress address() {
    return (InetSocketAddress) channel.localAddress();
  }

  /** "127.0.0.1:port", as the resolver's messages spell it. */
  String hostPort() {
    return "127.0.0.1:" + address().getPort();
  }

  ZoneServer a(String name, long ttl, String ip) {
    return add(name, DnsRecordType.A, ttl, NetUtil.createByteArrayFromIpAddressString(ip));
  }

  ZoneServer aaaa(String name, long ttl, String ip) {
    return add(name, DnsRecordType.AAAA, ttl, NetUtil.createByteArrayFromIpAddressString(ip));
  }

  ZoneServer srv(String name, long ttl, int priority, int weight, int port, String target) {
    return add(
        name,
        DnsRecordType.SRV,
        ttl,
        bytes(
            RdataTest.u16(priority),
            RdataTest.u16(weight),
            RdataTest.u16(port),
            RdataTest.name(target)));
  }

  ZoneServer naptr(
      String name,
      long ttl,
      int order,
      int pref,
      String flags,
      String service,
      String replacement) {
    return add(
        name,
        DnsRecordType.NAPTR,
        ttl,
        bytes(
            RdataTest.u16(order),
            RdataTest.u16(pref),
            RdataTest.characterString(flags),
            RdataTest.characterString(service),
            RdataTest.characterString(""),
            RdataTest.name(replacement)));
  }

  /** An alias: questions about {@code name} get the CNAME and {@code target}'s records. */
  ZoneServer cname(String name, long ttl, String target) {
    cnames.put(name, target);
    return add(name, DnsRecordType.CNAME, ttl, RdataTest.name(target));
  }

  /** Puts an SOA with this TTL and MINIMUM into NXDOMAIN and empty answers (RFC 2308). */
  ZoneServer negativeTtl(long seconds) {
    negativeTtl = seconds;
    return this;
  }

  /** Never answers questions about {@code name}. */
  ZoneServer silent(String name) {
    silent.add(name);
    return this;
  }

  /** Answers SERVFAIL to questions about {@code name}. */
  ZoneServer broken(String name) {
    broken.add(name);
    return this;
  }

  /** How many questions of {@code type} about {@code name} arrived. */
  int queries(DnsRecordType type, String name) {
    AtomicInteger n = counts.get(type.name() + " " + name);
    return n == null ? 0 : n.get();
  }

  int totalQueries() {
    return counts.values().stream().mapToInt(AtomicInteger::get).sum();
  }

  private ZoneServer add(String name, DnsRecordType type, long ttl, byte[] rdata) {
    zone.add(new Rr(name, type, ttl, rdata));
    return this;
  }

  private static byte[] bytes(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  private final class Answerer extends SimpleChannelInboundHandler<DatagramDnsQuery> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramDnsQuery query) {
      DnsQuestion q = query.recordAt(DnsSection.QUESTION);
      String name = DnsNames.normalize(q.name());
      counts
          .computeIfAbsent(q.type().name() + " " + name, k -> new AtomicInteger())
          .incrementAndGet();
      if (silent.contains(name)) {
        return;
      }
      DatagramDnsResponse res =
          new DatagramDnsResponse(query.recipient(), query.sender(), query.id());
      res.setAuthoritativeAnswer(true).setRecursionDesired(query.isRecursionDesired());
      res.addRecord(DnsSection.QUESTION, new DefaultDnsQuestion(q.name(), q.type()));
      List<Rr> hits = new ArrayList<>();
      boolean exists = false;
      for (Rr rr : zone) {
        if (rr.name.equals(name)) {
          exists = true;
          if (rr.type.equals(q.type())) {
            hits.add(rr);
          } else if (rr.type.equals(DnsRecordType.CNAME)) {
            // as a recursive server would: the alias, then the target's records
            hits.add(rr);
            String target = cnames.get(name);
            zone.stream()
                .filter(t -> t.name.equals(target) && t.type.equals(q.type()))
                .forEach(hits::add);
          }
        }
      }
      if (broken.contains(name)) {
        res.setCode(DnsResponseCode.SERVFAIL);
      } else if (!exists) {
        res.setCode(DnsResponseCode.NXDOMAIN);
      }
      for (Rr rr : hits) {
        res.addRecord(
            DnsSection.ANSWER,
            new DefaultDnsRawRecord(
                rr.name + ".", rr.type, rr.ttl, Unpooled.wrappedBuffer(rr.rdata)));
      }
      if (hits.isEmpty() && negativeTtl >= 0) {
        byte[] soa =
            bytes(
                RdataTest.name("ns.example.test"),
                RdataTest.name("hostmaster.example.test"),
                new byte[16],
                new byte[] {
                  (byte) (negativeTtl >> 24),
                  (byte) (negativeTtl >> 16),
                  (byte) (negativeTtl >> 8),
                  (byte) negativeTtl
                });
        res.addRecord(
            DnsSection.AUTHORITY,
            new DefaultDnsRawRecord(
                "example.test.", DnsRecordType.SOA, negativeTtl, Unpooled.wrappedBuffer(soa)));
      }
      ctx.writeAndFlush(res);
    }
  }

  @Override
  public void close() {
    channel.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
  }
}
