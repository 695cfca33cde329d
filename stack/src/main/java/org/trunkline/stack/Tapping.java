package org.trunkline.stack;

import io.netty.channel.Channel;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Calls the {@link TraceTap} for the transports, so that a failing tap costs nothing else. */
final class Tapping {
  private static final Logger LOG = LoggerFactory.getLogger(Tapping.class);

  private final TraceTap tap;
  private final SipCounters counters;

  Tapping(TraceTap tap, SipCounters counters) {
    this.tap = tap;
    this.counters = counters;
  }

  void tap(
      TraceTap.Direction dir,
      Transport transport,
      Channel ch,
      InetSocketAddress remote,
      byte[] buf,
      int off,
      int len) {
    if (tap == TraceTap.NONE) {
      return;
    }
    try {
      tap.onMessage(
          dir, transport, local(ch.localAddress()), remote, buf, off, len, TraceTap.nowMicros());
    } catch (RuntimeException e) {
      counters.traceErrors.increment();
      LOG.warn(
          "trace tap failed on a {}-byte {} {} message: {}", len, transport, dir, e.toString());
    }
  }

  private static InetSocketAddress local(SocketAddress a) {
    return a instanceof InetSocketAddress i ? i : null;
  }
}
