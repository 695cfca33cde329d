package org.trunkline.core.trace;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trunkline.sip.SipMessage;
import org.trunkline.sip.SipParser;
import org.trunkline.stack.TraceTap;
import org.trunkline.stack.Transport;

/**
 * The pcap written from a recorded call (both legs through the server) is read back by tshark: the
 * same SIP messages, in order, from and to the right addresses and ports, at the recorded times;
 * over UDP, TCP (reassembled across segments, a 64 KB message included), TLS as plaintext TCP on
 * 5061 and IPv6.
 */
class PcapTest {
  @TempDir Path dir;

  private static final String[] UDP_FIELDS = {
    "frame.time_epoch",
    "ip.src",
    "udp.srcport",
    "ip.dst",
    "udp.dstport",
    "sip.Method",
    "sip.Status-Code",
    "sip.CSeq",
    "sip.Call-ID"
  };

  @Test
  void aUdpCallReadsBackAsTheSameMessagesInOrderWithTheirAddressesAndTimes() throws Exception {
    List<TracedMessage> call = TraceFixtures.load("call");
    Path file = write(call);

    List<String> seen = Tshark.fields(file, "sip", List.of(), UDP_FIELDS);

    assertThat(seen).hasSize(12).containsExactlyElementsOf(expected(call));
    assertThat(seen.getFirst())
        .startsWith("1795784120.926975000|127.0.0.20|25070|127.0.0.1|25060|INVITE||1 INVITE|");
    // the checksums we compute are the ones tshark computes
    assertThat(
            Tshark.fields(
                file,
                "ip.checksum.status != 1 || udp.checksum.status != 1",
                List.of("-o", "ip.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE"),
                "frame.number"))
        .isEmpty();
  }

  @Test
  void tcpMessagesAreReassembledAcrossSegmentsWithConsistentSequenceNumbers() throws Exception {
    List<TracedMessage> call = new ArrayList<>();
    for (TracedMessage m : TraceFixtures.load("call")) {
      call.add(TraceFixtures.with(m, Transport.TCP, m.local(), m.remote(), m.bytes()));
    }
    // a 64 KB MESSAGE from the caller: 45 segments of at most 1460 bytes
    TracedMessage big = big(call.getFirst(), 64 * 1024);
    call.add(big);
    Path file = write(call);

    List<String> seen =
        Tshark.fields(
            file,
            "sip",
            List.of(),
            "ip.src",
            "tcp.srcport",
            "ip.dst",
            "tcp.dstport",
            "sip.Method",
            "sip.Status-Code",
            "sip.CSeq",
            "sip.Content-Length");

    assertThat(seen).hasSize(13);
    assertThat(seen.getFirst()).isEqualTo("127.0.0.20|25070|127.0.0.1|25060|INVITE||1 INVITE|141");
    assertThat(seen.getLast())
        .isEqualTo("127.0.0.20|25070|127.0.0.1|25060|MESSAGE||3 MESSAGE|" + 64 * 1024);
    assertThat(Tshark.fields(file, "tcp", List.of(), "frame.number"))
        .hasSize(12 + (big.bytes().length + Pcap.TCP_SEGMENT - 1) / Pcap.TCP_SEGMENT);
    // no segment out of order, lost or overlapping in tshark's analysis of the sequence numbers
    assertThat(
            Tshark.fields(
                file,
                "tcp.analysis.lost_segment || tcp.analysis.out_of_order || "
                    + "tcp.analysis.retransmission || tcp.analysis.ack_lost_segment",
                List.of(),
                "frame.number"))
        .isEmpty();
  }

  @Test
  void tlsIsWrittenAsPlaintextTcpOnItsPortAndIpv6AsIpv6() throws Exception {
    InetSocketAddress us = new InetSocketAddress("::1", 5061);
    InetSocketAddress caller = new InetSocketAddress("::1", 40_123);
    List<TracedMessage> call = new ArrayList<>();
    for (TracedMessage m : TraceFixtures.load("call")) {
      if (m.remote().getPort() == 25070) {
        call.add(TraceFixtures.with(m, Transport.TLS, us, caller, m.bytes()));
      }
    }
    Path file = write(call);

    List<String> seen =
        Tshark.fields(
            file,
            "sip",
            List.of("-d", "tcp.port==5061,sip"),
            "ipv6.src",
            "tcp.srcport",
            "ipv6.dst",
            "tcp.dstport",
            "sip.Method",
            "sip.Status-Code");

    assertThat(seen)
        .containsExactly(
            "::1|40123|::1|5061|INVITE|",
            "::1|5061|::1|40123||180",
            "::1|5061|::1|40123||200",
            "::1|40123|::1|5061|ACK|",
            "::1|40123|::1|5061|BYE|",
            "::1|5061|::1|40123||200");
  }

  @Test
  void aUdpMessageLargerThanAnEthernetFrameIsOneFrame() throws Exception {
    TracedMessage first = TraceFixtures.load("call").getFirst();
    Path file = write(List.of(big(first, 8000)));

    assertThat(Tshark.fields(file, "sip", List.of(), "sip.Method", "sip.Content-Length"))
        .containsExactly("MESSAGE|8000");
  }

  /** A MESSAGE (RFC 3428) from the sender of {@code m}, with a text body of {@code size} bytes. */
  private static TracedMessage big(TracedMessage m, int size) {
    SipMessage invite = new SipParser().parseDatagram(m.bytes());
    String body = "0123456789abcdef".repeat(size / 16);
    String text =
        "MESSAGE "
            + invite.requestUriText()
            + " SIP/2.0\r\n"
            + "Via: SIP/2.0/UDP 127.0.0.20:25070;branch=z9hG4bK-big-1\r\n"
            + "From: "
            + invite.header(org.trunkline.sip.HeaderName.FROM)
            + "\r\n"
            + "To: "
            + invite.header(org.trunkline.sip.HeaderName.TO)
            + "\r\n"
            + "Call-ID: "
            + invite.callId()
            + "\r\n"
            + "CSeq: 3 MESSAGE\r\n"
            + "Max-Forwards: 70\r\n"
            + "Content-Type: text/plain\r\n"
            + "Content-Length: "
            + body.length()
            + "\r\n\r\n"
            + body;
    return new TracedMessage(
        m.epochMicros() + 5_000_000,
        TraceTap.Direction.IN,
        m.transport(),
        m.local(),
        m.remote(),
        text.getBytes(StandardCharsets.US_ASCII),
        m.correlationId());
  }

  private Path write(List<TracedMessage> messages) throws Exception {
    Path file = dir.resolve("trace.pcap");
    Files.write(file, Pcap.toBytes(messages));
    return file;
  }

  /** What tshark should print for each message: time, addresses, method or status, CSeq. */
  private static List<String> expected(List<TracedMessage> messages) {
    List<String> out = new ArrayList<>();
    for (TracedMessage m : messages) {
      SipMessage sip = new SipParser().parseDatagram(m.bytes());
      boolean in = m.direction() == TraceTap.Direction.IN;
      InetSocketAddress src = in ? m.remote() : m.local();
      InetSocketAddress dst = in ? m.local() : m.remote();
      out.add(
          String.join(
              "|",
              String.format(
                  Locale.ROOT,
                  "%d.%06d000",
                  m.epochMicros() / 1_000_000,
                  m.epochMicros() % 1_000_000),
              src.getAddress().getHostAddress(),
              Integer.toString(src.getPort()),
              dst.getAddress().getHostAddress(),
              Integer.toString(dst.getPort()),
              sip.isRequest() ? sip.method().name() : "",
              sip.isRequest() ? "" : Integer.toString(sip.status()),
              sip.cseqNumber() + " " + sip.cseqMethod().name(),
              sip.callId()));
    }
    return out;
  }
}
