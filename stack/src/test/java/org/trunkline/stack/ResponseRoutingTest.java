package org.trunkline.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.EventExecutor;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.trunkline.sip.SipMessage;
import org.trunkline.sip.SipMethod;
import org.trunkline.sip.SipParser;
import org.trunkline.stack.transaction.ClientTransaction;
import org.trunkline.stack.transaction.EventLoopScheduler;
import org.trunkline.stack.transaction.Peer;
import org.trunkline.stack.transaction.ServerTransaction;
import org.trunkline.stack.transaction.Transaction;
import org.trunkline.stack.transaction.TransactionConfig;
import org.trunkline.stack.transaction.TransactionCounters;
import org.trunkline.stack.transaction.TransactionLayer;
import org.trunkline.stack.transaction.TransactionUser;

/**
 * A response goes to the loop of the layer that sent its request, as its top Via branch says
 * ({@link BranchLoops}), whichever loop read it and whatever its Call-ID: read there, it is handled
 * at once without a hand-off; read on another loop, it is handed over.
 */
class ResponseRoutingTest {
  static final Peer UAS = new Peer(Transport.UDP, new InetSocketAddress("127.0.0.1", 5080));

  final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
  final List<EventExecutor> loops = new ArrayList<>();
  final SipCounters counters = new SipCounters();
  final SipParser parser = new SipParser();
  final BranchLoops branches = new BranchLoops(2);
  final List<TransactionLayer> layers = new ArrayList<>();

  /** The thread each transaction's final response reached its user on, by branch. */
  final Map<String, String> answeredOn = new ConcurrentHashMap<>();

  final TransactionUser user =
      new TransactionUser() {
        @Override
        public void onRequest(ServerTransaction tx, SipMessage request) {
          throw new AssertionError("no requests here");
        }

        @Override
        public void onResponse(ClientTransaction tx, SipMessage response) {
          answeredOn.put(response.topViaBranch(), Thread.currentThread().getName());
        }

        @Override
        public void onTimeout(Transaction tx) {}

        @Override
        public void onTransportError(Transaction tx, String reason) {}
      };

  MessageHandler handler;

  ResponseRoutingTest() {
    for (EventExecutor loop : group) {
      loops.add(loop);
    }
    TransactionCounters txCounters = new TransactionCounters();
    for (int i = 0; i < loops.size(); i++) {
      layers.add(
          new TransactionLayer(
                  TransactionConfig.DEFAULT,
                  new EventLoopScheduler(loops.get(i)),
                  (to, bytes, onFailure) -> {},
                  user,
                  parser,
                  txCounters)
              .branchPrefix(branches.prefix(i)));
    }
    handler =
        new MessageHandler(
            counters,
            layers,
            loops,
            OverloadLimits.DEFAULT,
            System::nanoTime,
            new CallLoops(loops, TimeUnit.SECONDS.toNanos(32), System::nanoTime),
            branches);
  }

  @AfterEach
  void close() {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  @Test
  void aResponseReadOnItsTransactionsLoopIsHandledThereWithoutAHandOff() throws Exception {
    String branch = on(1, () -> sendOptions(1, callIdOf(0, 0)));
    String thread = on(1, () -> Thread.currentThread().getName());
    on(1, () -> receive(ok200(branch, callIdOf(0, 0))));
    // handled inside the read, on the reading loop
    assertThat(answeredOn).containsEntry(branch, thread);
    assertThat(counters.snapshot())
        .containsEntry("udp_handoffs", 0L)
        .containsEntry("responses_in", 1L);
  }

  @Test
  void aResponseReadOnAnotherLoopStillReachesItsTransactionWhateverItsCallId() throws Exception {
    // the Call-IDs hash to loop 0, which reads the responses: only the branch names loop 1
    List<String> sent = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      String callId = callIdOf(0, i);
      sent.add(on(1, () -> sendOptions(1, callId)));
    }
    String home = on(1, () -> Thread.currentThread().getName());
    for (int i = 0; i < 3; i++) {
      byte[] response = ok200(sent.get(i), callIdOf(0, i));
      on(0, () -> receive(response));
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> answeredOn.size() == 3);
    assertThat(answeredOn.values()).containsOnly(home);
    assertThat(counters.snapshot()).containsEntry("udp_handoffs", 3L);
    assertThat(layers.get(1).counters().snapshot()).containsEntry("tx_stray_responses", 0L);
  }

  @Test
  void aBranchWithoutOurMarkGoesByItsCallId() throws Exception {
    // a branch a transaction user wrote by hand: the Call-ID (of loop 1) finds the layer
    String callId = callIdOf(1, 0);
    String branch = on(1, () -> sendOptions(1, callId, "z9hG4bK-by-hand-1"));
    String home = on(1, () -> Thread.currentThread().getName());
    on(0, () -> receive(ok200(branch, callId)));
    await().atMost(Duration.ofSeconds(5)).until(() -> answeredOn.containsKey(branch));
    assertThat(answeredOn).containsEntry(branch, home);
    assertThat(counters.snapshot()).containsEntry("udp_handoffs", 1L);
  }

  /** On loop {@code i}: an OPTIONS in a client transaction of layer {@code i}; its branch. */
  private String sendOptions(int i, String callId) {
    return sendOptions(i, callId, layers.get(i).newBranch());
  }

  private String sendOptions(int i, String callId, String branch) {
    byte[] request =
        ("OPTIONS sip:bob@127.0.0.1:5080 SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:5060;branch="
                + branch
                + "\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <sip:probe@127.0.0.1>;tag=p1\r\n"
                + "To: <sip:bob@127.0.0.1>\r\n"
                + "Call-ID: "
                + callId
                + "\r\n"
                + "CSeq: 1 OPTIONS\r\n"
                + "Content-Length: 0\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    layers.get(i).sendRequest(request, SipMethod.OPTIONS, branch, UAS, user);
    return branch;
  }

  private Void receive(byte[] response) {
    byte[] answer =
        handler.handle(parser.parseDatagram(response), Transport.UDP, UAS.address(), null, null);
    assertThat(answer).isNull();
    return null;
  }

  private static byte[] ok200(String branch, String callId) {
    return ("SIP/2.0 200 OK\r\n"
            + "Via: SIP/2.0/UDP 127.0.0.1:5060;branch="
            + branch
            + "\r\n"
            + "From: <sip:probe@127.0.0.1>;tag=p1\r\n"
            + "To: <sip:bob@127.0.0.1>;tag=b1\r\n"
            + "Call-ID: "
            + callId
            + "\r\n"
            + "CSeq: 1 OPTIONS\r\n"
            + "Content-Length: 0\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII);
  }

  /** The k-th Call-ID that hashes to loop {@code loop} of 2. */
  private static String callIdOf(int loop, int k) {
    int found = -1;
    for (int i = 0; ; i++) {
      String id = "route-" + i + "@test";
      if (Math.floorMod(id.hashCode(), 2) == loop && ++found == k) {
        return id;
      }
    }
  }

  private <T> T on(int loop, Callable<T> task) throws Exception {
    return ((EventLoop) loops.get(loop)).submit(task).get(5, TimeUnit.SECONDS);
  }
}
