package org.trunkline.stack;

import java.net.InetSocketAddress;
import java.util.List;

/**
 * The SIP listening side of the server: binds every listen point and answers what arrives.
 *
 * <p>Lifecycle: construct, {@link #start()} once (binds all sockets or fails and releases what it
 * bound), {@link #close()} once. Thread-safe for those calls.
 */
public final class SipServer implements AutoCloseable {
  private final List<ListenPoint> listenPoints;

  public SipServer(List<ListenPoint> listenPoints) {
    this.listenPoints = List.copyOf(listenPoints);
  }

  /**
   * Binds every listen point.
   *
   * @return the bound addresses, in the order of the listen points (ports resolved if 0 was asked)
   * @throws java.io.IOException if a socket cannot be bound; nothing stays bound then
   */
  public List<InetSocketAddress> start() throws java.io.IOException {
    throw new UnsupportedOperationException("not yet wired: " + listenPoints);
  }

  @Override
  public void close() {}
}
