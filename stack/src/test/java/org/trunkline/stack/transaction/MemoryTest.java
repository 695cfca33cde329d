package org.trunkline.stack.transaction;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.DefaultEventLoop;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.trunkline.sip.SipMessage;
import org.trunkline.sip.SipMethod;
import org.trunkline.sip.SipParser;
import org.trunkline.stack.Transport;

/**
 * A rough heap measure per open transaction (issue 4 asks for at most 2 KB): open many, then
 * compare used heap after full GCs. The request bytes are part of what is measured; the numbers are
 * printed so they can be quoted. Timers come from the {@link VirtualScheduler} (its task objects
 * are about the size of Netty's scheduled tasks).
 */
class MemoryTest {
  static final int N = 20_000;
  static final InetSocketAddress ALICE = LoopNetwork.address(1, 5070);
  static final InetSocketAddress BOB = LoopNetwork.address(2, 5060);
  static final String SDP =
      "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
          + "m=audio 40000 RTP/AVP 8 0 101\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:0 PCMU/8000\r\n"
          + "a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\na=ptime:20\r\na=sendrecv\r\n";

  @Test
  void openServerNonInviteTransactionFitsIn2Kb() {
    Result r = measureServer("OPTIONS", "");
    assertThat(r.perTransaction()).isLessThan(2048);
  }

  @Test
  void openServerInviteTransactionWithSdpFitsIn2Kb() {
    Result r = measureServer("INVITE", SDP);
    assertThat(r.perTransaction()).isLessThan(2048);
  }

  @Test
  void openClientInviteTransactionFitsIn2Kb() {
    VirtualScheduler scheduler = new VirtualScheduler();
    TransactionLayer layer =
        new TransactionLayer(
            TransactionConfig.DEFAULT, scheduler, (to, m, f) -> {}, new RecordingUser());
    Peer bob = new Peer(Transport.UDP, BOB);
    int size = request("INVITE", "x", SDP).length;
    long before = usedHeap();
    for (int i = 0; i < N; i++) {
      layer.sendRequest(request("INVITE", layer.newBranch(), SDP), bob);
    }
    long after = usedHeap();
    Result r = new Result("client INVITE (Calling, Timers A and B)", size, (after - before) / N);
    System.out.println(r);
    assertThat(layer.openTransactions()).isEqualTo(N);
    assertThat(r.perTransaction()).isLessThan(2048);
  }

  @Test
  void openServerInviteTransactionOnANettyEventLoopFitsIn2Kb() throws Exception {
    // The production scheduler: Netty's scheduled tasks instead of the virtual ones. Everything
    // runs on the loop (as the layer requires); nothing falls due during the measure.
    DefaultEventLoop loop = new DefaultEventLoop();
    try {
      Result r =
          loop.submit(() -> measureServer("INVITE", SDP, new EventLoopScheduler(loop))).get();
      assertThat(r.perTransaction()).isLessThan(2048);
    } finally {
      loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  @Test
  void completedServerOptionsKeepsOnlyItsResponse() {
    // Timer J keeps an answered non-INVITE for 32 s on UDP, only to resend its answer.
    Result r = measureCompletedServer("OPTIONS", "", false);
    assertThat(r.perTransaction()).isLessThan(1024);
    // What Completed needs is the response and the key: the rest (a ring slot with the deadline,
    // an index slot, one array header) measured 100 B here when each entry was one array copying
    // both; the transaction object, its timer and its key String held 243 B before
    // (bench/RESULTS.md,
    // stop 14, branch regtx). Since stop 18 (branch alloc11) the response is kept as it was sent
    // and the key in a byte ring shared by the entries, so nothing is allocated per entry: the rest
    // is then the slot (with the key's bounds), the index, the response's own array header and the
    // key ring's room not yet used after its last doubling (20,000 entries added at once here):
    // 263 B measured; no object per entry beyond the response.
    assertThat(r.perTransaction() - r.responseBytes() - r.keyChars())
        .as("bytes per completed transaction beyond its response's and its key's")
        .isLessThan(320);
  }

  @Test
  void acceptedServerInviteAfterItsAckKeepsNeitherRequestNorResponse() {
    // RFC 6026's Accepted keeps an answered and ACKed INVITE for 32 s, only to absorb resends.
    Result r = measureCompletedServer("INVITE", SDP, true);
    assertThat(r.perTransaction()).isLessThan(r.requestBytes());
  }

  @Test
  void acceptedClientInviteKeepsNotItsRequest() {
    VirtualScheduler scheduler = new VirtualScheduler();
    TransactionLayer layer =
        new TransactionLayer(
            TransactionConfig.DEFAULT,
            scheduler,
            (to, m, f) -> {},
            onRequestOnly((tx, request) -> {}));
    SipParser parser = new SipParser();
    Peer bob = new Peer(Transport.UDP, BOB);
    int size = request("INVITE", "x", SDP).length;
    long before = usedHeap();
    for (int i = 0; i < N; i++) {
      String branch = layer.newBranch();
      byte[] invite = request("INVITE", branch, SDP);
      layer.sendRequest(invite, bob);
      SipMessage sent = parser.parseDatagram(invite);
      layer.receive(
          parser.parseDatagram(
              Responses.build(sent, 200, "OK", ALICE, "application/sdp", SDP.getBytes())),
          bob);
    }
    long after = usedHeap();
    Result r =
        new Result("client INVITE after its 2xx (Accepted, Timer M)", size, (after - before) / N);
    System.out.println(r);
    assertThat(layer.openTransactions()).isEqualTo(N);
    assertThat(r.perTransaction()).isLessThan(size);
  }

  /** Server transactions answered at once (INVITE: 200 with SDP, then ACKed with a new branch). */
  private Result measureCompletedServer(String method, String body, boolean ack) {
    int[] responseBytes = new int[1];
    TransactionLayer layer =
        new TransactionLayer(
            TransactionConfig.DEFAULT,
            new VirtualScheduler(),
            (to, m, f) -> responseBytes[0] = m.length,
            onRequestOnly((tx, request) ->
                tx.respond(
                    Responses.build(
                        request,
                        200,
                        "OK",
                        ALICE,
                        body.isEmpty() ? null : "application/sdp",
                        body.getBytes()))));
    SipParser parser = new SipParser();
    Peer alice = new Peer(Transport.UDP, ALICE);
    int size = request(method, "x", body).length;
    long before = usedHeap();
    for (int i = 0; i < N; i++) {
      layer.receive(parser.parseDatagram(request(method, "z9hG4bK" + i, body)), alice);
      if (ack) {
        byte[] a =
            Requests.bytes(
                Requests.request(
                    "ACK", ALICE, BOB, "z9hG4bKack" + i, "z9hG4bK" + i + "@memory.example.com", 1));
        layer.receive(parser.parseDatagram(a), alice);
      }
    }
    long after = usedHeap();
    assertThat(layer.openTransactions()).isEqualTo(N);
    String key =
        TransactionKeys.server(
            parser.parseDatagram(request(method, "z9hG4bK" + (N - 1), body)),
            SipMethod.valueOf(method),
            alice);
    Result r =
        new Result(
            "server "
                + method
                + (ack ? " answered 200 and ACKed (Accepted)" : " answered 200 (Completed)"),
            size,
            (after - before) / N,
            responseBytes[0],
            key.length());
    System.out.println(r);
    return r;
  }

  private Result measureServer(String method, String body) {
    return measureServer(method, body, new VirtualScheduler());
  }

  private Result measureServer(String method, String body, Scheduler scheduler) {
    int[] opened = new int[1];
    TransactionLayer layer =
        new TransactionLayer(
            TransactionConfig.DEFAULT,
            scheduler,
            (to, m, f) -> {},
            onRequestOnly((tx, request) -> opened[0]++));
    SipParser parser = new SipParser();
    Peer alice = new Peer(Transport.UDP, ALICE);
    int size = request(method, "x", body).length;
    long before = usedHeap();
    for (int i = 0; i < N; i++) {
      layer.receive(parser.parseDatagram(request(method, "z9hG4bK" + i, body)), alice);
    }
    long after = usedHeap();
    assertThat(opened[0]).isEqualTo(N);
    assertThat(layer.openTransactions()).isEqualTo(N);
    Result r =
        new Result(
            "server "
                + method
                + " (waiting for the TU, "
                + scheduler.getClass().getSimpleName()
                + ")",
            size,
            (after - before) / N);
    System.out.println(r);
    return r;
  }

  record Result(
      String what, int requestBytes, long perTransaction, int responseBytes, int keyChars) {
    Result(String what, int requestBytes, long perTransaction) {
      this(what, requestBytes, perTransaction, 0, 0);
    }

    @Override
    public String toString() {
      return String.format(
          "memory: %s: %d bytes per open transaction (request %d B, response %d B, key %d chars)",
          what, perTransaction, requestBytes, responseBytes, keyChars);
    }
  }

  static byte[] request(String method, String branch, String body) {
    String r =
        Requests.request(method, ALICE, BOB, branch, branch + "@memory.example.com", 1)
            .replace("Content-Length: 0\r\n", "")
            .replace("\r\n\r\n", "\r\n");
    return Requests.bytes(
        r
            + "User-Agent: Test PBX 1.0\r\n"
            + "Allow: INVITE, ACK, CANCEL, BYE, OPTIONS\r\n"
            + (body.isEmpty() ? "" : "Content-Type: application/sdp\r\n")
            + "Content-Length: "
            + body.length()
            + "\r\n\r\n"
            + body);
  }

  /**
   * A TU that keeps nothing (a RecordingUser keeps every response) and only runs {@code onRequest}.
   */
  static TransactionUser onRequestOnly(
      java.util.function.BiConsumer<ServerTransaction, SipMessage> onRequest) {
    return new TransactionUser() {
      @Override
      public void onRequest(ServerTransaction tx, SipMessage request) {
        onRequest.accept(tx, request);
      }

      @Override
      public void onResponse(ClientTransaction tx, SipMessage response) {}

      @Override
      public void onTimeout(Transaction tx) {}

      @Override
      public void onTransportError(Transaction tx, String reason) {}
    };
  }

  static long usedHeap() {
    for (int i = 0; i < 4; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
