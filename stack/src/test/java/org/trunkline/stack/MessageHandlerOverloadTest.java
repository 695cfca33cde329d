package org.trunkline.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
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
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.trunkline.sip.SipParser;
import org.trunkline.stack.transaction.EventLoopScheduler;
import org.trunkline.stack.transaction.TransactionConfig;
import org.trunkline.stack.transaction.TransactionCounters;
import org.trunkline.stack.transaction.TransactionLayer;

/**
 * Overload control between the transports and the transaction layers ({@link MessageHandler},
 * {@link OverloadLimits}): the layer of one loop is blocked by a latch, so what waits for it fills
 * the bounds deterministically. New requests then get 503 + Retry-After at once, responses and ACKs
 * are dropped, each refusal is counted, and what waits never exceeds its bound.
 */
class MessageHandlerOverloadTest {
  static final InetSocketAddress ALICE = new InetSocketAddress("127.0.0.1", 5070);

  final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
  final EventLoop home = group.next();
  final EventLoop busy = group.next();
  final CountDownLatch gate = new CountDownLatch(1);
  final SipCounters counters = new SipCounters();
  final List<String> sent = new CopyOnWriteArrayList<>();
  final SipParser parser = new SipParser();
  final AtomicLong clock = new AtomicLong();
  final InOrder order = new InOrder(home);
  final InOrder tcpConnection = new InOrder(home);

  @AfterEach
  void close() {
    gate.countDown();
    // let the steps come home before the loops stop, or their last hop is refused noisily
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> onHome(() -> order.sourcesInFlight() + tcpConnection.sourcesInFlight()) == 0);
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  @Test
  void overTheInFlightBoundNewRequestsGet503AndResponsesAndAcksAreDropped() throws Exception {
    MessageHandler handler = handler(new OverloadLimits(5, 1 << 20, 100, 100, 50_000, 7, MINUTE));
    blockBusyLoop();
    List<byte[]> answers = new ArrayList<>();
    onHome(() -> {
      // a flood 40 times the bound, each from its own port: only the in-flight bound applies
      for (int i = 0; i < 200; i++) {
        answers.add(handle(handler, options(busyCallId(i), "z9hG4bK-" + i), port(i)));
      }
      answers.add(handle(handler, ok200(busyCallId(0)), ALICE));
      answers.add(handle(handler, ack(busyCallId(0)), ALICE));
    });
    assertThat(answers.subList(0, 5)).containsOnlyNulls();
    assertThat(answers.subList(5, 200))
        .allSatisfy(a ->
            assertThat(text(a))
                .startsWith("SIP/2.0 503 Service Unavailable\r\n")
                .contains("Retry-After: 7\r\n"));
    assertThat(text(answers.get(5))).contains("Call-ID: " + busyCallId(5) + "\r\n");
    assertThat(answers.subList(200, 202)).containsOnlyNulls();
    assertThat(handler.inFlight()).isEqualTo(5);
    assertThat(counters.snapshot())
        .containsEntry("overload_rejected_requests", 195L)
        .containsEntry("overload_dropped_responses", 1L)
        .containsEntry("overload_dropped_acks", 1L)
        .containsEntry("overload_in_flight_full", 197L)
        .containsEntry("overload_source_queue_full", 0L)
        .containsEntry("overload_loop_queue_full", 0L)
        .containsEntry("in_flight", 5L)
        .containsEntry("in_flight_peak", 5L);

    gate.countDown();
    await().atMost(Duration.ofSeconds(5)).until(() -> handler.inFlight() == 0);
    // the 5 accepted ones were answered by their layer, in a transaction
    await().atMost(Duration.ofSeconds(5)).until(() -> sent.size() == 5);
    assertThat(sent).allSatisfy(s -> assertThat(s).startsWith("SIP/2.0 200 OK\r\n"));
    assertThat(counters.requestsIn.sum()).isEqualTo(201); // 200 OPTIONS + the ACK
    assertThat(counters.inFlightPeak.get()).isEqualTo(5);
    // room again
    assertThat(onHome(() -> handle(handler, options(busyCallId(300), "z9hG4bK-300"), ALICE)))
        .isNull();
  }

  @Test
  void theBytesInFlightAreBoundedToo() throws Exception {
    byte[] one = options(busyCallId(0), "z9hG4bK-0");
    // room for 3 messages of this size
    MessageHandler handler =
        handler(new OverloadLimits(1000, 3L * one.length + 10, 100, 100, 50_000, 5, MINUTE));
    blockBusyLoop();
    List<byte[]> answers =
        onHome(() -> {
          List<byte[]> a = new ArrayList<>();
          for (int i = 0; i < 10; i++) {
            a.add(handle(handler, options(busyCallId(i), "z9hG4bK-" + i), port(i)));
          }
          return a;
        });
    assertThat(answers.subList(0, 3)).containsOnlyNulls();
    assertThat(answers.subList(3, 10)).doesNotContainNull();
    assertThat(counters.overloadInFlightFull.sum()).isEqualTo(7);
    assertThat(handler.inFlight()).isEqualTo(3);
  }

  @Test
  void oneSourceHoldsAtMostItsQueue() throws Exception {
    MessageHandler handler = handler(new OverloadLimits(1000, 1 << 20, 3, 100, 50_000, 5, MINUTE));
    blockBusyLoop();
    List<byte[]> answers =
        onHome(() -> {
          List<byte[]> a = new ArrayList<>();
          for (int i = 0; i < 10; i++) {
            a.add(handle(handler, options(busyCallId(i), "z9hG4bK-" + i), ALICE));
          }
          a.add(handle(handler, ok200(busyCallId(0)), ALICE));
          // another source is not held up by ALICE's queue
          a.add(handle(handler, options(busyCallId(20), "z9hG4bK-20"), port(1)));
          return a;
        });
    assertThat(answers.subList(0, 3)).containsOnlyNulls();
    assertThat(answers.subList(3, 10))
        .allSatisfy(a -> assertThat(text(a)).startsWith("SIP/2.0 503 Service Unavailable\r\n"));
    assertThat(answers.subList(10, 12)).containsOnlyNulls();
    assertThat(onHome(() -> order.queued(ALICE))).isEqualTo(3);
    assertThat(counters.snapshot())
        .containsEntry("overload_source_queue_full", 8L)
        .containsEntry("overload_rejected_requests", 7L)
        .containsEntry("overload_dropped_responses", 1L)
        .containsEntry("in_flight", 4L);
    gate.countDown();
    await().atMost(Duration.ofSeconds(5)).until(() -> sent.size() == 4);
    assertThat(onHome(order::sourcesInFlight)).isZero();
  }

  @Test
  void theSourcesOfOneLoopShareTheLoopQueue() throws Exception {
    MessageHandler handler = handler(new OverloadLimits(1000, 1 << 20, 100, 4, 50_000, 5, MINUTE));
    blockBusyLoop();
    List<byte[]> answers =
        onHome(() -> {
          List<byte[]> a = new ArrayList<>();
          for (int i = 0; i < 3; i++) {
            a.add(handle(handler, options(busyCallId(i), "z9hG4bK-" + i), port(i)));
          }
          for (int i = 3; i < 6; i++) {
            InetSocketAddress peer = port(100);
            a.add(
                handler.handle(
                    parse(options(busyCallId(i), "z9hG4bK-" + i)),
                    Transport.TCP,
                    peer,
                    null,
                    tcpConnection));
          }
          return a;
        });
    assertThat(answers.subList(0, 4)).containsOnlyNulls();
    assertThat(answers.subList(4, 6)).doesNotContainNull();
    assertThat(counters.overloadLoopQueueFull.sum()).isEqualTo(2);
    assertThat(handler.inFlight()).isEqualTo(4);
  }

  @Test
  void overloadIsLoggedAtMostOncePerInterval() throws Exception {
    Logger log = (Logger) LoggerFactory.getLogger(MessageHandler.class);
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    log.addAppender(appender);
    try {
      MessageHandler handler =
          handler(new OverloadLimits(1, 1 << 20, 100, 100, 50_000, 5, Duration.ofSeconds(10)));
      blockBusyLoop();
      onHome(() -> {
        for (int i = 0; i < 1000; i++) {
          handle(handler, options(busyCallId(i), "z9hG4bK-" + i), port(i));
        }
      });
      assertThat(warnings(appender)).hasSize(1);
      assertThat(warnings(appender).get(0))
          .startsWith("overload: in-flight bound full, UDP OPTIONS from 127.0.0.1:")
          .contains("so far 1 requests answered 503, 0 responses and 0 ACKs dropped")
          .contains("1 messages");
      clock.addAndGet(Duration.ofSeconds(9).toNanos());
      onHome(() -> handle(handler, options(busyCallId(1001), "z9hG4bK-1001"), ALICE));
      assertThat(warnings(appender)).hasSize(1);
      clock.addAndGet(Duration.ofSeconds(1).toNanos());
      onHome(() -> handle(handler, options(busyCallId(1002), "z9hG4bK-1002"), ALICE));
      assertThat(warnings(appender)).hasSize(2);
      assertThat(warnings(appender).get(1)).contains("so far 1001 requests answered 503");
    } finally {
      log.detachAppender(appender);
    }
  }

  @Test
  void limitsAreCheckedWithClearMessages() {
    assertThatThrownBy(() -> new OverloadLimits(0, 1, 1, 1, 1, 5, MINUTE))
        .hasMessage("maxInFlight: must be >= 1, got 0");
    assertThatThrownBy(() -> new OverloadLimits(1, 1, 1, 1, 1, -1, MINUTE))
        .hasMessage("retryAfterSeconds: must be >= 0, got -1");
    assertThatThrownBy(() -> new OverloadLimits(1, 1, 1, 1, 1, 5, Duration.ofSeconds(-1)))
        .hasMessage("logInterval: must be >= 0, got PT-1S");
  }

  static final Duration MINUTE = Duration.ofMinutes(1);

  private static List<String> warnings(ListAppender<ILoggingEvent> appender) {
    return appender.list.stream()
        .filter(e -> e.getLevel() == Level.WARN)
        .map(ILoggingEvent::getFormattedMessage)
        .toList();
  }

  /** Two layers, one per loop; the TU answers at once ({@link UasCore}). */
  private MessageHandler handler(OverloadLimits limits) {
    List<TransactionLayer> layers = new ArrayList<>();
    List<EventExecutor> loops = List.of(home, busy);
    TransactionCounters txCounters = new TransactionCounters();
    for (EventExecutor loop : loops) {
      layers.add(
          new TransactionLayer(
              TransactionConfig.DEFAULT,
              new EventLoopScheduler(loop),
              (to, bytes, onFailure) -> sent.add(text(bytes)),
              new UasCore(counters),
              parser,
              txCounters));
    }
    return new MessageHandler(counters, layers, loops, limits, clock::get);
  }

  private void blockBusyLoop() {
    busy.execute(() -> {
      try {
        gate.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
  }

  private byte[] handle(MessageHandler handler, byte[] message, InetSocketAddress source) {
    return handler.handle(parse(message), Transport.UDP, source, null, order);
  }

  private org.trunkline.sip.SipMessage parse(byte[] b) {
    return parser.parseDatagram(b);
  }

  /** The i-th Call-ID that hashes to the busy loop (index 1 of 2). */
  static String busyCallId(int i) {
    int found = -1;
    for (int k = 0; ; k++) {
      String id = "c" + k + "@overload.test";
      if (Math.floorMod(id.hashCode(), 2) == 1 && ++found == i) {
        return id;
      }
    }
  }

  static InetSocketAddress port(int i) {
    return new InetSocketAddress("127.0.0.1", 20000 + i);
  }

  static String text(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  static byte[] options(String callId, String branch) {
    return request("OPTIONS", callId, branch);
  }

  static byte[] ack(String callId) {
    return request("ACK", callId, "z9hG4bK-ack");
  }

  private static byte[] request(String method, String callId, String branch) {
    return ("%s sip:bob@127.0.0.1:5060 SIP/2.0\r\n"
            + "Via: SIP/2.0/UDP 127.0.0.1:5070;branch=%s\r\n"
            + "Max-Forwards: 70\r\n"
            + "From: <sip:alice@example.com>;tag=a1\r\n"
            + "To: <sip:bob@example.com>\r\n"
            + "Call-ID: %s\r\n"
            + "CSeq: 1 %s\r\n"
            + "Content-Length: 0\r\n\r\n")
        .formatted(method, branch, callId, method)
        .getBytes(StandardCharsets.UTF_8);
  }

  static byte[] ok200(String callId) {
    return ("SIP/2.0 200 OK\r\n"
            + "Via: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK-out\r\n"
            + "From: <sip:bob@example.com>;tag=b1\r\n"
            + "To: <sip:alice@example.com>;tag=a2\r\n"
            + "Call-ID: %s\r\n"
            + "CSeq: 1 OPTIONS\r\n"
            + "Content-Length: 0\r\n\r\n")
        .formatted(callId)
        .getBytes(StandardCharsets.UTF_8);
  }

  private void onHome(Runnable r) throws Exception {
    home.submit(r).get(5, TimeUnit.SECONDS);
  }

  private <T> T onHome(Callable<T> c) throws Exception {
    return home.submit(c).get(5, TimeUnit.SECONDS);
  }
}
