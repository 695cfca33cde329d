package org.trunkline.stack;

import io.netty.util.concurrent.EventExecutor;
import java.net.InetSocketAddress;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trunkline.sip.ParseError;
import org.trunkline.sip.SipMessage;
import org.trunkline.sip.SipValidator;
import org.trunkline.stack.transaction.Peer;
import org.trunkline.stack.transaction.Responses;
import org.trunkline.stack.transaction.TransactionLayer;

/**
 * Between the transports and the transaction layers. What cannot be a transaction is answered (or
 * dropped) statelessly here, as {@link BasicUas} says: malformed requests get 400/505/416/513,
 * malformed responses and ACKs are dropped. Everything that parses goes to the transaction layer
 * its Call-ID hashes to (ARCHITECTURE.md, Threads), on that layer's event loop, in arrival order
 * per source ({@link InOrder}); its answers go out through the layer's {@link ServerSink}.
 * Thread-safe; called on event loops, never blocks.
 */
final class MessageHandler {
  private static final Logger LOG = LoggerFactory.getLogger(MessageHandler.class);

  private final BasicUas uas = new BasicUas();
  private final SipCounters counters;
  private final List<TransactionLayer> layers;
  private final List<EventExecutor> loops;

  /** {@code layers.get(i)} runs on {@code loops.get(i)}. */
  MessageHandler(SipCounters counters, List<TransactionLayer> layers, List<EventExecutor> loops) {
    if (layers.isEmpty() || layers.size() != loops.size()) {
      throw new IllegalArgumentException(
          layers.size() + " transaction layers for " + loops.size() + " event loops");
    }
    this.counters = counters;
    this.layers = List.copyOf(layers);
    this.loops = List.copyOf(loops);
  }

  /**
   * Hands {@code m} to its transaction layer (through {@code order}, keyed by the source), or
   * decides a stateless answer.
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
      String callId = m.callId();
      int i = Math.floorMod(callId == null ? 0 : callId.hashCode(), layers.size());
      TransactionLayer layer = layers.get(i);
      Peer peer = new Peer(transport, source, listenPoint);
      order.run(
          source,
          loops.get(i),
          () -> {
            try {
              layer.receive(m, peer);
            } catch (RuntimeException e) {
              LOG.error(
                  "internal error in the transaction layer on {}-byte {} message from {}: {}",
                  m.length(),
                  transport,
                  format(source),
                  m,
                  e);
            }
            // counted once handled, so that "in" never runs ahead of "answered or dropped"
            countIn(m);
          });
      return null;
    }
    countIn(m);
    return stateless(m, error, transport.name(), source);
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
