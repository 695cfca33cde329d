package org.trunkline.core.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trunkline.stack.TraceTap;
import org.trunkline.stack.Transport;

/**
 * HEPv3 packets of a recorded call, carried as UDP datagrams to a collector port in a pcap, decode
 * with tshark ({@code -d udp.port==9060,hep}, dissector in src/test/resources/hep3.lua) to the same
 * SIP messages with their addresses, times, capture id and correlation id.
 */
class Hep3Test {
  private static final InetSocketAddress AGENT = new InetSocketAddress("127.0.0.1", 40_000);
  private static final InetSocketAddress COLLECTOR = new InetSocketAddress("127.0.0.1", 9060);

  @TempDir Path dir;

  @Test
  void everyMessageDecodesAsSipWithItsAddressesTimeAndCorrelationId() throws Exception {
    List<TracedMessage> call = new ArrayList<>();
    for (TracedMessage m : TraceFixtures.load("call")) {
      call.add(
          new TracedMessage(
              m.epochMicros(),
              m.direction(),
              m.transport(),
              m.local(),
              m.remote(),
              m.bytes(),
              "3kd8s0a1lq"));
    }
    Path file = carried(call, 2001, "s3cret");

    List<String> seen =
        Tshark.fields(
            file,
            "sip",
            Tshark.hepOn(9060),
            "hep.src_ip",
            "hep.src_port",
            "hep.dst_ip",
            "hep.dst_port",
            "hep.ip_proto",
            "hep.ts_sec",
            "hep.ts_usec",
            "hep.proto_type",
            "hep.capture_id",
            "hep.auth_key",
            "hep.correlation_id",
            "sip.Method",
            "sip.Status-Code",
            "sip.Call-ID");

    assertThat(seen).hasSize(12);
    assertThat(seen.getFirst())
        .isEqualTo(
            "127.0.0.20|25070|127.0.0.1|25060|17|1795784120|926975|1|2001|s3cret|3kd8s0a1lq"
                + "|INVITE||1-19061@127.0.0.20");
    assertThat(seen.get(2))
        .isEqualTo(
            "127.0.0.1|25080|127.0.0.1|25060|17|1795784121|199525|1|2001|s3cret|3kd8s0a1lq"
                + "||180|"
                + new org.trunkline.sip.SipParser().parseDatagram(call.get(2).bytes()).callId());
    assertThat(seen).allSatisfy(l -> assertThat(l).contains("|2001|s3cret|3kd8s0a1lq|"));
  }

  @Test
  void ipv6AndTcpAreSaidSoAndOptionalChunksAreLeftOut() throws Exception {
    TracedMessage first = TraceFixtures.load("call").getFirst();
    TracedMessage m =
        TraceFixtures.with(
            first,
            Transport.TLS,
            new InetSocketAddress("::1", 5061),
            new InetSocketAddress("2001:db8::7", 40_001),
            first.bytes());
    TracedMessage anonymous =
        new TracedMessage(
            m.epochMicros(), m.direction(), m.transport(), m.local(), m.remote(), m.bytes(), "");
    Path file = carried(List.of(anonymous), 7, "");

    assertThat(
            Tshark.fields(
                file,
                "sip",
                Tshark.hepOn(9060),
                "hep.ip_family",
                "hep.ip_proto",
                "hep.src_ip6",
                "hep.src_port",
                "hep.dst_ip6",
                "hep.dst_port",
                "hep.capture_id",
                "hep.auth_key",
                "hep.correlation_id",
                "sip.Method"))
        .containsExactly("10|6|2001:db8::7|40001|::1|5061|7|||INVITE");
  }

  @Test
  void theLayoutIsHep3TheLengthThenChunksOfVendorTypeLength() {
    TracedMessage m = TraceFixtures.load("call").getFirst();
    byte[] p = Hep3.encode(m, 2001, "");
    ByteBuffer b = ByteBuffer.wrap(p);
    assertThat(new String(p, 0, 4, StandardCharsets.US_ASCII)).isEqualTo("HEP3");
    assertThat(b.getShort(4) & 0xffff).isEqualTo(p.length);
    List<Integer> types = new ArrayList<>();
    for (int off = 6; off < p.length; off += b.getShort(off + 4) & 0xffff) {
      assertThat(b.getShort(off)).as("vendor").isZero();
      types.add((int) b.getShort(off + 2));
    }
    // no authentication key (14) without a password; the correlation id (17) last
    assertThat(types).containsExactly(1, 2, 3, 4, 7, 8, 9, 10, 11, 12, 15, 17);
    assertThatThrownBy(() ->
            Hep3.encode(
                TraceFixtures.with(
                    m, m.transport(), m.local(), m.remote(), new byte[Hep3.MAX_PACKET]),
                1,
                ""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("does not fit in 65535");
  }

  /** Each message's HEP packet as a UDP datagram from the agent to the collector, in a pcap. */
  private Path carried(List<TracedMessage> messages, long captureId, String key) throws Exception {
    List<TracedMessage> datagrams = new ArrayList<>();
    for (TracedMessage m : messages) {
      datagrams.add(
          new TracedMessage(
              m.epochMicros(),
              TraceTap.Direction.OUT,
              Transport.UDP,
              AGENT,
              COLLECTOR,
              Hep3.encode(m, captureId, key),
              ""));
    }
    Path file = dir.resolve("hep.pcap");
    Files.write(file, Pcap.toBytes(datagrams));
    return file;
  }
}
