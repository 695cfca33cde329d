package org.trunkline.server.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trunkline.core.trace.TraceSink;
import org.trunkline.core.trace.TracedMessage;
import org.trunkline.server.config.TracesConfig;
import org.trunkline.stack.TraceTap;
import org.trunkline.stack.Transport;

/**
 * SIP traces in append-only segment files under {@code traces.path} (issue 7), with an in-memory
 * index by Call-ID rebuilt from them at start.
 *
 * <p>As the stack's {@link TraceTap} and the core's {@link TraceSink} it copies each message (or
 * link) into the calling thread's own {@link TraceRing}: no lock, no object, never blocks, never
 * throws (event loops call it); a full ring drops and counts. Virtual threads share one ring under
 * a lock. One writer thread of its own drains the rings every {@link #NAP_NANOS}, or sooner when a
 * ring fills past a quarter (its producer then unparks the writer, a rare event), finds each
 * message's Call-ID without parsing it, encodes the batch into one direct buffer and appends it to
 * the current segment in one write (no copy into a temporary direct buffer by the JDK), then
 * indexes it; messages and links are joined by Call-ID, so a link may come after its messages. The
 * writer's cost is mostly per wake-up (the thread switch, the write call, its cold caches), so it
 * wakes seldom and takes big batches. The same thread rolls segments and deletes the oldest ones
 * past {@code max-age} or {@code max-size}. {@link #find} and {@link #search} read under the
 * index's read lock from the API's threads. Nothing is fsynced: a machine crash loses what the OS
 * had not written; a process crash loses only what waits in the rings (at most the last {@link
 * #NAP_NANOS}, within the second ARCHITECTURE.md allows). When a look finds nothing the writer
 * sleeps longer ({@link #IDLE_NAP_NANOS}) and the next capture wakes it, so an idle server's writer
 * does not wake ten times a second.
 */
public final class TraceStore implements TraceTap, TraceSink, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TraceStore.class);

  /** The most messages one trace answer holds (the newest). */
  public static final int MAX_MESSAGES = 10_000;

  static final long RETAIN_EVERY_MS = 30_000;
  static final String SUFFIX = ".seg";

  /**
   * How long the writer naps between batches unless a ring fills past a quarter: about the most a
   * message waits to be written. Each wake-up costs the writer ~100-200 us (measured at 10 ms: 4.5
   * us a message at 4,000 messages/s, against ~1 us in big batches), so fewer and bigger batches.
   */
  static final long NAP_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  /**
   * The longest the writer sleeps when its last round found nothing: a capture wakes it sooner (see
   * {@link #idleNap}); half a second bounds what a capture that raced with the writer's falling
   * asleep waits (ARCHITECTURE.md allows a second).
   */
  static final long IDLE_NAP_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

  /** The writer sleeps long: a capture wakes it (one unpark per idle spell, not per message). */
  private volatile boolean idle;

  private final LongAdder idleNaps = new LongAdder();

  /**
   * A batch of this many records or more: the writer goes on without a nap. Above a normal nap's
   * batch at a busy server's rate (5,000 calls/s, ~7,000 messages in 100 ms), so that a full nap is
   * not followed by a second, tiny batch; a ring filling faster wakes the writer by itself.
   */
  static final int BUSY = 16_384;

  static final int MAX_UNLINKED = 10_000;
  private List<Unlinked> unlinked = new ArrayList<>(); // writer thread only

  /** The longest a message waits for its Call-ID's link before it is forwarded without. */
  static final long LINK_WAIT_NANOS = TimeUnit.SECONDS.toNanos(2);

  /**
   * Where every written message also goes, with its trace id (HEP): {@code offer} is called on the
   * writer thread and must not block; its counters are shown with the store's; {@code close} runs
   * when the store has written its last message.
   */
  public record Forward(
      java.util.function.Predicate<TracedMessage> offer,
      java.util.function.Supplier<Map<String, Long>> counters,
      Runnable close) {}

  private final Path dir;
  private final TracesConfig config;
  private final Clock clock;
  private final Database db;
  private final Forward forward;
  private final long segmentBytes;
  private final int ringBytes;
  private final CopyOnWriteArrayList<TraceRing> rings = new CopyOnWriteArrayList<>();
  private final ThreadLocal<TraceRing> ring;
  private volatile TraceRing shared; // the virtual threads' ring, made when first needed
  private final TraceRing.Reader reader = this::encode;
  private final TraceIndex index = new TraceIndex();
  private final TraceReads reads;
  private final TreeMap<Integer, Segment> segments = new TreeMap<>(); // writer (and retain) only
  private final Thread thread;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final LongAdder retiredCaptured = new LongAdder(); // of the rings of ended threads
  private final LongAdder closedCaptured = new LongAdder();
  private final LongAdder written = new LongAdder();
  private final LongAdder dropped = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final LongAdder deleted = new LongAdder();
  private volatile long storedBytes;
  private FileChannel out;
  private ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 20); // written as is, no JDK copy
  private final Batch batch = new Batch(); // writer thread only
  private final TraceNames names = new TraceNames(); // writer thread only
  private long lastRetain;

  private static final class Segment {
    final Path path;
    long size;
    long lastAt = Long.MIN_VALUE;

    Segment(Path path) {
      this.path = path;
    }
  }

  /** Held from open to close: no second server writes this directory. */
  private DirectoryLock dirLock;

  private TraceStore(Path dir, TracesConfig config, Clock clock, Database db, Forward forward) {
    this.dir = dir;
    this.forward = forward;
    this.config = config;
    this.clock = clock;
    this.db = db;
    this.segmentBytes = Math.clamp(config.maxBytes() / 16, 64 * 1024, 64L << 20);
    this.ringBytes = TraceRing.bytesFor(config.queue());
    this.ring = ThreadLocal.withInitial(() -> register(Thread.currentThread()));
    this.reads = new TraceReads(dir, index);
    this.thread = new Thread(this::run, "trace-writer");
    thread.setDaemon(true);
  }

  /**
   * Opens the segments under {@code config.path()} (made if missing; when null, {@code traces/}
   * beside the H2 database's file, or {@link TracesConfig#DEFAULT_PATH} for other databases),
   * indexes them, starts the writer on a new segment.
   *
   * @param db where the calls' CDRs are (searches by number, trunk, status); may be null
   * @throws IOException naming the directory or segment that failed
   */
  public static TraceStore open(TracesConfig config, Clock clock, Database db) throws IOException {
    return open(config, clock, db, null);
  }

  /** As above; each message written is also handed to {@code forward} (null for none). */
  public static TraceStore open(TracesConfig config, Clock clock, Database db, Forward forward)
      throws IOException {
    Path dir = directory(config, db);
    Files.createDirectories(dir);
    // one server per directory: a second one would race the first for its segment files
    DirectoryLock lock = DirectoryLock.acquire(dir, "traces.path");
    try {
      TraceStore s = new TraceStore(dir, config, clock, db, forward);
      s.dirLock = lock;
      s.load();
      s.roll();
      s.lastRetain = System.currentTimeMillis();
      s.thread.start();
      return s;
    } catch (IOException | RuntimeException e) {
      lock.close();
      throw e;
    }
  }

  /** Where the segments of {@code config} live. */
  public static Path directory(TracesConfig config, Database db) {
    if (config.path() != null) {
      return config.path();
    }
    return db == null
        ? TracesConfig.DEFAULT_PATH
        : H2Files.directory(db.url())
            .map(d -> d.resolve("traces"))
            .orElse(TracesConfig.DEFAULT_PATH);
  }

  /** The file name of segment {@code number}. */
  static String name(int number) {
    return String.format("%010d%s", number, SUFFIX);
  }

  private void load() throws IOException {
    List<Path> files;
    try (Stream<Path> l = Files.list(dir)) {
      files = l.filter(p -> p.getFileName().toString().endsWith(SUFFIX)).toList();
    }
    for (Path p : files) {
      String name = p.getFileName().toString();
      try {
        segments.put(
            Integer.parseInt(name.substring(0, name.length() - SUFFIX.length())), new Segment(p));
      } catch (NumberFormatException e) {
        LOG.warn("trace segment {} ignored: not a segment name", p);
      }
    }
    index.lock.writeLock().lock();
    try {
      for (Map.Entry<Integer, Segment> e : segments.entrySet()) {
        scan(e.getKey(), e.getValue());
      }
    } finally {
      index.lock.writeLock().unlock();
    }
    storedBytes = segments.values().stream().mapToLong(s -> s.size).sum();
  }

  /** Indexes one segment; a torn last record (a crash mid-write) is cut off. */
  private void scan(int number, Segment seg) throws IOException {
    try (FileChannel ch =
        FileChannel.open(seg.path, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      long size = ch.size();
      ByteBuffer len = ByteBuffer.allocate(4);
      long at = 0;
      while (at + 4 <= size) {
        len.clear();
        ch.read(len, at);
        int n = len.flip().getInt();
        if (n <= 9 || at + 4 + n > size) {
          break;
        }
        ByteBuffer body = ByteBuffer.allocate(n);
        ch.read(body, at + 4);
        body.flip();
        TraceRecord.Meta m = TraceRecord.meta(body);
        indexRecord(m, TraceIndex.position(number, at));
        seg.lastAt = Math.max(seg.lastAt, m.epochMicros());
        at += 4 + n;
      }
      if (at < size) {
        LOG.warn(
            "trace segment {}: {} bytes after the last whole record cut off", seg.path, size - at);
        ch.truncate(at);
      }
      seg.size = at;
    }
  }

  private void indexRecord(TraceRecord.Meta m, long position) {
    if (m.kind() == TraceRecord.LINK) {
      index.link(m.callId(), m.id(), m.epochMicros());
    } else if (!m.callId().isEmpty()) {
      index.message(m.callId(), position, m.epochMicros(), m.in(), m.remoteIp());
    }
  }

  private void roll() throws IOException {
    if (out != null) {
      out.close();
    }
    int next = segments.isEmpty() ? 1 : segments.lastKey() + 1;
    Path p = dir.resolve(name(next));
    out = FileChannel.open(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    segments.put(next, new Segment(p));
  }

  // ---- the event loops' side ----

  @Override
  public void onMessage(
      Direction dir,
      Transport transport,
      InetSocketAddress local,
      InetSocketAddress remote,
      byte[] buf,
      int off,
      int len,
      long epochMicros) {
    if (closed.get()) {
      closedCaptured.increment();
      drop();
      return;
    }
    TraceRing r = ring();
    boolean kept;
    boolean kick;
    if (r.owner == null) {
      synchronized (r) {
        kept = r.message(dir, transport, local, remote, buf, off, len, epochMicros);
        kick = kept && r.kick();
      }
    } else {
      kept = r.message(dir, transport, local, remote, buf, off, len, epochMicros);
      kick = kept && r.kick();
    }
    if (!kept) {
      drop();
    } else if (kick || idle) {
      wake();
    }
  }

  @Override
  public void link(String callId, String correlationId) {
    if (callId == null || correlationId == null) {
      return;
    }
    if (closed.get()) {
      drop();
      return;
    }
    long at = TraceReads.micros(clock.instant());
    TraceRing r = ring();
    boolean kept;
    boolean kick;
    if (r.owner == null) {
      synchronized (r) {
        kept = r.link(callId, correlationId, at);
        kick = kept && r.kick();
      }
    } else {
      kept = r.link(callId, correlationId, at);
      kick = kept && r.kick();
    }
    if (!kept) {
      drop();
    } else if (kick || idle) {
      wake();
    }
  }

  /** Unparks the writer: a ring past a quarter, or the first record after an idle spell. */
  private void wake() {
    idle = false;
    LockSupport.unpark(thread);
  }

  /** The calling thread's ring: its own, or for a virtual thread the shared one. */
  private TraceRing ring() {
    Thread t = Thread.currentThread();
    if (!t.isVirtual()) {
      return ring.get();
    }
    TraceRing s = shared;
    if (s == null) {
      synchronized (rings) {
        s = shared;
        if (s == null) {
          s = register(null);
          shared = s;
        }
      }
    }
    return s;
  }

  private TraceRing register(Thread owner) {
    TraceRing r = new TraceRing(owner, ringBytes, config.queue());
    rings.add(r);
    return r;
  }

  private void drop() {
    dropped.increment();
    long n = dropped.sum();
    // Power-of-two counts only: a flood must not become a flood of log lines.
    if ((n & (n - 1)) == 0) {
      LOG.warn(
          "SIP trace queue {}: {} messages and links dropped so far (traces.queue: {} per thread)",
          closed.get() ? "closed" : "full, the trace writer is behind",
          n,
          config.queue());
    }
  }

  // ---- the writer thread ----

  private void run() {
    boolean stop = false;
    while (!stop) {
      // Read before draining: what was published before close() is in this last round.
      stop = closed.get();
      int n = round(stop);
      if (n < BUSY && !stop) {
        if (n == 0 && unlinked.isEmpty()) {
          idleNap();
        }
        // Not blocked on anything: an event loop's capture then never has to wake this thread (a
        // wake-up per message doubled the CPU of an answered OPTIONS), except when its ring fills
        // past a quarter; what arrives during the nap is taken in one batch (one write).
        LockSupport.parkNanos(NAP_NANOS);
        if (Thread.currentThread().isInterrupted()) {
          return;
        }
      }
    }
    synchronized (this) {
      flushUnlinked(true);
      try {
        out.close();
      } catch (IOException e) {
        LOG.warn("closing trace segment: {}", e.toString());
      }
    }
  }

  /**
   * Nothing came during the last nap and no message waits for its link: sleeps up to {@link
   * #IDLE_NAP_NANOS} instead of looking every {@link #NAP_NANOS}, until a capture sees {@link
   * #idle} and wakes it (then the usual nap gathers the batch). An idle server's writer woke 10
   * times a second for nothing (~0.4 ms of CPU a second, bench/RESULTS.md, stop 18, branch idle11).
   * A capture publishes with a release store, not a fence, so it may miss {@code idle} in the
   * instant the writer sets it: then its message waits for the idle nap's end, which is why the nap
   * has a deadline.
   */
  private void idleNap() {
    idle = true;
    idleNaps.increment();
    if (!closed.get() && ringsEmpty()) {
      LockSupport.parkNanos(this, IDLE_NAP_NANOS);
    }
    idle = false;
  }

  private boolean ringsEmpty() {
    for (TraceRing r : rings) {
      if (!r.empty()) {
        return false;
      }
    }
    return true;
  }

  /** How often the writer found nothing to do and napped long (for tests). */
  long idleNaps() {
    return idleNaps.sum();
  }

  /**
   * One batch: drain, write, index, and retention when due. Its own method, so that it is compiled
   * early: the loop in {@link #run} turns only a few times a second and stays interpreted.
   *
   * @return records written
   */
  private int round(boolean stop) {
    int n = 0;
    try {
      synchronized (this) {
        n = drainAndWrite();
        if (n == 0) {
          flushUnlinked(false);
        }
        long now = System.currentTimeMillis();
        if (stop || now - lastRetain >= RETAIN_EVERY_MS) {
          lastRetain = now;
          if (!stop) {
            retainLocked();
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      failed.add(Math.max(1, batch.count - batch.from));
      LOG.error("cannot write {} SIP trace records to {}: {}", batch.count, dir, e.toString());
    }
    retireEnded();
    return n;
  }

  /** Forgets the drained rings of threads that ended, keeping their counts. */
  private void retireEnded() {
    for (TraceRing r : rings) {
      if (r.owner != null && !r.owner.isAlive() && r.empty()) {
        rings.remove(r);
        retiredCaptured.add(r.captured());
      }
    }
  }

  /**
   * What the writer encodes from the rings before one write: the records' offsets in {@link
   * #buffer} and what the index keeps of each. Reused; writer thread only.
   */
  private static final class Batch {
    int count;
    int from; // the first record not yet flushed
    long[] offsets = new long[256];
    byte[] kinds = new byte[256];
    long[] times = new long[256];
    boolean[] ins = new boolean[256];
    String[] remoteIps = new String[256];
    // the Call-ID's (and a link's trace id's) bytes in names: the index takes them from there (the
    // buffer is direct, and the rings' space is freed before the batch is indexed)
    byte[] names = new byte[16 * 1024];
    int namesUsed;
    int[] callIdAt = new int[256];
    int[] callIdLength = new int[256];
    int[] idAt = new int[256];
    int[] idLength = new int[256];
    String[] callIds = new String[256]; // with a forward only
    TracedMessage[] messages = new TracedMessage[256]; // with a forward only

    void reset() {
      java.util.Arrays.fill(remoteIps, 0, count, null);
      java.util.Arrays.fill(callIds, 0, count, null);
      java.util.Arrays.fill(messages, 0, count, null);
      count = 0;
      from = 0;
      namesUsed = 0;
    }

    /** Copies {@code b[off, off + len)} into {@link #names}; returns where it is there. */
    int name(byte[] b, int off, int len) {
      int at = namesUsed;
      if (at + len > names.length) {
        names = java.util.Arrays.copyOf(names, Math.max(names.length * 2, at + len));
      }
      System.arraycopy(b, off, names, at, len);
      namesUsed = at + len;
      return at;
    }

    int next() {
      if (count == offsets.length) {
        int n = count * 2;
        offsets = java.util.Arrays.copyOf(offsets, n);
        kinds = java.util.Arrays.copyOf(kinds, n);
        times = java.util.Arrays.copyOf(times, n);
        ins = java.util.Arrays.copyOf(ins, n);
        remoteIps = java.util.Arrays.copyOf(remoteIps, n);
        callIdAt = java.util.Arrays.copyOf(callIdAt, n);
        callIdLength = java.util.Arrays.copyOf(callIdLength, n);
        idAt = java.util.Arrays.copyOf(idAt, n);
        idLength = java.util.Arrays.copyOf(idLength, n);
        callIds = java.util.Arrays.copyOf(callIds, n);
        messages = java.util.Arrays.copyOf(messages, n);
      }
      return count++;
    }
  }

  /**
   * Drains every ring into {@link #buffer} in the segment format, appends it (one write per segment
   * it fills), then indexes it. Holds this monitor.
   *
   * @return records written
   */
  private int drainAndWrite() throws IOException {
    batch.reset();
    buffer.clear();
    for (TraceRing r : rings) {
      r.drain(reader);
    }
    int count = batch.count;
    if (count == 0) {
      return 0;
    }
    flush(buffer, batch.from, count);
    written.add(count);
    if (forward != null) {
      forward(count, false);
    }
    return count;
  }

  /** One record of a ring, into the batch; rolls the segment when it is full. */
  private void encode(byte[] ring, int at) {
    Batch t = batch;
    ByteBuffer b = buffer;
    int i = t.next();
    byte kind = TraceRing.kind(ring, at);
    int need = TraceRing.size(ring, at) + 2 * (1 + 16 + 2) + 2 + 4 + TraceRecord.MAX_CALL_ID;
    if (b.remaining() < need) {
      b = grow(b, need);
    }
    t.offsets[i] = b.position();
    t.kinds[i] = kind;
    long micros = TraceRing.epochMicros(ring, at);
    t.times[i] = micros;
    int p = TraceRing.payload(at);
    if (kind == TraceRecord.LINK) {
      int cl = TraceRing.linkCallIdLength(ring, at);
      int dl = TraceRing.linkIdLength(ring, at);
      int start = b.position();
      b.putInt(0).put(TraceRecord.LINK).putLong(micros);
      t.callIdAt[i] = t.name(ring, p, cl);
      t.callIdLength[i] = cl;
      b.putShort((short) cl).put(ring, p, cl);
      t.idAt[i] = t.name(ring, p + cl, dl);
      t.idLength[i] = dl;
      b.putShort((short) dl).put(ring, p + cl, dl);
      b.putInt(start, b.position() - start - 4);
      t.ins[i] = false;
      t.remoteIps[i] = "";
    } else {
      int len = TraceRing.messageLength(ring, at);
      long cid = TraceRecord.callIdAt(ring, p, len);
      int cs = cid < 0 ? 0 : TraceRecord.start(cid);
      int cl = cid < 0 ? 0 : TraceRecord.length(cid);
      boolean in = TraceRing.in(ring, at);
      int localLen = TraceRing.localIpLength(ring, at);
      int remoteLen = TraceRing.remoteIpLength(ring, at);
      int start = b.position();
      b.putInt(0).put(TraceRecord.MESSAGE).putLong(micros);
      b.put((byte) (in ? 0 : 1)).put((byte) TraceRing.transport(ring, at));
      b.put((byte) localLen).put(ring, TraceRing.localIp(at), localLen);
      b.putShort((short) TraceRing.localPort(ring, at));
      b.put((byte) remoteLen).put(ring, TraceRing.remoteIp(at), remoteLen);
      b.putShort((short) TraceRing.remotePort(ring, at));
      t.callIdAt[i] = t.name(ring, cs, cl);
      t.callIdLength[i] = cl;
      b.putShort((short) cl).put(ring, cs, cl);
      b.putInt(len).put(ring, p, len);
      b.putInt(start, b.position() - start - 4);
      t.ins[i] = in;
      // the index keeps a caller's IP only: an answer's is not asked for
      t.remoteIps[i] = in ? names.ip(ring, TraceRing.remoteIp(at), remoteLen) : "";
      if (forward != null) {
        t.callIds[i] = cl == 0 ? "" : names.callId(ring, cs, cl);
        int mark = b.position();
        b.position(start + 4);
        t.messages[i] = TraceRecord.message(b, "");
        b.position(mark);
      }
    }
    try {
      if (segments.lastEntry().getValue().size + b.position() >= segmentBytes) {
        flush(b, t.from, i + 1);
        roll();
        buffer.clear();
        t.from = i + 1;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A message handed on only when its Call-ID is linked, or after {@link #LINK_WAIT_NANOS}. */
  private record Unlinked(TracedMessage message, String callId, long since) {}

  /**
   * Hands the batch's messages on, each with the trace id known now. A message whose Call-ID is not
   * linked yet waits until it is, at most {@link #LINK_WAIT_NANOS} (or all do, when {@code all}): a
   * caller's INVITE is captured before its call links it, on another loop, and the first call of a
   * cold JVM on a busy machine can take over 100 ms to get there.
   */
  private void forward(int count, boolean all) {
    long now = System.nanoTime();
    if (!unlinked.isEmpty()) {
      List<Unlinked> waited = unlinked;
      unlinked = new ArrayList<>();
      for (Unlinked u : waited) {
        if (all || linked(u.callId()) || now - u.since() >= LINK_WAIT_NANOS) {
          send(u.message(), u.callId());
        } else {
          unlinked.add(u);
        }
      }
    }
    for (int i = 0; i < count; i++) {
      TracedMessage m = batch.messages[i];
      if (m != null) {
        String callId = batch.callIds[i];
        if (!all && !linked(callId) && unlinked.size() < MAX_UNLINKED) {
          unlinked.add(new Unlinked(m, callId, now));
        } else {
          send(m, callId);
        }
      }
    }
  }

  private boolean linked(String callId) {
    int k = index.find(callId); // the writer's own index
    return k >= 0 && index.id(k) != null;
  }

  private void flushUnlinked(boolean all) {
    if (forward != null && !unlinked.isEmpty()) {
      batch.reset();
      forward(0, all);
    }
  }

  private void send(TracedMessage m, String callId) {
    int k = index.find(callId);
    String id = k < 0 ? null : index.id(k);
    forward
        .offer()
        .test(
            new TracedMessage(
                m.epochMicros(),
                m.direction(),
                m.transport(),
                m.local(),
                m.remote(),
                m.bytes(),
                id == null ? "" : id));
  }

  /** Writes {@code b} to the current segment and indexes records {@code from..to-1} of it. */
  private void flush(ByteBuffer b, int from, int to) throws IOException {
    if (from == to) {
      return;
    }
    int number = segments.lastKey();
    Segment seg = segments.lastEntry().getValue();
    b.flip();
    int bytes = b.remaining();
    while (b.hasRemaining()) {
      out.write(b);
    }
    long base = seg.size;
    seg.size += bytes;
    storedBytes += bytes;
    Batch t = batch;
    byte[] a = t.names;
    index.lock.writeLock().lock();
    try {
      for (int i = from; i < to; i++) {
        long position = TraceIndex.position(number, base + t.offsets[i]);
        if (t.kinds[i] == TraceRecord.LINK) {
          index.link(a, t.callIdAt[i], t.callIdLength[i], a, t.idAt[i], t.idLength[i], t.times[i]);
        } else if (t.callIdLength[i] > 0) {
          index.message(
              a, t.callIdAt[i], t.callIdLength[i], position, t.times[i], t.ins[i], t.remoteIps[i]);
        }
        seg.lastAt = Math.max(seg.lastAt, t.times[i]);
      }
    } finally {
      index.lock.writeLock().unlock();
    }
  }

  private ByteBuffer grow(ByteBuffer b, int need) {
    ByteBuffer bigger = ByteBuffer.allocateDirect(Math.max(b.capacity() * 2, b.position() + need));
    b.flip();
    bigger.put(b);
    buffer = bigger;
    return bigger;
  }

  // ---- retention ----

  /**
   * Deletes the oldest segments while any holds only messages older than {@code max-age}, or while
   * all of them take more than {@code max-size}. Any thread; waits for the writer's batch.
   *
   * @return messages deleted
   */
  public synchronized long retain() throws IOException {
    return retainLocked();
  }

  private long retainLocked() throws IOException {
    long cutoff = TraceReads.micros(clock.instant().minus(config.maxAge()));
    Segment current = segments.lastEntry().getValue();
    if (current.size > 0
        && (current.lastAt < cutoff || storedBytes > config.maxBytes() && segments.size() == 1)) {
      roll();
    }
    int upTo = -1;
    List<Map.Entry<Integer, Segment>> gone = new ArrayList<>();
    while (segments.size() > 1) {
      Map.Entry<Integer, Segment> oldest = segments.firstEntry();
      Segment s = oldest.getValue();
      if (s.lastAt >= cutoff && storedBytes <= config.maxBytes()) {
        break;
      }
      upTo = oldest.getKey();
      gone.add(segments.pollFirstEntry());
      storedBytes -= s.size;
    }
    if (upTo < 0) {
      return 0;
    }
    long records = count(upTo);
    // The index forgets the segments before their files go, so no read looks for them.
    index.lock.writeLock().lock();
    try {
      index.dropUpTo(upTo, cutoff);
    } finally {
      index.lock.writeLock().unlock();
    }
    for (Map.Entry<Integer, Segment> g : gone) {
      reads.forget(g.getKey());
      Files.deleteIfExists(g.getValue().path);
    }
    deleted.add(records);
    LOG.info(
        "trace retention deleted {} segments up to {} ({} messages; {} bytes kept)",
        gone.size(),
        upTo,
        records,
        storedBytes);
    return records;
  }

  /** Messages of segments up to {@code number} that the index knows. */
  private long count(int number) {
    index.lock.readLock().lock();
    try {
      return index.countUpTo(number);
    } finally {
      index.lock.readLock().unlock();
    }
  }

  // ---- reads ----

  /**
   * The trace {@code id} names (a call id, either leg's Call-ID, {@code trunk:NAME}, or a Call-ID
   * linked to nothing), or empty when nothing is stored under it.
   */
  public Optional<Trace> find(String id) throws IOException {
    return reads.find(id);
  }

  /** The traces {@code q} asks for, newest first. */
  public List<TraceSummary> search(TraceQuery q) throws IOException, DatabaseException {
    return TraceSearch.search(reads, index, q, db);
  }

  /**
   * How many capture rings there are now: one per thread that captured (each event loop), plus one
   * shared by virtual threads if any captured.
   */
  public int rings() {
    return rings.size();
  }

  /**
   * captured (by the tap), written (messages and links), dropped (a thread's ring was full: the
   * writer fell behind), failed (the disk refused them), deleted (messages, by retention),
   * stored_bytes, queued (messages and links waiting in the rings).
   */
  public Map<String, Long> counters() {
    long captured = retiredCaptured.sum() + closedCaptured.sum();
    long queued = 0;
    for (TraceRing r : rings) {
      captured += r.captured();
      queued += r.queued();
    }
    Map<String, Long> m = new java.util.LinkedHashMap<>();
    m.put("captured", captured);
    m.put("written", written.sum());
    m.put("dropped", dropped.sum());
    m.put("failed", failed.sum());
    m.put("deleted", deleted.sum());
    m.put("stored_bytes", storedBytes);
    m.put("queued", queued);
    if (forward != null) {
      m.putAll(forward.counters().get());
    }
    return m;
  }

  /**
   * Stops capturing, writes what waits in the rings (waiting at most 10 s for the writer), then
   * stops the writer. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      LockSupport.unpark(thread);
      thread.join(10_000);
      if (thread.isAlive()) {
        LOG.warn("trace writer: still writing after 10 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (forward != null) {
      forward.close().run();
    }
    reads.close();
    try {
      dirLock.close();
    } catch (IOException e) {
      LOG.warn("trace directory {}: {}", dir, e.getMessage());
    }
  }
}
