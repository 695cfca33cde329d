package org.trunkline.server.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.trunkline.stack.TraceTap;
import org.trunkline.stack.Transport;

/** One producer's ring: records come out as they went in, across the wrap; full means refused. */
class TraceRingTest {
  private static final InetSocketAddress US = new InetSocketAddress("127.0.0.1", 5060);
  private static final InetSocketAddress PEER = new InetSocketAddress("127.0.0.20", 65000);

  /** What a drained record said. */
  private record Seen(
      byte kind,
      boolean in,
      int transport,
      long micros,
      InetSocketAddress local,
      InetSocketAddress remote,
      byte[] payload) {}

  private static List<Seen> drain(TraceRing r) {
    List<Seen> seen = new ArrayList<>();
    r.drain((b, at) -> {
      byte kind = TraceRing.kind(b, at);
      int len =
          kind == TraceRecord.LINK
              ? TraceRing.linkCallIdLength(b, at) + TraceRing.linkIdLength(b, at)
              : TraceRing.messageLength(b, at);
      int p = TraceRing.payload(at);
      seen.add(
          new Seen(
              kind,
              TraceRing.in(b, at),
              TraceRing.transport(b, at),
              TraceRing.epochMicros(b, at),
              address(
                  b,
                  TraceRing.localIp(at),
                  TraceRing.localIpLength(b, at),
                  TraceRing.localPort(b, at)),
              address(
                  b,
                  TraceRing.remoteIp(at),
                  TraceRing.remoteIpLength(b, at),
                  TraceRing.remotePort(b, at)),
              Arrays.copyOfRange(b, p, p + len)));
    });
    return seen;
  }

  private static InetSocketAddress address(byte[] b, int at, int len, int port) {
    if (len == 0) {
      return null;
    }
    try {
      return new InetSocketAddress(
          InetAddress.getByAddress(Arrays.copyOfRange(b, at, at + len)), port);
    } catch (java.net.UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void recordsComeOutInOrderAndWholeAcrossManyWraps() throws Exception {
    TraceRing r = new TraceRing(Thread.currentThread(), 64 * 1024, 1_000_000);
    InetSocketAddress v6 = new InetSocketAddress(InetAddress.getByName("2001:db8::7"), 5061);
    Random random = new Random(7);
    long next = 0;
    long expected = 0;
    List<byte[]> sent = new ArrayList<>();
    for (int round = 0; round < 200; round++) {
      int n = 1 + random.nextInt(40);
      for (int i = 0; i < n; i++) {
        byte[] m = new byte[random.nextInt(1500)];
        random.nextBytes(m);
        boolean in = next % 2 == 0;
        assertThat(
                r.message(
                    in ? TraceTap.Direction.IN : TraceTap.Direction.OUT,
                    in ? Transport.UDP : Transport.TCP,
                    US,
                    next % 3 == 0 ? v6 : PEER,
                    withPrefix(m, next),
                    0,
                    m.length + 8,
                    next))
            .as("room for message %d", next)
            .isTrue();
        sent.add(m);
        next++;
      }
      for (Seen s : drain(r)) {
        assertThat(s.kind()).isEqualTo(TraceRecord.MESSAGE);
        assertThat(s.micros()).isEqualTo(expected);
        assertThat(s.in()).isEqualTo(expected % 2 == 0);
        assertThat(s.transport())
            .isEqualTo((expected % 2 == 0 ? Transport.UDP : Transport.TCP).ordinal());
        assertThat(s.local()).isEqualTo(US);
        assertThat(s.remote()).isEqualTo(expected % 3 == 0 ? v6 : PEER);
        assertThat(s.payload()).isEqualTo(withPrefix(sent.get((int) expected), expected));
        expected++;
      }
      assertThat(expected).isEqualTo(next);
      assertThat(r.queued()).isZero();
      assertThat(r.empty()).isTrue();
    }
    assertThat(r.captured()).isEqualTo(next);
  }

  private static byte[] withPrefix(byte[] m, long n) {
    byte[] b = new byte[m.length + 8];
    java.nio.ByteBuffer.wrap(b).putLong(n).put(m);
    return b;
  }

  @Test
  void aFullRingRefusesWhatDoesNotFitAndKeepsWhatItHolds() {
    TraceRing r = new TraceRing(Thread.currentThread(), 4096, 1_000);
    byte[] m = new byte[1000];
    Arrays.fill(m, (byte) 'x');
    int kept = 0;
    for (int i = 0; i < 10; i++) {
      m[0] = (byte) i;
      if (r.message(TraceTap.Direction.IN, Transport.UDP, US, PEER, m, 0, m.length, i)) {
        kept++;
      }
    }
    // 1064 bytes each (64-byte header, 8-aligned): three fit in 4096
    assertThat(kept).isEqualTo(3);
    assertThat(r.captured()).isEqualTo(10);
    assertThat(r.queued()).isEqualTo(3);
    List<Seen> seen = drain(r);
    assertThat(seen).extracting(s -> (int) s.payload()[0]).containsExactly(0, 1, 2);
    assertThat(seen).allSatisfy(s -> assertThat(s.payload()).hasSize(1000));
    m[0] = 42;
    assertThat(r.message(TraceTap.Direction.IN, Transport.UDP, US, PEER, m, 0, m.length, 42))
        .as("drained: room again")
        .isTrue();
    assertThat(drain(r))
        .singleElement()
        .satisfies(s -> assertThat(s.payload()[0]).isEqualTo((byte) 42));
  }

  @Test
  void aRingHoldsAtMostItsRecordCountAndNothingBiggerThanItself() {
    TraceRing r = new TraceRing(Thread.currentThread(), 64 * 1024, 4);
    for (int i = 0; i < 6; i++) {
      boolean kept = r.link("c" + i + "@x", "call" + i, i);
      assertThat(kept).as("link %d", i).isEqualTo(i < 4);
    }
    assertThat(drain(r)).hasSize(4);
    byte[] huge = new byte[64 * 1024];
    assertThat(
            r.message(TraceTap.Direction.OUT, Transport.TLS, null, null, huge, 0, huge.length, 1))
        .isFalse();
    assertThat(r.message(TraceTap.Direction.OUT, Transport.TLS, null, null, huge, 0, 100, 1))
        .isTrue();
    assertThat(drain(r))
        .singleElement()
        .satisfies(s -> {
          assertThat(s.local()).isNull();
          assertThat(s.remote()).isNull();
          assertThat(s.payload()).hasSize(100);
        });
  }

  @Test
  void linksKeepTheirTextAsUtf8CutAtTheLimit() {
    TraceRing r = new TraceRing(Thread.currentThread(), 64 * 1024, 100);
    String longId = "x".repeat(300);
    assertThat(r.link("ä@x", "trunk:acme", 5)).isTrue();
    assertThat(r.link(longId, "call7", 6)).isTrue();
    List<byte[]> payloads = new ArrayList<>();
    List<int[]> lengths = new ArrayList<>();
    r.drain((b, at) -> {
      int cl = TraceRing.linkCallIdLength(b, at);
      int dl = TraceRing.linkIdLength(b, at);
      lengths.add(new int[] {cl, dl});
      payloads.add(Arrays.copyOfRange(b, TraceRing.payload(at), TraceRing.payload(at) + cl + dl));
    });
    assertThat(new String(payloads.get(0), 0, lengths.get(0)[0], StandardCharsets.UTF_8))
        .isEqualTo("ä@x");
    assertThat(
            new String(
                payloads.get(0), lengths.get(0)[0], lengths.get(0)[1], StandardCharsets.UTF_8))
        .isEqualTo("trunk:acme");
    assertThat(lengths.get(1)[0]).isEqualTo(TraceRecord.MAX_CALL_ID);
  }

  @Test
  void aRingSaysOnceWhenItFillsPastAQuarterOfItsRecordsOrBytes() {
    TraceRing byRecords = new TraceRing(Thread.currentThread(), 64 * 1024, 8);
    List<Boolean> kicks = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      assertThat(byRecords.link("c" + i + "@x", "t", i)).isTrue();
      kicks.add(byRecords.kick());
    }
    // the second of 8 records fills a quarter; the writer is told once, not on every later one
    assertThat(kicks).containsExactly(false, true, false, false, false, false, false, false);
    drain(byRecords);
    assertThat(byRecords.link("again@x", "t", 9)).isTrue();
    assertThat(byRecords.kick()).isFalse();
    assertThat(byRecords.link("again2@x", "t", 9)).isTrue();
    assertThat(byRecords.kick()).as("drained, then a quarter again").isTrue();

    TraceRing byBytes = new TraceRing(Thread.currentThread(), 64 * 1024, 1_000_000);
    byte[] m = new byte[4096 - TraceRing.HEADER]; // 4 KiB records: 4 fill a quarter of 64 KiB
    kicks.clear();
    for (int i = 0; i < 6; i++) {
      assertThat(byBytes.message(TraceTap.Direction.IN, Transport.UDP, US, PEER, m, 0, m.length, i))
          .isTrue();
      kicks.add(byBytes.kick());
    }
    assertThat(kicks).containsExactly(false, false, false, true, false, false);
  }

  @Test
  void itsSizeIsAPowerOfTwoOfAtLeast256BytesAMessage() {
    assertThat(TraceRing.bytesFor(65_536)).isEqualTo(16 << 20);
    assertThat(TraceRing.bytesFor(4)).isEqualTo(64 * 1024);
    assertThat(TraceRing.bytesFor(1_000)).isEqualTo(256 * 1024);
    assertThat(TraceRing.bytesFor(16_777_216)).isEqualTo(1 << 30);
    assertThatThrownBy(() -> new TraceRing(null, 3000, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("3000");
  }
}
