package org.trunkline.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.util.concurrent.DefaultEventExecutor;
import io.netty.util.concurrent.EventExecutor;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.trunkline.sip.SipMessage;
import org.trunkline.stack.transaction.ClientTransaction;
import org.trunkline.stack.transaction.ServerTransaction;
import org.trunkline.stack.transaction.Transaction;
import org.trunkline.stack.transaction.TransactionUser;

/**
 * A call lives on the loop that read its INVITE ({@link CallLoops}): its caller's later messages,
 * which the kernel gives to the same socket, are handled there without a hand-off, whatever the
 * Call-ID hashes to; a message of the call that another loop reads (another source) is handed to
 * that loop, never handled elsewhere; records nobody keeps are forgotten after the linger.
 */
class CallLoopsTest {
  private static final int SOURCES = 32;

  private final List<SipServer> servers = new ArrayList<>();
  private final List<DatagramSocket> clients = new ArrayList<>();
  private final List<EventExecutor> executors = new ArrayList<>();

  @AfterEach
  void stop() {
    clients.forEach(DatagramSocket::close);
    servers.forEach(SipServer::close);
    executors.forEach(e -> e.shutdownGracefully(0, 1, TimeUnit.SECONDS));
  }

  /** Answers INVITE 404 and anything else 200; notes the thread of each request by Call-ID. */
  private static final class Recorder implements TransactionUser {
    final Map<String, List<String>> threads = new ConcurrentHashMap<>();

    @Override
    public void onRequest(ServerTransaction tx, SipMessage request) {
      threads
          .computeIfAbsent(
              request.callId(), k -> java.util.Collections.synchronizedList(new ArrayList<>()))
          .add(request.method() + "@" + Thread.currentThread().getName());
      if (request.method().name().equals("INVITE")) {
        tx.respond(404, "Not Found");
      } else {
        tx.respond(200, "OK");
      }
    }

    @Override
    public void onResponse(ClientTransaction tx, SipMessage response) {}

    @Override
    public void onTimeout(Transaction tx) {}

    @Override
    public void onTransportError(Transaction tx, String reason) {}

    /** The one thread every request of {@code callId} ran on. */
    String threadOf(String callId) {
      List<String> seen = threads.get(callId);
      assertThat(seen).as("requests of %s", callId).isNotEmpty();
      List<String> names =
          seen.stream().map(s -> s.substring(s.indexOf('@') + 1)).distinct().toList();
      assertThat(names).as("threads of %s (%s)", callId, seen).hasSize(1);
      return names.get(0);
    }
  }

  private InetSocketAddress start(Recorder tu) throws IOException {
    SipServer s =
        new SipServer(List.of(new ListenPoint("udp", Transport.UDP, "127.0.0.1", 0)))
            .threads(2)
            .transactionUser(tu);
    servers.add(s);
    return s.start().get(0);
  }

  private DatagramSocket client() throws IOException {
    DatagramSocket c = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
    c.setSoTimeout(SipPeer.TIMEOUT_MS);
    clients.add(c);
    return c;
  }

  /** A Call-ID of {@code source} that hashes to the last of 2 loops. */
  private static String lastLoopCallId(int source) {
    for (int i = 0; ; i++) {
      String id = "hand-" + source + "-" + i;
      if (Math.floorMod(id.hashCode(), 2) == 1) {
        return id;
      }
    }
  }

  private static String invite(String callId, int viaPort) {
    return SipPeer.options(callId, viaPort)
        .replace("OPTIONS", "INVITE")
        .replace(
            "CSeq: 1 INVITE", "CSeq: 1 INVITE\r\nContact: <sip:probe@127.0.0.1:" + viaPort + ">");
  }

  private static String ack(String callId, int viaPort, String toTag) {
    return SipPeer.options(callId, viaPort)
        .replaceFirst("OPTIONS sip", "ACK sip")
        .replace("CSeq: 1 OPTIONS", "CSeq: 1 ACK")
        .replace("To: <sip:127.0.0.1>", "To: <sip:127.0.0.1>;tag=" + toTag);
  }

  /** An in-dialog OPTIONS of the call (a To tag, a new branch). */
  private static String inDialog(String callId, int viaPort, String toTag) {
    return SipPeer.options(callId, viaPort)
        .replace("branch=z9hG4bK-" + callId, "branch=z9hG4bK-" + callId + "-d" + viaPort)
        .replace("CSeq: 1 OPTIONS", "CSeq: 2 OPTIONS")
        .replace("To: <sip:127.0.0.1>", "To: <sip:127.0.0.1>;tag=" + toTag);
  }

  private static String exchange(DatagramSocket c, InetSocketAddress to, String text)
      throws IOException {
    send(c, to, text);
    byte[] buf = new byte[65535];
    DatagramPacket answer = new DatagramPacket(buf, buf.length);
    c.receive(answer);
    return new String(buf, 0, answer.getLength(), StandardCharsets.UTF_8);
  }

  /**
   * The next final answer with {@code callId} and {@code cseq} (skips provisionals and copies of
   * earlier answers: a loaded machine may be slow enough for Timer G).
   */
  private static String answerTo(DatagramSocket c, String callId, String cseq) throws IOException {
    while (true) {
      byte[] buf = new byte[65535];
      DatagramPacket answer = new DatagramPacket(buf, buf.length);
      c.receive(answer);
      String text = new String(buf, 0, answer.getLength(), StandardCharsets.UTF_8);
      if (!text.startsWith("SIP/2.0 1")
          && text.contains("Call-ID: " + callId + "\r\n")
          && text.contains(cseq + "\r\n")) {
        return text;
      }
    }
  }

  private static void send(DatagramSocket c, InetSocketAddress to, String text) throws IOException {
    byte[] b = text.getBytes(StandardCharsets.US_ASCII);
    c.send(new DatagramPacket(b, b.length, to));
  }

  private static String toTag(String response) {
    var m = java.util.regex.Pattern.compile("(?m)^To: .*;tag=([^;\\r\\n]+)").matcher(response);
    assertThat(m.find()).as("To tag in %s", response).isTrue();
    return m.group(1);
  }

  @Test
  void aCallsMessagesFromItsCallerNeverCrossLoops() throws Exception {
    assumeTrue(Netty.epoll(), "a UDP socket per loop needs epoll");
    Recorder tu = new Recorder();
    InetSocketAddress lp = start(tu);
    SipServer server = servers.get(0);
    List<String> callIds = new ArrayList<>();
    for (int i = 0; i < SOURCES; i++) {
      // every Call-ID hashes to the last loop: with the hash deciding, the sources the kernel gives
      // to the first loop's socket would cross for every message
      DatagramSocket c = client();
      String callId = lastLoopCallId(i);
      callIds.add(callId);
      send(c, lp, invite(callId, c.getLocalPort()));
      String refused = answerTo(c, callId, "CSeq: 1 INVITE");
      assertThat(refused).startsWith("SIP/2.0 404 ");
      String tag = toTag(refused);
      send(c, lp, ack(callId, c.getLocalPort(), tag));
      send(c, lp, inDialog(callId, c.getLocalPort(), tag));
      assertThat(answerTo(c, callId, "CSeq: 2 OPTIONS")).startsWith("SIP/2.0 200 ");
    }
    for (String callId : callIds) {
      tu.threadOf(callId);
    }
    assertThat(server.counters().udpHandoffs.sum()).as("hand-offs").isZero();
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(5))
        .untilAsserted(() ->
            assertThat(server.snapshot())
                .as("every ACK met its INVITE's transaction")
                .containsEntry("tx_stray_acks", 0L)
                .containsEntry("requests_in", 3L * SOURCES));
  }

  @Test
  void aMessageReadByAnotherLoopStillReachesItsCallsLoop() throws Exception {
    assumeTrue(Netty.epoll(), "a UDP socket per loop needs epoll");
    Recorder tu = new Recorder();
    InetSocketAddress lp = start(tu);
    SipServer server = servers.get(0);
    List<DatagramSocket> sockets = new ArrayList<>();
    for (int i = 0; i < SOURCES; i++) {
      sockets.add(client());
    }
    for (int i = 0; i < SOURCES; i++) {
      DatagramSocket caller = sockets.get(i);
      String callId = lastLoopCallId(i);
      send(caller, lp, invite(callId, caller.getLocalPort()));
      String tag = toTag(answerTo(caller, callId, "CSeq: 1 INVITE"));
      send(caller, lp, ack(callId, caller.getLocalPort(), tag));
      // a request of the call from every other source: read by either loop, handled by the
      // call's. Its To tag is not ours: one with our loop mark would be steered to the call's
      // socket by the kernel (ReuseportSteering), and never cross
      for (int j = 1; j < 4; j++) {
        DatagramSocket other = sockets.get((i + j) % SOURCES);
        send(other, lp, inDialog(callId, other.getLocalPort(), "unmarked-" + j));
        assertThat(answerTo(other, callId, "CSeq: 2 OPTIONS")).startsWith("SIP/2.0 200 ");
      }
      tu.threadOf(callId);
    }
    // the sources are spread over both sockets, so some messages crossed to their call's loop
    assertThat(server.counters().udpHandoffs.sum()).as("hand-offs").isPositive();
  }

  private static <T> T on(EventExecutor loop, Callable<T> c) throws Exception {
    return loop.submit(c).get(5, TimeUnit.SECONDS);
  }

  @Test
  void claimsNobodyKeepsAndReleasedRecordsAreForgottenAfterTheLinger() throws Exception {
    EventExecutor a = new DefaultEventExecutor();
    EventExecutor b = new DefaultEventExecutor();
    executors.add(a);
    executors.add(b);
    AtomicLong now = new AtomicLong();
    CallLoops owners = new CallLoops(List.of(a, b), 100, now::get);
    String onB = lastLoopCallId(1); // hashes to loop 1 (b)
    String onA = "x";
    while (Math.floorMod(onA.hashCode(), 2) != 0) {
      onA += "x";
    }
    String claimedOnly = onB + "-c";
    while (Math.floorMod(claimedOnly.hashCode(), 2) != 1) {
      claimedOnly += "c";
    }
    String finalClaimed = claimedOnly;
    String finalOnA = onA;
    // loop a reads two INVITEs whose Call-IDs hash to b: they stay on a
    assertThat(on(a, () -> owners.claim(onB, 0))).isZero();
    assertThat(on(a, () -> owners.claim(finalClaimed, 0))).isZero();
    // a copy read by b follows the first claim
    assertThat(on(b, () -> owners.claim(onB, 1))).isZero();
    on(
        a,
        () -> {
          owners.keep(onB);
          return null;
        });
    // a B-leg Call-ID that hashes to a is kept there too
    on(
        a,
        () -> {
          owners.keep(finalOnA);
          return null;
        });
    assertThat(owners.ownerOf(onB)).isZero();
    assertThat(owners.ownerOf(finalClaimed)).isZero();
    assertThat(owners.recorded()).isEqualTo(3);

    now.set(100); // the linger has passed: the claim nobody kept goes, the kept one stays
    on(
        a,
        () -> {
          owners.expire(0);
          return null;
        });
    assertThat(owners.ownerOf(finalClaimed)).as("forgotten: its hash decides").isEqualTo(1);
    assertThat(owners.ownerOf(onB)).isZero();

    // the call ends: a Call-ID that hashes to its loop goes at once, one that does not lingers
    on(
        a,
        () -> {
          owners.release(finalOnA);
          owners.release(onB);
          return null;
        });
    assertThat(owners.recorded()).isEqualTo(1);
    assertThat(owners.ownerOf(onB)).as("lingering").isZero();
    now.set(199);
    on(
        a,
        () -> {
          owners.expire(0);
          return null;
        });
    assertThat(owners.ownerOf(onB)).isZero();
    now.set(200);
    on(
        a,
        () -> {
          owners.expire(0);
          return null;
        });
    assertThat(owners.ownerOf(onB)).isEqualTo(1);
    assertThat(owners.recorded()).isZero();
  }

  @Test
  void aReadingLoopThatKeepsFarMoreCallsThanTheOthersSpreadsNewOnesByHash() throws Exception {
    EventExecutor a = new DefaultEventExecutor();
    EventExecutor b = new DefaultEventExecutor();
    executors.add(a);
    executors.add(b);
    CallLoops owners = new CallLoops(List.of(a, b), 100, () -> 0L);
    String onB = lastLoopCallId(1);
    // one peer's calls, all read by loop a: they stay on a up to the slack over an idle b
    for (int i = 0; i <= CallLoops.SPILL_SLACK; i++) {
      String id = "sbc-" + i;
      assertThat(on(a, () -> owners.claim(id, 0))).isZero();
      on(
          a,
          () -> {
            owners.keep(id);
            return null;
          });
    }
    assertThat(owners.kept(0)).isEqualTo(CallLoops.SPILL_SLACK + 1);
    // past it, a new call goes where its Call-ID hashes, and to no record
    int before = owners.recorded();
    assertThat(on(a, () -> owners.claim(onB, 0))).isEqualTo(1);
    assertThat(owners.recorded()).isEqualTo(before);
    // once b keeps its share, a keeps its readers' calls again
    for (int i = 0; i < CallLoops.SPILL_SLACK / 2; i++) {
      String id = "b-" + i;
      on(
          b,
          () -> {
            owners.keep(id);
            return null;
          });
    }
    assertThat(on(a, () -> owners.claim(onB + "-again", 0))).isZero();
    // an ended call no longer counts
    on(
        a,
        () -> {
          owners.release("sbc-0");
          return null;
        });
    assertThat(owners.kept(0)).isEqualTo(CallLoops.SPILL_SLACK);
  }

  @Test
  void withCallsOnTheHashAnInviteGoesWhereItsCallIdHashes() throws Exception {
    EventExecutor a = new DefaultEventExecutor();
    EventExecutor b = new DefaultEventExecutor();
    executors.add(a);
    executors.add(b);
    CallLoops owners = new CallLoops(List.of(a, b), 100, () -> 0L, false);
    String onB = lastLoopCallId(7);
    assertThat(on(a, () -> owners.claim(onB, 0))).isEqualTo(1);
    assertThat(owners.recorded()).isZero();
  }

  @Test
  void oneThreadMeansOneLayer() throws Exception {
    SipServer s =
        new SipServer(List.of(new ListenPoint("udp", Transport.UDP, "127.0.0.1", 0))).threads(1);
    servers.add(s);
    InetSocketAddress lp = s.start().get(0);
    assertThat(s.client().layers()).isEqualTo(1);
    DatagramSocket c = client();
    assertThat(exchange(c, lp, SipPeer.options("one-loop", c.getLocalPort())))
        .startsWith("SIP/2.0 200 ");
    assertThat(s.counters().udpHandoffs.sum()).isZero();
  }
}
