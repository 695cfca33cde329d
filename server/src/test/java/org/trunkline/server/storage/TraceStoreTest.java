package org.trunkline.server.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trunkline.core.trace.TracedMessage;
import org.trunkline.server.config.TracesConfig;
import org.trunkline.stack.TraceTap;
import org.trunkline.stack.Transport;

/**
 * The segment store in a temp directory: Call-IDs found cheaply, late links, a restart that
 * re-indexes the segments (a torn last record cut off), retention by age and size.
 */
class TraceStoreTest {
  @TempDir Path dir;

  private static final InetSocketAddress US = new InetSocketAddress("127.0.0.1", 5060);
  private static final InetSocketAddress PEER = new InetSocketAddress("127.0.0.20", 5062);
  private static final Instant NOW = Instant.parse("2026-11-27T12:00:00Z");

  private final AtomicReference<Instant> now = new AtomicReference<>(NOW);
  private final Clock clock =
      new Clock() {
        @Override
        public ZoneId getZone() {
          return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
          return this;
        }

        @Override
        public Instant instant() {
          return now.get();
        }
      };
  private final List<TraceStore> open = new ArrayList<>();

  @AfterEach
  void close() {
    open.forEach(TraceStore::close);
  }

  private TraceStore store(long maxBytes, Duration maxAge) throws IOException {
    TraceStore s =
        TraceStore.open(
            new TracesConfig(true, maxBytes, maxAge, 10_000, dir.resolve("traces")), clock, null);
    open.add(s);
    return s;
  }

  private static byte[] invite(String callId, int bodyBytes) {
    return ("INVITE sip:+74951234567@127.0.0.1 SIP/2.0\r\n"
            + "Via: SIP/2.0/UDP 127.0.0.20:5062;branch=z9hG4bK1\r\n"
            + "i: "
            + callId
            + "\r\n"
            + "CSeq: 1 INVITE\r\n"
            + "Content-Length: "
            + bodyBytes
            + "\r\n\r\n"
            + "x".repeat(bodyBytes))
        .getBytes(StandardCharsets.US_ASCII);
  }

  private static long micros(Instant t) {
    return t.getEpochSecond() * 1_000_000L + t.getNano() / 1_000;
  }

  private static void tap(TraceStore s, byte[] message, Instant at) {
    s.onMessage(
        TraceTap.Direction.IN, Transport.UDP, US, PEER, message, 0, message.length, micros(at));
  }

  private static void awaitWritten(TraceStore s, long n) {
    await().atMost(Duration.ofSeconds(10)).until(() -> s.counters().get("written") >= n);
  }

  @Test
  void findsTheCallIdInEveryFormWithoutParsing() {
    assertThat(callId("OPTIONS sip:a SIP/2.0\r\nCall-ID: abc@host\r\n\r\n")).isEqualTo("abc@host");
    assertThat(callId("SIP/2.0 200 OK\r\nVia: x\r\ncall-id \t:  x1  \r\n\r\n")).isEqualTo("x1");
    assertThat(callId("BYE sip:i@x SIP/2.0\nIf-Match: 1\ni:short\n\n")).isEqualTo("short");
    assertThat(callId("INFO sip:a SIP/2.0\r\nVia: x\r\n\r\nCall-ID: in-the-body\r\n")).isEmpty();
    assertThat(callId("garbage")).isEmpty();
    byte[] framed = "xxINVITE s SIP/2.0\r\ni: mid\r\n\r\nyy".getBytes(StandardCharsets.US_ASCII);
    assertThat(TraceRecord.callIdText(framed, 2, framed.length - 4)).isEqualTo("mid");
  }

  @Test
  void findsTheCallIdWhereverItsLinesFallInEightByteWords() {
    // the scan looks for LFs eight bytes a step: every alignment of every line end, and LFs in
    // the last bytes of the message, must give what a byte-by-byte scan gives
    for (int pad = 0; pad < 24; pad++) {
      for (int start = 0; start < 9; start++) {
        String head = "x".repeat(start) + "OPTIONS sip:a SIP/2.0\r\n";
        String m =
            head + "Via: " + "v".repeat(pad) + "\r\nTo: <sip:b>\nCall-ID: c" + pad + "\r\n\r\n";
        byte[] b = m.getBytes(StandardCharsets.US_ASCII);
        assertThat(TraceRecord.callIdText(b, start, b.length - start))
            .as("pad %d start %d", pad, start)
            .isEqualTo("c" + pad);
        String cut = head + "Via: " + "v".repeat(pad) + "\ni:" + "k".repeat(pad % 5);
        byte[] c = cut.getBytes(StandardCharsets.US_ASCII);
        assertThat(TraceRecord.callIdText(c, start, c.length - start))
            .as("cut %d start %d", pad, start)
            .isEqualTo("k".repeat(pad % 5));
      }
    }
    byte[] lfs = "\n".repeat(20).getBytes(StandardCharsets.US_ASCII);
    for (int from = 0; from < 20; from++) {
      assertThat(TraceRecord.lf(lfs, from, 20)).isEqualTo(from);
    }
    byte[] none = "abcdefghijklmnopq\n".getBytes(StandardCharsets.US_ASCII);
    assertThat(TraceRecord.lf(none, 0, 17)).as("an LF past the end is not seen").isEqualTo(17);
    assertThat(TraceRecord.lf(none, 3, 18)).isEqualTo(17);
    // bytes with the high bit set (UTF-8) next to an LF
    byte[] high = {(byte) 0xc3, (byte) 0xa9, 0x0b, 0x09, (byte) 0xff, 0x0a, 0x41, 0x0a, 0x0a};
    assertThat(TraceRecord.lf(high, 0, high.length)).isEqualTo(5);
    assertThat(TraceRecord.lf(high, 6, high.length)).isEqualTo(7);
  }

  private static String callId(String message) {
    byte[] b = message.getBytes(StandardCharsets.US_ASCII);
    return TraceRecord.callIdText(b, 0, b.length);
  }

  @Test
  void anIdleWriterNapsLongAndTheNextCaptureIsStillWritten() throws Exception {
    TraceStore s = store(TracesConfig.DEFAULT_MAX_BYTES, Duration.ofDays(7));
    // nothing captured: the writer's looks find nothing and it sleeps the idle nap
    await().atMost(Duration.ofSeconds(10)).until(() -> s.idleNaps() >= 2);
    tap(s, invite("after-idle@pbx", 0), NOW);
    awaitWritten(s, 1);
    assertThat(s.find("after-idle@pbx")).isPresent();
    long naps = s.idleNaps();
    await().atMost(Duration.ofSeconds(10)).until(() -> s.idleNaps() > naps);
    tap(s, invite("second@pbx", 0), NOW.plusSeconds(1));
    awaitWritten(s, 2);
    assertThat(s.find("second@pbx")).isPresent();
  }

  @Test
  void aLinkThatArrivesAfterItsMessagesStillTiesThemToTheTrace() throws Exception {
    TraceStore s = store(TracesConfig.DEFAULT_MAX_BYTES, Duration.ofDays(7));
    tap(s, invite("a-leg@pbx", 0), NOW);
    tap(s, invite("b-leg@trunkline", 0), NOW.plusMillis(1));
    awaitWritten(s, 2);
    assertThat(s.find("a-leg@pbx").orElseThrow().id()).as("not linked yet").isEqualTo("a-leg@pbx");

    s.link("a-leg@pbx", "call1");
    s.link("b-leg@trunkline", "call1");
    awaitWritten(s, 4);

    Trace t = s.find("call1").orElseThrow();
    assertThat(t.callIds()).containsExactly("a-leg@pbx", "b-leg@trunkline");
    assertThat(t.messages()).extracting(TracedMessage::remote).containsOnly(PEER);
    assertThat(t.messages()).extracting(TracedMessage::local).containsOnly(US);
    assertThat(t.messages().getFirst().epochMicros()).isEqualTo(micros(NOW));
    assertThat(s.find("b-leg@trunkline").orElseThrow().id()).isEqualTo("call1");
    assertThat(s.find("unknown@x")).isEmpty();
  }

  @Test
  void retentionDeletesWhatIsOlderThanMaxAge() throws Exception {
    TraceStore s = store(TracesConfig.DEFAULT_MAX_BYTES, Duration.ofHours(1));
    tap(s, invite("old@x", 0), NOW.minus(Duration.ofHours(2)));
    now.set(NOW.minus(Duration.ofHours(2)));
    s.link("old@x", "old-call");
    awaitWritten(s, 2);
    now.set(NOW);
    assertThat(s.retain()).as("the current segment rolls, then goes").isEqualTo(1);
    tap(s, invite("new@x", 0), NOW.minus(Duration.ofMinutes(10)));
    awaitWritten(s, 3);

    assertThat(s.retain()).isZero();

    assertThat(s.find("old-call")).isEmpty();
    assertThat(s.find("old@x")).isEmpty();
    assertThat(s.find("new@x")).isPresent();
    assertThat(s.counters()).containsEntry("deleted", 1L);
  }

  @Test
  void retentionKeepsTheNewestMessagesUnderMaxSize() throws Exception {
    long max = 1L << 20;
    TraceStore s = store(max, Duration.ofDays(7));
    int n = 2_000;
    for (int i = 0; i < n; i++) {
      tap(s, invite("c" + i + "@x", 900), NOW.plusMillis(i));
    }
    awaitWritten(s, n);
    assertThat(s.counters().get("stored_bytes")).isGreaterThan(max);

    assertThat(s.retain()).isPositive();

    long kept = s.counters().get("stored_bytes");
    assertThat(kept).isLessThanOrEqualTo(max).isGreaterThan(max / 2);
    assertThat(s.find("c" + (n - 1) + "@x")).isPresent();
    assertThat(s.find("c0@x")).isEmpty();
    // every message is either kept or counted as deleted, once
    long kept1 = 0;
    for (int i = 0; i < n; i++) {
      kept1 += s.find("c" + i + "@x").isPresent() ? 1 : 0;
    }
    assertThat(s.counters().get("deleted") + kept1).isEqualTo(n);
  }

  @Test
  void aSecondStoreOnTheSameDirectoryIsRefusedUntilTheFirstCloses() throws Exception {
    TraceStore first = store(TracesConfig.DEFAULT_MAX_BYTES, Duration.ofDays(7));
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> store(TracesConfig.DEFAULT_MAX_BYTES, Duration.ofDays(7)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("traces.path " + dir.resolve("traces").toAbsolutePath())
        .hasMessageContaining("in use by another Trunkline server");
    first.close();
    assertThat(store(TracesConfig.DEFAULT_MAX_BYTES, Duration.ofDays(7)).find("none")).isEmpty();
  }

  @Test
  void aRestartReindexesTheSegmentsAndCutsATornLastRecord() throws Exception {
    TraceStore s = store(TracesConfig.DEFAULT_MAX_BYTES, Duration.ofDays(7));
    tap(s, invite("a@x", 10), NOW);
    s.link("a@x", "call1");
    awaitWritten(s, 2);
    s.close();
    Path last;
    try (var files = java.nio.file.Files.list(dir.resolve("traces"))) {
      last = files.sorted().reduce((a, b) -> b).orElseThrow();
    }
    // a crash in the middle of a record: its length says 100 bytes, 3 follow
    java.nio.file.Files.write(
        last, new byte[] {0, 0, 0, 100, 1, 2, 3}, java.nio.file.StandardOpenOption.APPEND);

    TraceStore again = store(TracesConfig.DEFAULT_MAX_BYTES, Duration.ofDays(7));

    Trace t = again.find("a@x").orElseThrow();
    assertThat(t.id()).isEqualTo("call1");
    assertThat(t.messages())
        .singleElement()
        .satisfies(m -> {
          assertThat(m.bytes()).isEqualTo(invite("a@x", 10));
          assertThat(m.remote()).isEqualTo(PEER);
          assertThat(m.local()).isEqualTo(US);
          assertThat(m.direction()).isEqualTo(TraceTap.Direction.IN);
          assertThat(m.epochMicros()).isEqualTo(micros(NOW));
        });
    tap(again, invite("a@x", 0), NOW.plusSeconds(1));
    awaitWritten(again, 1);
    assertThat(again.find("call1").orElseThrow().messages()).hasSize(2);
  }

  @Test
  void ringRecordsGoToTheSegmentsWholeAcrossRingWrapsAndSegmentRolls() throws Exception {
    // a 64 KiB ring (16 records) and 64 KiB segments: messages of up to 3 KiB wrap the ring (its
    // padding must never reach a file) and roll a segment every ~40 messages; the Call-ID at
    // every alignment of the writer's eight-byte scan
    TraceStore s =
        TraceStore.open(
            new TracesConfig(true, 1 << 20, Duration.ofDays(7), 16, dir.resolve("traces")),
            clock,
            null);
    open.add(s);
    java.util.Random random = new java.util.Random(21);
    List<byte[]> sent = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      String m =
          "OPTIONS sip:a SIP/2.0\r\nVia: "
              + "v".repeat(random.nextInt(17))
              + "\r\nCall-ID: c"
              + i
              + "@x\r\nContent-Length: 0\r\n\r\n"
              + "b".repeat(random.nextInt(3000));
      byte[] b = m.getBytes(StandardCharsets.US_ASCII);
      sent.add(b);
      tap(s, b, NOW.plusMillis(i));
      if (i % 8 == 7) {
        awaitWritten(s, i + 1);
      }
    }
    awaitWritten(s, 300);
    assertThat(s.counters().get("dropped")).isZero();
    long stored = s.counters().get("stored_bytes");
    s.close();
    long files;
    try (var l = java.nio.file.Files.list(dir.resolve("traces"))) {
      List<Path> segs = l.filter(p -> p.toString().endsWith(TraceStore.SUFFIX)).toList();
      assertThat(segs).as("segments rolled").hasSizeGreaterThan(3);
      files = 0;
      for (Path p : segs) {
        files += java.nio.file.Files.size(p);
      }
    }
    assertThat(files).isEqualTo(stored);

    TraceStore again = store(1 << 20, Duration.ofDays(7));
    // a restart's scan cuts a segment at the first record it cannot read: nothing was cut
    assertThat(again.counters().get("stored_bytes")).isEqualTo(stored);
    for (int i = 0; i < 300; i++) {
      Trace t = again.find("c" + i + "@x").orElseThrow();
      assertThat(t.messages())
          .singleElement()
          .extracting(TracedMessage::bytes)
          .isEqualTo(sent.get(i));
    }
  }

  @Test
  void aRestartRebuildsTheIndexOfManyCallsWithBothLegsLinked() throws Exception {
    TraceStore s = store(TracesConfig.DEFAULT_MAX_BYTES, Duration.ofDays(7));
    int calls = 2_000;
    for (int i = 0; i < calls; i++) {
      tap(s, invite("a" + i + "@pbx", 0), NOW.plusMillis(i));
      tap(s, invite("b" + i + "@trunkline", 0), NOW.plusMillis(i));
      s.link("a" + i + "@pbx", "call" + i);
      s.link("b" + i + "@trunkline", "call" + i);
    }
    awaitWritten(s, 4L * calls);
    assertThat(s.counters().get("dropped")).isZero();
    s.close();

    TraceStore again = store(TracesConfig.DEFAULT_MAX_BYTES, Duration.ofDays(7));

    for (int i = 0; i < calls; i += 37) {
      Trace t = again.find("b" + i + "@trunkline").orElseThrow();
      assertThat(t.id()).isEqualTo("call" + i);
      assertThat(t.callIds()).containsExactlyInAnyOrder("a" + i + "@pbx", "b" + i + "@trunkline");
      assertThat(t.messages()).hasSize(2);
      assertThat(again.find("call" + i).orElseThrow().messages()).hasSize(2);
    }
    assertThat(again.find("a" + calls + "@pbx")).isEmpty();
  }

  private TraceStore store(int queue) throws IOException {
    TraceStore s =
        TraceStore.open(
            new TracesConfig(
                true,
                TracesConfig.DEFAULT_MAX_BYTES,
                Duration.ofDays(7),
                queue,
                dir.resolve("traces")),
            clock,
            null);
    open.add(s);
    return s;
  }

  /** An INVITE whose body says who sent it and its number. */
  private static byte[] numbered(String callId, int producer, int n) {
    byte[] m = invite(callId, 16);
    byte[] tag = String.format("%08d%08d", producer, n).getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(tag, 0, m, m.length - 16, 16);
    return m;
  }

  private static int number(TracedMessage m) {
    String s = new String(m.bytes(), m.bytes().length - 8, 8, StandardCharsets.US_ASCII);
    return Integer.parseInt(s);
  }

  @Test
  void manyThreadsEachMessageStoredOnceInEachThreadsOrder() throws Exception {
    TraceStore s = store(10_000);
    int threads = 6;
    int each = 2_000;
    java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
    List<Thread> producers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int k = t;
      // half platform threads (a ring each), half virtual (one shared ring under a lock)
      Runnable r =
          () -> {
            try {
              go.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              return;
            }
            for (int i = 0; i < each; i++) {
              tap(s, numbered("p" + k + "@x", k, i), NOW);
              if (i % 500 == 0) {
                s.link("p" + k + "@x", "call" + k);
              }
            }
          };
      producers.add(k % 2 == 0 ? Thread.ofPlatform().start(r) : Thread.ofVirtual().start(r));
    }
    go.countDown();
    for (Thread t : producers) {
      t.join();
    }
    awaitWritten(s, (long) threads * each + threads * (each / 500));

    assertThat(s.counters())
        .containsEntry("captured", (long) threads * each)
        .containsEntry("dropped", 0L)
        .containsEntry("queued", 0L);
    for (int k = 0; k < threads; k++) {
      Trace t = s.find("call" + k).orElseThrow();
      assertThat(t.callIds()).containsExactly("p" + k + "@x");
      // one time for all: the trace is in the order written
      assertThat(t.messages()).extracting(TraceStoreTest::number).isSorted().hasSize(each);
      assertThat(t.messages().getFirst().bytes()).isEqualTo(numbered("p" + k + "@x", k, 0));
    }
  }

  @Test
  void aFullRingDropsAndCountsAndWhatItKeptIsWhole() throws Exception {
    TraceStore s = store(8);
    int n = 50;
    synchronized (s) { // the writer drains under the store's monitor: stalled meanwhile
      for (int i = 0; i < n; i++) {
        tap(s, numbered("f" + i + "@x", 0, i), NOW);
      }
      assertThat(s.counters())
          .containsEntry("captured", (long) n)
          .containsEntry("dropped", (long) n - 8)
          .containsEntry("queued", 8L);
    }
    awaitWritten(s, 8);
    for (int i = 0; i < n; i++) {
      var t = s.find("f" + i + "@x");
      if (i < 8) {
        assertThat(t.orElseThrow().messages())
            .singleElement()
            .extracting(TracedMessage::bytes)
            .isEqualTo(numbered("f" + i + "@x", 0, i));
      } else {
        assertThat(t).as("dropped %d", i).isEmpty();
      }
    }
    assertThat(s.counters()).containsEntry("written", 8L).containsEntry("queued", 0L);
  }

  @Test
  void closeWritesEverythingTheRingsHeld() throws Exception {
    TraceStore s = store(10_000);
    int n = 3_000;
    for (int i = 0; i < n; i++) {
      tap(s, numbered("s@x", 0, i), NOW);
    }
    s.link("s@x", "shut");
    s.close();
    assertThat(s.counters()).containsEntry("written", n + 1L).containsEntry("queued", 0L);
    tap(s, numbered("after@x", 0, 0), NOW);
    assertThat(s.counters()).containsEntry("dropped", 1L);

    TraceStore again = store(10_000);
    assertThat(again.find("shut").orElseThrow().messages())
        .extracting(TraceStoreTest::number)
        .hasSize(n)
        .isSorted();
    assertThat(again.find("after@x")).isEmpty();
  }
}
