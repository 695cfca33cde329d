package org.trunkline.server.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.DataInputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trunkline.core.trace.Pcap;
import org.trunkline.core.trace.TraceFixtures;
import org.trunkline.core.trace.TracedMessage;
import org.trunkline.core.trace.Tshark;
import org.trunkline.server.config.HepConfig;
import org.trunkline.sip.SipMessage;
import org.trunkline.sip.SipParser;
import org.trunkline.stack.TraceTap;
import org.trunkline.stack.Transport;

/**
 * The HEP sender against collectors on loopback: what a UDP collector receives decodes with tshark
 * as the SIP messages with their correlation id; a TCP collector that drops the connection gets a
 * new one; a full queue and an unreachable collector are counted, never waited for.
 */
class HepSenderTest {
  @TempDir Path dir;
  private HepSender sender;

  @AfterEach
  void stop() {
    if (sender != null) {
      sender.close();
    }
  }

  private static List<TracedMessage> call(String correlationId) {
    List<TracedMessage> out = new ArrayList<>();
    for (TracedMessage m : TraceFixtures.load("call")) {
      out.add(
          new TracedMessage(
              m.epochMicros(),
              m.direction(),
              m.transport(),
              m.local(),
              m.remote(),
              m.bytes(),
              correlationId));
    }
    return out;
  }

  @Test
  void aUdpCollectorReceivesEveryMessageAsHepThatTsharkDecodes() throws Exception {
    List<TracedMessage> call = call("q7c1x0");
    try (DatagramSocket collector = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      collector.setSoTimeout(10_000);
      int port = collector.getLocalPort();
      sender =
          new HepSender(new HepConfig(Transport.UDP, "127.0.0.1", port, 2001, "pw", 100)).start();
      call.forEach(sender::offer);

      // what arrived, as UDP datagrams from the sender to the collector, into a pcap for tshark
      List<TracedMessage> received = new ArrayList<>();
      for (int i = 0; i < call.size(); i++) {
        DatagramPacket p = new DatagramPacket(new byte[65_535], 65_535);
        collector.receive(p);
        received.add(
            new TracedMessage(
                TraceTap.nowMicros(),
                TraceTap.Direction.IN,
                Transport.UDP,
                new InetSocketAddress(InetAddress.getLoopbackAddress(), port),
                (InetSocketAddress) p.getSocketAddress(),
                Arrays.copyOfRange(p.getData(), 0, p.getLength()),
                ""));
      }
      Path pcap = Files.write(dir.resolve("hep.pcap"), Pcap.toBytes(received));

      List<String> decoded =
          Tshark.fields(
              pcap,
              "sip",
              Tshark.hepOn(port),
              "hep.capture_id",
              "hep.auth_key",
              "hep.correlation_id",
              "hep.src_ip",
              "hep.src_port",
              "sip.Method",
              "sip.Status-Code");
      List<String> expected = new ArrayList<>();
      for (TracedMessage m : call) {
        SipMessage sip = new SipParser().parseDatagram(m.bytes());
        InetSocketAddress src = m.direction() == TraceTap.Direction.IN ? m.remote() : m.local();
        expected.add(
            "2001|pw|q7c1x0|"
                + src.getAddress().getHostAddress()
                + "|"
                + src.getPort()
                + "|"
                + (sip.isRequest() ? sip.method().name() + "|" : "|" + sip.status()));
      }
      assertThat(decoded).containsExactlyElementsOf(expected);
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> sender.counters().get("hep_sent") == call.size());
      assertThat(sender.counters())
          .containsEntry("hep_dropped", 0L)
          .containsEntry("hep_failed", 0L);
    }
  }

  @Test
  void aTcpCollectorThatDropsTheConnectionIsReconnectedTo() throws Exception {
    List<TracedMessage> call = call("t9");
    try (ServerSocket collector = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
      collector.setSoTimeout(10_000);
      sender =
          new HepSender(
                  new HepConfig(Transport.TCP, "127.0.0.1", collector.getLocalPort(), 9, "", 100))
              .start();
      sender.offer(call.get(0));
      try (Socket first = collector.accept()) {
        assertThat(payload(readPacket(first))).isEqualTo(call.get(0).bytes());
      }
      // the collector closed it: the sender notices on a write, and connects again
      CompletableFuture<Socket> second =
          CompletableFuture.supplyAsync(() -> {
            try {
              return collector.accept();
            } catch (java.io.IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
          });
      await()
          .atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(50))
          .until(() -> {
            sender.offer(call.get(1));
            return second.isDone();
          });
      try (Socket again = second.get()) {
        assertThat(payload(readPacket(again))).isEqualTo(call.get(1).bytes());
      }
      assertThat(sender.counters().get("hep_connects")).isEqualTo(2L);
      assertThat(sender.counters().get("hep_failed")).isPositive();
    }
  }

  @Test
  void aFullQueueDropsAndCountsWithoutWaiting() {
    List<TracedMessage> call = call("d1");
    sender = new HepSender(new HepConfig(Transport.UDP, "127.0.0.1", 9, 1, "", 3));
    // not started: nothing leaves the queue
    List<Boolean> taken = call.subList(0, 5).stream().map(sender::offer).toList();

    assertThat(taken).containsExactly(true, true, true, false, false);
    assertThat(sender.counters()).containsEntry("hep_dropped", 2L).containsEntry("hep_sent", 0L);
    sender.close();
    assertThat(sender.offer(call.get(5))).isFalse();
    assertThat(sender.counters()).containsEntry("hep_dropped", 3L);
  }

  @Test
  void anUnreachableTcpCollectorCountsEveryMessageAsFailed() throws Exception {
    // a port nobody listens on: reserved for this JVM, outside the kernel's ephemeral range
    int closedPort = org.trunkline.stack.TestPorts.reserve();
    sender =
        new HepSender(new HepConfig(Transport.TCP, "127.0.0.1", closedPort, 1, "", 100)).start();
    call("u1").subList(0, 3).forEach(sender::offer);

    await().atMost(Duration.ofSeconds(10)).until(() -> sender.counters().get("hep_failed") == 3);
    assertThat(sender.counters()).containsEntry("hep_sent", 0L).containsEntry("hep_connects", 0L);
  }

  /** One HEP packet from a TCP stream: the 6-byte header says its total length. */
  private static byte[] readPacket(Socket s) throws Exception {
    s.setSoTimeout(10_000);
    DataInputStream in = new DataInputStream(s.getInputStream());
    byte[] header = new byte[6];
    in.readFully(header);
    assertThat(new String(header, 0, 4, java.nio.charset.StandardCharsets.US_ASCII))
        .isEqualTo("HEP3");
    int length = ((header[4] & 0xff) << 8) | (header[5] & 0xff);
    byte[] packet = Arrays.copyOf(header, length);
    in.readFully(packet, 6, length - 6);
    return packet;
  }

  /** The payload chunk (vendor 0, type 15) of a HEP packet. */
  private static byte[] payload(byte[] packet) {
    ByteBuffer b = ByteBuffer.wrap(packet);
    for (int off = 6; off + 6 <= packet.length; ) {
      int type = b.getShort(off + 2) & 0xffff;
      int len = b.getShort(off + 4) & 0xffff;
      if (b.getShort(off) == 0 && type == 15) {
        return Arrays.copyOfRange(packet, off + 6, off + len);
      }
      off += len;
    }
    throw new AssertionError("no payload chunk");
  }
}
