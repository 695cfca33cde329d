package org.trunkline.stack;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.trunkline.sip.SipMessage;
import org.trunkline.stack.transaction.ClientTransaction;
import org.trunkline.stack.transaction.ServerTransaction;
import org.trunkline.stack.transaction.Transaction;
import org.trunkline.stack.transaction.TransactionUser;

/**
 * A UDP socket writes what its loop sends while handling one wake's reads with one flush at {@code
 * channelReadComplete} (one {@code sendmmsg}), in the order sent, and a send outside a read (a
 * timer, another thread) at once ({@link UdpInbound#withBatchedSends}).
 */
class UdpBatchedSendsTest {
  private final List<SipServer> servers = new ArrayList<>();

  @AfterEach
  void stop() {
    servers.forEach(SipServer::close);
  }

  /** Counts the flushes that reach the socket (the head of the pipeline). */
  private static final class Flushes extends ChannelOutboundHandlerAdapter {
    int count;

    @Override
    public void flush(ChannelHandlerContext ctx) {
      count++;
      ctx.flush();
    }
  }

  /** For each message read, sends two through the channel, as the transaction layer does. */
  private static final class TwoAnswers extends ChannelInboundHandlerAdapter {
    final List<Integer> writtenDuringRead = new ArrayList<>();

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      EmbeddedChannel ch = (EmbeddedChannel) ctx.channel();
      ch.writeAndFlush("first to " + msg);
      ch.writeAndFlush("second to " + msg);
      writtenDuringRead.add(ch.outboundMessages().size());
    }
  }

  @Test
  void sendsMadeWhileReadingLeaveInOneFlushAtReadCompleteInOrder() {
    TwoAnswers inbound = new TwoAnswers();
    EmbeddedChannel ch = new EmbeddedChannel(UdpInbound.withBatchedSends(inbound));
    Flushes flushes = new Flushes();
    ch.pipeline().addFirst(flushes);

    ch.writeInbound("a", "b"); // two reads in one wake, then channelReadComplete

    assertThat(inbound.writtenDuringRead)
        .as("written to the socket during the reads")
        .containsOnly(0);
    assertThat(flushes.count).as("flushes of one wake").isEqualTo(1);
    List<Object> out = new ArrayList<>();
    for (Object m = ch.readOutbound(); m != null; m = ch.readOutbound()) {
      out.add(m);
    }
    assertThat(out).containsExactly("first to a", "second to a", "first to b", "second to b");
    ch.finishAndReleaseAll();
  }

  @Test
  void aSendFromATimerOrOutsideAReadIsFlushedAtOnce() {
    EmbeddedChannel ch = new EmbeddedChannel(UdpInbound.withBatchedSends(new TwoAnswers()));
    Flushes flushes = new Flushes();
    ch.pipeline().addFirst(flushes);

    ch.writeAndFlush("outside");
    assertThat((Object) ch.readOutbound()).isEqualTo("outside");

    ch.eventLoop().schedule(() -> ch.writeAndFlush("from a timer"), 1, TimeUnit.SECONDS);
    ch.advanceTimeBy(1, TimeUnit.SECONDS);
    ch.runScheduledPendingTasks();
    assertThat((Object) ch.readOutbound()).isEqualTo("from a timer");
    assertThat(flushes.count).isEqualTo(2);
    ch.finishAndReleaseAll();
  }

  /** Answers an INVITE 180 then 200 at once, both while its datagram is being handled. */
  private static final class RingThenAnswer implements TransactionUser {
    @Override
    public void onRequest(ServerTransaction tx, SipMessage request) {
      tx.respond(180, "Ringing");
      tx.respond(200, "OK");
    }

    @Override
    public void onResponse(ClientTransaction tx, SipMessage response) {}

    @Override
    public void onTimeout(Transaction tx) {}

    @Override
    public void onTransportError(Transaction tx, String reason) {}
  }

  @Test
  void overUdpTwoAnswersToOneReadArriveInOrderAndTheTimerRetransmissionIsNotHeldBack()
      throws Exception {
    SipServer server =
        new SipServer(List.of(new ListenPoint("udp", Transport.UDP, "127.0.0.1", 0)))
            .threads(1)
            .transactionUser(new RingThenAnswer());
    servers.add(server);
    InetSocketAddress lp = server.start().get(0);
    try (SipPeer peer = new SipPeer(lp)) {
      String invite =
          SipPeer.options("batched-1", peer.udpPort())
              .replace("OPTIONS", "INVITE")
              .replace(
                  "CSeq: 1 INVITE",
                  "CSeq: 1 INVITE\r\nContact: <sip:probe@127.0.0.1:" + peer.udpPort() + ">");
      peer.sendUdp(invite.getBytes(StandardCharsets.US_ASCII));

      String ringing = peer.receiveUdp();
      String ok = peer.receiveUdp();
      assertThat(ringing).startsWith("SIP/2.0 180 ").contains("Call-ID: batched-1");
      assertThat(ok).startsWith("SIP/2.0 200 ").contains("Call-ID: batched-1");
      // no ACK and nothing else read: the 2xx is resent by its timer (§13.3.1.4, T1 = 500 ms),
      // a send outside any read, which must not wait for a next datagram to be flushed
      String again = peer.receiveUdp();
      assertThat(again).as("2xx retransmission").isEqualTo(ok);
    }
  }

  /**
   * Datagrams queued together are read together (one {@code recvmmsg} of up to {@link
   * SipServer#DATAGRAMS_PER_READ}) and each is answered once; a datagram near the largest size is
   * read whole from its slot.
   */
  @Test
  void aBurstOfDatagramsIsReadWholeAndEachAnsweredOnce() throws Exception {
    SipServer server =
        new SipServer(List.of(new ListenPoint("udp", Transport.UDP, "127.0.0.1", 0))).threads(1);
    servers.add(server);
    InetSocketAddress lp = server.start().get(0);
    try (SipPeer peer = new SipPeer(lp)) {
      int burst = 3 * SipServer.DATAGRAMS_PER_READ + 1;
      for (int i = 0; i < burst; i++) {
        peer.sendUdp(
            SipPeer.options("burst-" + i, peer.udpPort()).getBytes(StandardCharsets.US_ASCII));
      }
      // a body that takes the message to 60,000 bytes, under the parser's 65,535
      String head = SipPeer.options("burst-big", peer.udpPort());
      String body = "x".repeat(60_000 - head.length());
      String big =
          head.replace(
                  "Content-Length: 0\r\n",
                  "Content-Type: text/plain\r\nContent-Length: " + body.length() + "\r\n")
              + body;
      peer.sendUdp(big.getBytes(StandardCharsets.US_ASCII));
      List<String> answered = new ArrayList<>();
      for (int i = 0; i <= burst; i++) {
        String r = peer.receiveUdp();
        assertThat(r)
            .as("answer %d of %d", i + 1, burst + 1)
            .isNotNull()
            .startsWith("SIP/2.0 200 ");
        answered.add(
            r.substring(r.indexOf("Call-ID: ") + 9, r.indexOf("\r\n", r.indexOf("Call-ID: "))));
      }
      List<String> expected = new ArrayList<>();
      for (int i = 0; i < burst; i++) {
        expected.add("burst-" + i);
      }
      expected.add("burst-big");
      assertThat(answered).containsExactlyInAnyOrderElementsOf(expected);
      assertThat(peer.receiveUdp()).as("nothing answered twice").isNull();
    }
  }
}
