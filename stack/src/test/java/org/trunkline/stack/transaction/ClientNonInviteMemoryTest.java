package org.trunkline.stack.transaction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.channel.DefaultEventLoop;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.trunkline.sip.SipMessage;
import org.trunkline.sip.SipMethod;
import org.trunkline.sip.SipParser;
import org.trunkline.stack.Transport;

/**
 * What a non-INVITE client transaction holds (issue 4: at most 2 KB per open transaction): in
 * Trying one timer (E and F share it) and the request; in Completed (Timer K) neither the request
 * nor its transaction user. Heap is measured as in {@link MemoryTest} and printed for quoting.
 */
class ClientNonInviteMemoryTest {
  static final int N = 20_000;

  private static byte[] options(String branch) {
    return MemoryTest.request("OPTIONS", branch, "");
  }

  @Test
  void openClientOptionsArmsOneTimerAndFitsIn2KbOnAnEventLoop() throws Exception {
    DefaultEventLoop loop = new DefaultEventLoop();
    try {
      long[] r =
          loop.submit(
                  () -> {
                    TransactionLayer layer =
                        new TransactionLayer(
                            TransactionConfig.DEFAULT,
                            new EventLoopScheduler(loop),
                            (to, m, f) -> {},
                            new RecordingUser());
                    Peer bob = new Peer(Transport.UDP, MemoryTest.BOB);
                    TransactionUser owner = MemoryTest.onRequestOnly((tx, m) -> {});
                    long before = MemoryTest.usedHeap();
                    for (int i = 0; i < N; i++) {
                      String branch = layer.newBranch();
                      layer.sendRequest(options(branch), SipMethod.OPTIONS, branch, bob, owner);
                    }
                    long after = MemoryTest.usedHeap();
                    return new long[] {layer.openTransactions(), (after - before) / N};
                  })
              .get(60, TimeUnit.SECONDS);
      MemoryTest.Result res =
          new MemoryTest.Result(
              "client OPTIONS (Trying, Timers E and F, EventLoopScheduler)",
              options("x").length,
              r[1]);
      System.out.println(res);
      assertThat(r[0]).isEqualTo(N);
      assertThat(res.perTransaction()).isLessThan(2048);
    } finally {
      loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  @Test
  void timersEAndFAreOneScheduledTask() {
    VirtualScheduler scheduler = new VirtualScheduler();
    TransactionLayer layer =
        new TransactionLayer(
            TransactionConfig.DEFAULT, scheduler, (to, m, f) -> {}, new RecordingUser());
    Peer bob = new Peer(Transport.UDP, MemoryTest.BOB);
    for (int i = 0; i < 10; i++) {
      String branch = layer.newBranch();
      layer.sendRequest(options(branch), bob);
    }
    assertThat(scheduler.pending()).isEqualTo(10);
    scheduler.advance(Duration.ofMillis(500)); // Timer E fired once each, and was armed again
    assertThat(scheduler.pending()).isEqualTo(10);
    assertThat(layer.counters().retransmissionsOut.sum()).isEqualTo(10);
  }

  @Test
  void aSendThatFailsAtOnceLeavesNoTimer() {
    VirtualScheduler scheduler = new VirtualScheduler();
    RecordingUser tu = new RecordingUser();
    TransactionLayer layer =
        new TransactionLayer(
            TransactionConfig.DEFAULT,
            scheduler,
            (to, m, onFailure) -> onFailure.sendFailed(to, "no UDP socket"),
            tu);
    String branch = layer.newBranch();
    ClientTransaction tx =
        layer.sendRequest(
            options(branch),
            SipMethod.OPTIONS,
            branch,
            new Peer(Transport.UDP, MemoryTest.BOB),
            tu);
    assertThat(tx.isTerminated()).isTrue();
    assertThat(tu.transportErrors).hasSize(1);
    assertThat(tu.transportErrors.get(0)).endsWith(": no UDP socket");
    assertThat(scheduler.pending()).isZero();
    scheduler.advance(Duration.ofSeconds(64)); // nothing left to fire (and so nothing to throw)
    assertThat(tu.timeouts).isEmpty();
    assertThat(layer.openTransactions()).isZero();
  }

  @Test
  void completedClientOptionsKeepsNeitherRequestNorItsOwner() {
    VirtualScheduler scheduler = new VirtualScheduler();
    TransactionLayer layer =
        new TransactionLayer(
            TransactionConfig.DEFAULT, scheduler, (to, m, f) -> {}, new RecordingUser());
    SipParser parser = new SipParser();
    Peer bob = new Peer(Transport.UDP, MemoryTest.BOB);
    int size = options("x").length;
    WeakReference<Owner> first = null;
    long before = MemoryTest.usedHeap();
    for (int i = 0; i < N; i++) {
      String branch = layer.newBranch();
      byte[] request = options(branch);
      // each owner holds 1 KB, as a SipClient exchange holds its request, future and result
      Owner owner = new Owner();
      if (first == null) {
        first = new WeakReference<>(owner);
      }
      ClientTransaction tx = layer.sendRequest(request, SipMethod.OPTIONS, branch, bob, owner);
      layer.receive(
          parser.parseDatagram(
              Responses.build(parser.parseDatagram(request), 200, "OK", MemoryTest.ALICE)),
          bob);
      assertThat(((ClientNonInviteTransaction) tx).state())
          .isEqualTo(ClientNonInviteTransaction.State.COMPLETED);
      assertThat(owner.finals).isEqualTo(1);
    }
    long after = MemoryTest.usedHeap();
    MemoryTest.Result r =
        new MemoryTest.Result(
            "client OPTIONS after its 200 (Completed, Timer K)", size, (after - before) / N);
    System.out.println(r);
    assertThat(layer.openTransactions()).isEqualTo(N);
    assertThat(r.perTransaction()).isLessThan(size);
    WeakReference<Owner> ref = first;
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> {
          System.gc();
          return ref.get() == null;
        });
    scheduler.advance(Duration.ofSeconds(5)); // Timer K
    assertThat(layer.openTransactions()).isZero();
  }

  /** A transaction user with a payload, counting final responses. */
  private static final class Owner implements TransactionUser {
    final byte[] payload = new byte[1024];
    int finals;

    @Override
    public void onRequest(ServerTransaction tx, SipMessage request) {}

    @Override
    public void onResponse(ClientTransaction tx, SipMessage response) {
      if (response.status() >= 200) {
        finals++;
      }
    }

    @Override
    public void onTimeout(Transaction tx) {}

    @Override
    public void onTransportError(Transaction tx, String reason) {}
  }
}
