package org.trunkline.stack;

import io.netty.util.concurrent.EventExecutor;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trunkline.sip.ParseError;
import org.trunkline.sip.SipMessage;
import org.trunkline.sip.SipMethod;
import org.trunkline.sip.SipValidator;
import org.trunkline.stack.transaction.Peer;
import org.trunkline.stack.transaction.Responses;
import org.trunkline.stack.transaction.TransactionLayer;

/**
 * Between the transports and the transaction layers. What cannot be a transaction is answered (or
 * dropped) statelessly here, as {@link BasicUas} says: malformed requests get 400/505/416/513,
 * malformed responses and ACKs are dropped. Everything that parses goes to the transaction layer
 * that owns its Call-ID ({@link CallLoops}: the loop that read a call's INVITE over UDP, else the
 * Call-ID's hash; ARCHITECTURE.md, Threads), on that layer's event loop; its answers go out through
 * the layer's {@link ServerSink}; an out-of-dialog OPTIONS or REGISTER over UDP instead stays on
 * the loop that read it (it holds no call state, see {@link #readingLayer}), and a response goes to
 * the layer whose mark its top Via branch carries ({@link BranchLoops}: the one that sent the
 * request, without a Call-ID lookup), else by its Call-ID. A stream (TCP/TLS connection) keeps
 * arrival order per connection ({@link InOrder}). UDP goes straight to the layer's loop: one
 * Call-ID always maps to the same FIFO loop, so its messages keep their order, and UDP never
 * promised order between Call-IDs (§18); this spares a hop back to the receiving loop per message
 * and keeps one busy source from serializing behind one queue.
 *
 * <p>A request inside a dialog is read on its call's loop already when the kernel steered it there
 * by the loop mark in its To tag ({@link ReuseportSteering}, {@link BranchLoops#tagPrefix}), so it
 * costs no hand-off; it is still routed here by its Call-ID's owner, not by that mark: the tag is
 * the peer's to write, and a forged mark must not run a call's state on another loop's thread (core
 * finds calls by Call-ID in a map shared by the loops). The owner lookup is one map read.
 *
 * <p>Overload ({@link OverloadLimits}): a message for a layer counts as in flight from here until
 * the layer has handled it. When the in-flight bound (count or bytes) or a queue of {@link InOrder}
 * is full, a request is answered 503 with Retry-After at once, without state, and a response or ACK
 * is dropped; both are counted ({@code overload_*} in {@link SipCounters}) and logged at most once
 * per {@link OverloadLimits#logInterval()}. A request refused here cannot be told from a
 * retransmission of an open transaction (that table lives on the layer's loop), so such a copy gets
 * the 503 too; the bounds are far above what a server that keeps up ever holds.
 *
 * <p>Thread-safe; called on event loops, never blocks.
 */
final class MessageHandler {
  private static final Logger LOG = LoggerFactory.getLogger(MessageHandler.class);

  private final BasicUas uas = new BasicUas();
  private final SipCounters counters;
  private final List<TransactionLayer> layers;
  private final List<EventExecutor> loops;
  private final OverloadLimits limits;
  private final LongSupplier nanoTime;
  private final CallLoops owners;
  private final BranchLoops branches;
  private final Map<EventExecutor, InOrder.LoopBudget> budgets = new ConcurrentHashMap<>();
  private final AtomicLong inFlightBytes = new AtomicLong();
  private final AtomicLong nextOverloadLog = new AtomicLong();
  private final String retryAfter;

  /** {@code layers.get(i)} runs on {@code loops.get(i)}; default overload limits. */
  MessageHandler(SipCounters counters, List<TransactionLayer> layers, List<EventExecutor> loops) {
    this(counters, layers, loops, OverloadLimits.DEFAULT, System::nanoTime);
  }

  /**
   * {@code layers.get(i)} runs on {@code loops.get(i)}; Call-IDs are owned as a fresh {@link
   * CallLoops} says (a 32 s linger).
   */
  MessageHandler(
      SipCounters counters,
      List<TransactionLayer> layers,
      List<EventExecutor> loops,
      OverloadLimits limits,
      LongSupplier nanoTime) {
    this(
        counters,
        layers,
        loops,
        limits,
        nanoTime,
        new CallLoops(loops, java.util.concurrent.TimeUnit.SECONDS.toNanos(32), nanoTime),
        null);
  }

  /**
   * {@code layers.get(i)} runs on {@code loops.get(i)}.
   *
   * @param nanoTime the clock of the overload log interval
   * @param owners which loop owns each Call-ID (over the same {@code loops})
   * @param branches how the layers mark their branches with their loop ({@link
   *     TransactionLayer#branchPrefix}), so a response goes to its transaction's loop by its top
   *     Via branch; null: by its Call-ID, as a request
   */
  MessageHandler(
      SipCounters counters,
      List<TransactionLayer> layers,
      List<EventExecutor> loops,
      OverloadLimits limits,
      LongSupplier nanoTime,
      CallLoops owners,
      BranchLoops branches) {
    if (layers.isEmpty() || layers.size() != loops.size()) {
      throw new IllegalArgumentException(
          layers.size() + " transaction layers for " + loops.size() + " event loops");
    }
    this.counters = counters;
    this.layers = List.copyOf(layers);
    this.loops = List.copyOf(loops);
    this.limits = limits;
    this.nanoTime = nanoTime;
    this.owners = owners;
    this.branches = branches;
    this.retryAfter = "Retry-After: " + limits.retryAfterSeconds();
    this.nextOverloadLog.set(nanoTime.getAsLong());
  }

  /** Messages accepted for a transaction layer and not yet handled by it (any thread). */
  int inFlight() {
    return counters.inFlight.get();
  }

  /**
   * Hands {@code m} to its transaction layer (through {@code order}, keyed by the source, or
   * straight to the layer's loop when {@code order} is null), or decides a stateless answer.
   *
   * @param listenPoint the name of the listen point {@code m} came in on (its source {@link Peer}
   *     names it, so answers leave from the same socket)
   * @return the stateless answer to send back to {@code source}, or {@code null} to send nothing
   *     here (dropped, or the layer answers)
   */
  byte[] handle(
      SipMessage m,
      Transport transport,
      InetSocketAddress source,
      String listenPoint,
      InOrder order) {
    ParseError error = m.isRequest() ? SipValidator.validate(m) : m.error();
    if (error == null) {
      return toLayer(m, transport, source, listenPoint, order);
    }
    countIn(m);
    return stateless(m, error, transport.name(), source);
  }

  private byte[] toLayer(
      SipMessage m,
      Transport transport,
      InetSocketAddress source,
      String listenPoint,
      InOrder order) {
    if (order != null && !order.isBounded()) {
      order.bound(
          limits.maxQueuedPerSource(),
          budgets.computeIfAbsent(
              order.home(), h -> new InOrder.LoopBudget(limits.maxQueuedPerLoop())));
    }
    int i = order == null ? readingLayer(m) : -1;
    if (i < 0 && branches != null && !m.isRequest()) {
      // §17.1.3 matches a response by its top Via branch alone: it names the layer that sent it
      i = branches.loopOf(m.topViaBranch());
    }
    if (i < 0) {
      i = owners.ownerOf(m.callId());
    }
    TransactionLayer layer = layers.get(i);
    int bytes = m.length();
    int n = counters.inFlight.incrementAndGet();
    long b = inFlightBytes.addAndGet(bytes);
    if (n > limits.maxInFlight() || b > limits.maxInFlightBytes()) {
      release(bytes);
      counters.overloadInFlightFull.increment();
      return refuse(m, transport, source, "in-flight bound");
    }
    counters.inFlightPeak.accumulate(n);
    Peer peer = new Peer(transport, source, listenPoint);
    if (order == null) {
      // the in-flight bound above bounds what waits in the loop's queue
      EventExecutor loop = loops.get(i);
      if (loop.inEventLoop()) {
        deliver(layer, m, peer, bytes); // no task object for the usual case (issue 6)
      } else {
        counters.udpHandoffs.increment();
        loop.execute(() -> deliver(layer, m, peer, bytes));
      }
      return null;
    }
    Runnable step = () -> deliver(layer, m, peer, bytes);
    InOrder.Offer o = order.offer(source, loops.get(i), step);
    return switch (o) {
      case ACCEPTED -> null;
      case SOURCE_FULL -> {
        release(bytes);
        counters.overloadSourceQueueFull.increment();
        yield refuse(m, transport, source, "source queue");
      }
      case LOOP_FULL -> {
        release(bytes);
        counters.overloadLoopQueueFull.increment();
        yield refuse(m, transport, source, "event loop queue");
      }
    };
  }

  /** {@code m} to {@code layer}, on its loop; then no longer in flight, and counted. */
  private void deliver(TransactionLayer layer, SipMessage m, Peer peer, int bytes) {
    try {
      layer.receive(m, peer);
    } catch (RuntimeException e) {
      LOG.error(
          "internal error in the transaction layer on {}-byte {} message from {}: {}",
          m.length(),
          peer.transport(),
          format(peer.address()),
          m,
          e);
    } finally {
      release(bytes);
    }
    // counted once handled, so that "in" never runs ahead of "answered or dropped"
    countIn(m);
  }

  /**
   * The layer of the loop that read {@code m} when {@code m} is an out-of-dialog OPTIONS or
   * REGISTER over UDP; for a dialog-creating INVITE over UDP the loop that owns its call (the
   * reading one, unless its Call-ID is owned already, {@link CallLoops#claim}); else -1 (the owner
   * of its Call-ID decides).
   *
   * <p>An OPTIONS or REGISTER holds no call state (ARCHITECTURE.md, Threads: only a call's state is
   * confined to its loop; the registrar and ingress are thread-safe), and its retransmissions come
   * from the same source to the same socket, which the same loop reads, so they still meet its
   * transaction; serving it where it was read spares a hand-off to another loop and the wake-up
   * that costs (bench/RESULTS.md, branch {@code cpu}). A call kept where its INVITE was read spares
   * the same hand-off for every later message from its caller (bench/RESULTS.md, branch {@code
   * hand}).
   */
  private int readingLayer(SipMessage m) {
    if (layers.size() == 1) {
      return 0;
    }
    if (!m.isRequest() || m.toTag() != null) {
      return -1;
    }
    SipMethod method = m.method();
    boolean invite = method.equals(SipMethod.INVITE);
    if (!invite && !method.equals(SipMethod.OPTIONS) && !method.equals(SipMethod.REGISTER)) {
      return -1;
    }
    int reading = owners.current();
    if (reading < 0 || !invite) {
      return reading;
    }
    return owners.claim(m.callId(), reading);
  }

  private void release(int bytes) {
    counters.inFlight.decrementAndGet();
    inFlightBytes.addAndGet(-bytes);
  }

  /** Over a bound: 503 + Retry-After for a request (not an ACK), nothing for the rest. */
  private byte[] refuse(SipMessage m, Transport transport, InetSocketAddress source, String full) {
    countIn(m);
    byte[] answer = null;
    if (m.isRequest() && !SipMethod.ACK.equals(m.method())) {
      counters.overloadRejectedRequests.increment();
      counters.responsesOut.increment();
      answer = Responses.build(m, 503, "Service Unavailable", source, retryAfter);
    } else if (m.isRequest()) {
      counters.overloadDroppedAcks.increment();
    } else {
      counters.overloadDroppedResponses.increment();
    }
    logOverload(m, transport, source, full);
    return answer;
  }

  /** At most once per interval, whatever the message rate. */
  private void logOverload(
      SipMessage m, Transport transport, InetSocketAddress source, String full) {
    long now = nanoTime.getAsLong();
    long next = nextOverloadLog.get();
    if (now - next < 0
        || !nextOverloadLog.compareAndSet(next, now + limits.logInterval().toNanos())) {
      return;
    }
    LOG.warn(
        "overload: {} full, {} {} from {} refused; so far {} requests answered 503, {}"
            + " responses and {} ACKs dropped; {} messages ({} bytes) in flight (bounds {}, {}),"
            + " next report in {} s at the earliest",
        full,
        transport,
        m.isRequest() ? m.method() : "response",
        format(source),
        counters.overloadRejectedRequests.sum(),
        counters.overloadDroppedResponses.sum(),
        counters.overloadDroppedAcks.sum(),
        counters.inFlight.get(),
        inFlightBytes.get(),
        limits.maxInFlight(),
        limits.maxInFlightBytes(),
        limits.logInterval().toSeconds());
  }

  private void countIn(SipMessage m) {
    if (m.isRequest()) {
      counters.requestsIn.increment();
    } else {
      counters.responsesIn.increment();
    }
  }

  private byte[] stateless(
      SipMessage m, ParseError error, String transport, InetSocketAddress source) {
    Answer a;
    try {
      a = uas.answer(m, error);
    } catch (RuntimeException e) {
      // A bug must not cost the server: answer 500 and say where (§21.5.1).
      LOG.error(
          "internal error answering {}-byte {} message from {}: {}",
          m.length(),
          transport,
          format(source),
          m,
          e);
      a = Answer.of(500, "Server Internal Error");
    }
    if (a.isDrop()) {
      count(m, a);
      LOG.debug(
          "dropped {}-byte {} packet from {}: {}",
          m.length(),
          transport,
          format(source),
          a.dropReason());
      return null;
    }
    if (a.cause() != null) {
      counters.malformedRequests.increment();
      LOG.debug(
          "answered {} {} to {}-byte {} request from {}: {}",
          a.status(),
          a.reason(),
          m.length(),
          transport,
          format(source),
          a.cause());
    }
    counters.responsesOut.increment();
    return Responses.build(m, a.status(), a.reason(), source, a.headers().toArray(String[]::new));
  }

  /** A 513 for a message too large to read whole (§21.5.14); nothing if it cannot be answered. */
  byte[] tooLarge(SipMessage m, String transport, InetSocketAddress source) {
    counters.malformedRequests.increment();
    LOG.debug("message too large from {} over {}: {}", format(source), transport, m);
    if (!m.isRequest() || m.viaCount() == 0 || m.method() == org.trunkline.sip.SipMethod.ACK) {
      return null;
    }
    counters.responsesOut.increment();
    return Responses.build(m, 513, "Message Too Large", source);
  }

  private void count(SipMessage m, Answer a) {
    if (!m.isRequest()) {
      if (m.isOk()) {
        counters.droppedStrayResponses.increment();
      } else {
        counters.droppedMalformedResponses.increment();
      }
    } else if (m.viaCount() == 0) {
      counters.droppedGarbage.increment();
    } else {
      counters.droppedAcks.increment();
    }
  }

  static String format(InetSocketAddress a) {
    if (a == null) {
      return "?";
    }
    String ip = a.getAddress() == null ? a.getHostString() : a.getAddress().getHostAddress();
    return (ip.indexOf(':') >= 0 ? "[" + ip + "]" : ip) + ":" + a.getPort();
  }
}
