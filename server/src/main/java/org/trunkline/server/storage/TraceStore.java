package org.trunkline.server.storage;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
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
 * <p>As the stack's {@link TraceTap} and the core's {@link TraceSink} it only queues a reference
 * (never blocks, never throws: event loops call it; a full queue drops and counts). One writer
 * thread of its own finds each message's Call-ID without parsing it, appends the batch to the
 * current segment in one write, then indexes it; messages and links are joined by Call-ID, so a
 * link may come after its messages. The same thread rolls segments and deletes the oldest ones past
 * {@code max-age} or {@code max-size}. {@link #find} and {@link #search} read under the index's
 * read lock from the API's threads. Nothing is fsynced: a machine crash loses what the OS had not
 * written; a process crash loses only the queue.
 */
public final class TraceStore implements TraceTap, TraceSink, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TraceStore.class);

  static final int BATCH = 4_096;

  /** The most messages one trace answer holds (the newest). */
  public static final int MAX_MESSAGES = 10_000;

  static final long RETAIN_EVERY_MS = 30_000;
  static final String SUFFIX = ".seg";

  private record Captured(
      Direction dir,
      Transport transport,
      InetSocketAddress local,
      InetSocketAddress remote,
      byte[] buf,
      int off,
      int len,
      long epochMicros) {}

  private record Link(String callId, String id, long epochMicros) {}

  private static final Object STOP = new Object();
  static final long POLL_MS = 100;

  /** How long the writer naps when the queue is empty (the most a message waits to be written). */
  static final long NAP_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

  static final int MAX_UNLINKED = 10_000;
  private List<Object[]> unlinked = new ArrayList<>(); // writer thread only

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
  private final ArrayBlockingQueue<Object> queue;
  private final TraceIndex index = new TraceIndex();
  private final TraceReads reads;
  private final TreeMap<Integer, Segment> segments = new TreeMap<>(); // writer (and retain) only
  private final Thread thread;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final LongAdder captured = new LongAdder();
  private final LongAdder written = new LongAdder();
  private final LongAdder dropped = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final LongAdder deleted = new LongAdder();
  private volatile long storedBytes;
  private FileChannel out;
  private ByteBuffer buffer = ByteBuffer.allocate(1 << 20);
  private long lastRetain;

  private static final class Segment {
    final Path path;
    long size;
    long lastAt = Long.MIN_VALUE;

    Segment(Path path) {
      this.path = path;
    }
  }

  private TraceStore(Path dir, TracesConfig config, Clock clock, Database db, Forward forward) {
    this.dir = dir;
    this.forward = forward;
    this.config = config;
    this.clock = clock;
    this.db = db;
    this.segmentBytes = Math.clamp(config.maxBytes() / 16, 64 * 1024, 64L << 20);
    this.queue = new ArrayBlockingQueue<>(config.queue() + 1);
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
    TraceStore s = new TraceStore(dir, config, clock, db, forward);
    s.load();
    s.roll();
    s.lastRetain = System.currentTimeMillis();
    s.thread.start();
    return s;
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
    captured.increment();
    offer(new Captured(dir, transport, local, remote, buf, off, len, epochMicros));
  }

  @Override
  public void link(String callId, String correlationId) {
    if (callId != null && correlationId != null) {
      offer(new Link(callId, correlationId, TraceReads.micros(clock.instant())));
    }
  }

  private void offer(Object item) {
    if (closed.get() || queue.remainingCapacity() <= 1 || !queue.offer(item)) {
      dropped.increment();
      long n = dropped.sum();
      // Power-of-two counts only: a flood must not become a flood of log lines.
      if ((n & (n - 1)) == 0) {
        LOG.warn(
            "SIP trace queue {}: {} messages and links dropped so far (traces.queue: {})",
            closed.get() ? "closed" : "full, the trace writer is behind",
            n,
            config.queue());
      }
    }
  }

  // ---- the writer thread ----

  private void run() {
    List<Object> batch = new ArrayList<>(BATCH);
    boolean stop = false;
    while (!stop) {
      Object first = queue.poll();
      if (first == null) {
        // Not blocked on the queue: an event loop's offer then never has to wake this thread (a
        // wake-up per message doubled the CPU of an answered OPTIONS); what arrives during the nap
        // is taken in one batch.
        LockSupport.parkNanos(NAP_NANOS);
        if (Thread.currentThread().isInterrupted()) {
          return;
        }
        first = queue.poll();
      }
      if (first != null) {
        batch.add(first);
        queue.drainTo(batch, BATCH - 1);
      }
      stop = batch.remove(STOP);
      try {
        synchronized (this) {
          if (!batch.isEmpty()) {
            write(batch);
          } else {
            flushUnlinked();
          }
          if (stop || System.currentTimeMillis() - lastRetain >= RETAIN_EVERY_MS) {
            lastRetain = System.currentTimeMillis();
            if (!stop) {
              retainLocked();
            }
          }
        }
      } catch (IOException | RuntimeException e) {
        failed.add(batch.size());
        LOG.error("cannot write {} SIP trace records to {}: {}", batch.size(), dir, e.toString());
      }
      batch.clear();
    }
    synchronized (this) {
      flushUnlinked();
      try {
        out.close();
      } catch (IOException e) {
        LOG.warn("closing trace segment: {}", e.toString());
      }
    }
  }

  /**
   * Appends {@code batch} (in one write per segment it fills), then indexes it. Holds this monitor.
   */
  private void write(List<Object> batch) throws IOException {
    int count = batch.size();
    long[] offsets = new long[count];
    TraceRecord.Meta[] metas = new TraceRecord.Meta[count];
    ByteBuffer b = buffer;
    b.clear();
    int from = 0;
    for (int i = 0; i < count; i++) {
      Object o = batch.get(i);
      int need =
          o instanceof Captured c
              ? TraceRecord.maxMessageSize(c.len())
              : 4 + 1 + 8 + 4 + TraceRecord.MAX_CALL_ID * 4 + TraceRecord.MAX_ID * 4;
      if (b.remaining() < need) {
        b = grow(b, need);
      }
      offsets[i] = b.position();
      metas[i] = encode(b, o);
      if (segments.lastEntry().getValue().size + b.position() >= segmentBytes) {
        flush(b, offsets, metas, from, i + 1);
        roll();
        b = buffer;
        b.clear();
        from = i + 1;
      }
    }
    flush(b, offsets, metas, from, count);
    written.add(count);
    if (forward != null) {
      forward(batch, metas);
    }
  }

  /**
   * Hands the batch's messages on, each with the trace id known now. A message whose Call-ID is not
   * linked yet waits for the next batch (or {@link #POLL_MS}): a caller's INVITE is captured just
   * before its call links it.
   */
  private void forward(List<Object> batch, TraceRecord.Meta[] metas) {
    List<Object[]> waited = unlinked;
    unlinked = new ArrayList<>();
    for (Object[] p : waited) {
      send((Captured) p[0], (String) p[1]);
    }
    for (int i = 0; i < batch.size(); i++) {
      if (batch.get(i) instanceof Captured c) {
        TraceIndex.Entry e = index.byCallId.get(metas[i].callId()); // the writer's own index
        if ((e == null || e.id == null) && unlinked.size() < MAX_UNLINKED) {
          unlinked.add(new Object[] {c, metas[i].callId()});
        } else {
          send(c, metas[i].callId());
        }
      }
    }
  }

  private void flushUnlinked() {
    if (forward != null && !unlinked.isEmpty()) {
      forward(List.of(), new TraceRecord.Meta[0]);
    }
  }

  private void send(Captured c, String callId) {
    TraceIndex.Entry e = index.byCallId.get(callId);
    forward
        .offer()
        .test(
            new TracedMessage(
                c.epochMicros(),
                c.dir(),
                c.transport(),
                c.local(),
                c.remote(),
                java.util.Arrays.copyOfRange(c.buf(), c.off(), c.off() + c.len()),
                e == null || e.id == null ? "" : e.id));
  }

  /** Writes {@code b} to the current segment and indexes records {@code from..to-1} of it. */
  private void flush(ByteBuffer b, long[] offsets, TraceRecord.Meta[] metas, int from, int to)
      throws IOException {
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
    index.lock.writeLock().lock();
    try {
      for (int i = from; i < to; i++) {
        indexRecord(metas[i], TraceIndex.position(number, base + offsets[i]));
        seg.lastAt = Math.max(seg.lastAt, metas[i].epochMicros());
      }
    } finally {
      index.lock.writeLock().unlock();
    }
  }

  private TraceRecord.Meta encode(ByteBuffer b, Object o) {
    return switch (o) {
      case Captured c -> {
        int[] cid = TraceRecord.callId(c.buf(), c.off(), c.len());
        String callId =
            cid == null ? "" : new String(c.buf(), cid[0], cid[1], StandardCharsets.UTF_8);
        byte[] cidBytes =
            cid == null
                ? new byte[0]
                : java.util.Arrays.copyOfRange(c.buf(), cid[0], cid[0] + cid[1]);
        TraceRecord.putMessage(
            b,
            c.dir(),
            c.transport(),
            c.local(),
            c.remote(),
            cidBytes,
            c.buf(),
            c.off(),
            c.len(),
            c.epochMicros());
        yield new TraceRecord.Meta(
            TraceRecord.MESSAGE,
            c.epochMicros(),
            c.dir() == Direction.IN,
            ip(c.remote()),
            callId,
            null);
      }
      case Link l -> {
        byte[] cidBytes = TraceRecord.utf8(l.callId(), TraceRecord.MAX_CALL_ID);
        byte[] idBytes = TraceRecord.utf8(l.id(), TraceRecord.MAX_ID);
        TraceRecord.putLink(b, cidBytes, idBytes, l.epochMicros());
        yield new TraceRecord.Meta(
            TraceRecord.LINK,
            l.epochMicros(),
            false,
            "",
            new String(cidBytes, StandardCharsets.UTF_8),
            new String(idBytes, StandardCharsets.UTF_8));
      }
      default -> throw new IllegalStateException("queued " + o);
    };
  }

  private ByteBuffer grow(ByteBuffer b, int need) {
    ByteBuffer bigger = ByteBuffer.allocate(Math.max(b.capacity() * 2, b.position() + need));
    b.flip();
    bigger.put(b);
    buffer = bigger;
    return bigger;
  }

  private static String ip(InetSocketAddress a) {
    return a == null || a.getAddress() == null ? "" : a.getAddress().getHostAddress();
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
      long n = 0;
      for (TraceIndex.Entry e : index.byCallId.values()) {
        for (int i = 0; i < e.n && TraceIndex.segment(e.positions[i]) <= number; i++) {
          n++;
        }
      }
      return n;
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
   * captured (by the tap), written (messages and links), dropped (the queue was full: the writer
   * fell behind), failed (the disk refused them), deleted (messages, by retention), stored_bytes,
   * queued.
   */
  public Map<String, Long> counters() {
    Map<String, Long> m = new java.util.LinkedHashMap<>();
    m.put("captured", captured.sum());
    m.put("written", written.sum());
    m.put("dropped", dropped.sum());
    m.put("failed", failed.sum());
    m.put("deleted", deleted.sum());
    m.put("stored_bytes", storedBytes);
    m.put("queued", (long) queue.size());
    if (forward != null) {
      m.putAll(forward.counters().get());
    }
    return m;
  }

  /** Writes what is queued (waiting at most 10 s), then stops the writer. Idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      if (!queue.offer(STOP, 10, TimeUnit.SECONDS)) {
        LOG.warn("trace writer: queue still full after 10 s");
      }
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (forward != null) {
      forward.close().run();
    }
    reads.close();
  }
}
