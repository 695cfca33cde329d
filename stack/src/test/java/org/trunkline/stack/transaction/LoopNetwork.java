package org.trunkline.stack.transaction;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.trunkline.sip.SipParser;
import org.trunkline.stack.Transport;

/**
 * An in-memory network on virtual time: each send is recorded, then delivered to the layer bound at
 * the destination after {@link #latency}, parsed from a copy of the bytes as a datagram would be.
 * Nothing bound there: the packet vanishes (UDP black hole). Can drop packets with a seeded random.
 */
final class LoopNetwork {
  record Sent(Duration at, InetSocketAddress from, InetSocketAddress to, byte[] bytes) {
    String firstLine() {
      String s = new String(bytes, StandardCharsets.UTF_8);
      return s.substring(0, s.indexOf('\r'));
    }

    double seconds() {
      return at.toNanos() / 1e9;
    }
  }

  final VirtualScheduler scheduler = new VirtualScheduler();
  final Transport transport;
  final List<Sent> sent = new ArrayList<>();
  private final Map<InetSocketAddress, TransactionLayer> bound = new HashMap<>();
  private final SipParser parser = new SipParser();
  private Duration latency = Duration.ZERO;
  private Random loss;
  private int lossOneIn;
  int dropped;

  LoopNetwork(Transport transport) {
    this.transport = transport;
  }

  static InetSocketAddress address(int lastByte, int port) {
    try {
      return new InetSocketAddress(
          InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) lastByte}), port);
    } catch (java.net.UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  /**
   * Drops each packet with probability 1/{@code oneIn}, decided by a random seeded with {@code
   * seed}.
   */
  LoopNetwork lossy(int oneIn, long seed) {
    this.loss = new Random(seed);
    this.lossOneIn = oneIn;
    return this;
  }

  LoopNetwork latency(Duration d) {
    this.latency = d;
    return this;
  }

  Peer peer(InetSocketAddress a) {
    return new Peer(transport, a);
  }

  /** A layer bound at {@code local} with {@code tu} above it. */
  TransactionLayer bind(InetSocketAddress local, TransactionConfig config, TransactionUser tu) {
    TransactionLayer layer = new TransactionLayer(config, scheduler, sink(local), tu);
    bound.put(local, layer);
    return layer;
  }

  /** A sink that sends from {@code local} (also for raw injection without a layer there). */
  MessageSink sink(InetSocketAddress local) {
    return (to, message, onFailure) -> {
      sent.add(new Sent(scheduler.elapsed(), local, to.address(), message));
      if (loss != null && loss.nextInt(lossOneIn) == 0) {
        dropped++;
        return;
      }
      scheduler.schedule(() -> deliver(local, to.address(), message), latency.toNanos());
    };
  }

  /** Delivers {@code bytes} to the layer at {@code to} as if sent from {@code from}, now. */
  void inject(InetSocketAddress from, InetSocketAddress to, String message) {
    byte[] b = message.getBytes(StandardCharsets.UTF_8);
    sent.add(new Sent(scheduler.elapsed(), from, to, b));
    deliver(from, to, b);
  }

  private void deliver(InetSocketAddress from, InetSocketAddress to, byte[] bytes) {
    TransactionLayer layer = bound.get(to);
    if (layer != null) {
      layer.receive(parser.parseDatagram(bytes.clone()), new Peer(transport, from));
    }
  }

  /** What was sent from {@code from} whose first line starts with {@code prefix}. */
  List<Sent> sentFrom(InetSocketAddress from, String prefix) {
    return sent.stream()
        .filter(s -> s.from().equals(from) && s.firstLine().startsWith(prefix))
        .toList();
  }

  /** The send times, in seconds, of {@link #sentFrom}. */
  List<Double> timesFrom(InetSocketAddress from, String prefix) {
    return sentFrom(from, prefix).stream().map(Sent::seconds).toList();
  }

  void advance(Duration d) {
    scheduler.advance(d);
  }

  void advanceSeconds(double s) {
    scheduler.advance(Duration.ofNanos((long) (s * 1e9)));
  }
}
