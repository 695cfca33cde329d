package org.trunkline.stack;

import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trunkline.sip.SipMessage;
import org.trunkline.stack.transaction.Responses;

/**
 * Between the transports and the answering logic: counts, asks {@link BasicUas} what to say, logs
 * drops with the object and the reason, and builds the response bytes. Thread-safe; called on event
 * loops, never blocks.
 */
final class MessageHandler {
  private static final Logger LOG = LoggerFactory.getLogger(MessageHandler.class);

  private final BasicUas uas = new BasicUas();
  private final SipCounters counters;

  MessageHandler(SipCounters counters) {
    this.counters = counters;
  }

  /** The bytes to send back to {@code source}, or {@code null} to send nothing. */
  byte[] handle(SipMessage m, String transport, InetSocketAddress source) {
    if (m.isRequest()) {
      counters.requestsIn.increment();
    } else {
      counters.responsesIn.increment();
    }
    Answer a;
    try {
      a = uas.answer(m);
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
