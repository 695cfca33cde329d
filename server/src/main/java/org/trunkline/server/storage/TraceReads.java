package org.trunkline.server.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.trunkline.core.trace.TracedMessage;

/**
 * The read side of the trace segments: a trace's messages by its id or a Call-ID, and summaries,
 * read at the positions the {@link TraceIndex} holds. The API's threads, under the index's read
 * lock (so no segment is deleted under a read); one read channel per segment, kept open until
 * retention deletes the segment.
 */
final class TraceReads {
  private final Path dir;
  private final TraceIndex index;
  private final Map<Integer, FileChannel> readers = new ConcurrentHashMap<>();

  TraceReads(Path dir, TraceIndex index) {
    this.dir = dir;
    this.index = index;
  }

  /** The trace {@code id} names, or empty ({@link TraceStore#find}). */
  Optional<Trace> find(String id) throws IOException {
    index.lock.readLock().lock();
    try {
      String traceId = resolve(id);
      if (traceId == null) {
        return Optional.empty();
      }
      List<TraceIndex.Entry> entries = entries(traceId);
      Trace t = read(traceId, entries, TraceStore.MAX_MESSAGES);
      return t.messages().isEmpty() ? Optional.empty() : Optional.of(t);
    } finally {
      index.lock.readLock().unlock();
    }
  }

  /** The trace id {@code id} names, or null; under the read lock. */
  String resolve(String id) {
    int k = index.find(id);
    if (k >= 0) {
      String t = index.id(k);
      return t != null ? t : id;
    }
    return index.isTrace(id) ? id : null;
  }

  /** The Call-IDs' entries of trace {@code traceId}; under the read lock. */
  List<TraceIndex.Entry> entries(String traceId) {
    List<TraceIndex.Entry> out = new ArrayList<>();
    if (!index.isTrace(traceId)) {
      int k = index.find(traceId);
      if (k >= 0) {
        out.add(index.entry(k));
      }
      return out;
    }
    for (int k : index.callIdsOf(traceId)) {
      if (index.messages(k) > 0) {
        out.add(index.entry(k));
      }
    }
    return out;
  }

  private Trace read(String traceId, List<TraceIndex.Entry> entries, int max) throws IOException {
    int total = 0;
    for (TraceIndex.Entry e : entries) {
      total += e.n();
    }
    long[][] all = new long[total][];
    int k = 0;
    for (TraceIndex.Entry e : entries) {
      for (int i = 0; i < e.n(); i++) {
        all[k++] = new long[] {e.times()[i], e.positions()[i]};
      }
    }
    java.util.Arrays.sort(
        all, (a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
    int from = Math.max(0, total - max);
    String corr = index.isTrace(traceId) ? traceId : "";
    List<TracedMessage> messages = new ArrayList<>(total - from);
    for (int i = from; i < total; i++) {
      messages.add(TraceRecord.message(record(all[i][1]), corr));
    }
    List<TraceIndex.Entry> ordered = new ArrayList<>(entries);
    ordered.sort(java.util.Comparator.comparingLong(TraceIndex.Entry::first));
    return new Trace(
        traceId, ordered.stream().map(TraceIndex.Entry::callId).toList(), messages, from > 0);
  }

  /** A record's body at {@code position}; under the read lock (so its segment stays). */
  private ByteBuffer record(long position) throws IOException {
    int number = TraceIndex.segment(position);
    FileChannel ch =
        readers.computeIfAbsent(
            number,
            n -> {
              try {
                return FileChannel.open(dir.resolve(TraceStore.name(n)), StandardOpenOption.READ);
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            });
    long at = TraceIndex.offset(position);
    ByteBuffer len = ByteBuffer.allocate(4);
    ch.read(len, at);
    ByteBuffer body = ByteBuffer.allocate(len.flip().getInt());
    while (body.hasRemaining() && ch.read(body, at + 4 + body.position()) > 0) {
      // a positional read may return less than asked
    }
    return body.flip();
  }

  /** The summary of trace {@code traceId}, or empty; under the read lock. */
  Optional<TraceSummary> summary(String traceId, org.trunkline.core.call.Cdr cdr)
      throws IOException {
    List<TraceIndex.Entry> entries = entries(traceId);
    int count = 0;
    long first = Long.MAX_VALUE;
    long last = Long.MIN_VALUE;
    long firstPosition = -1;
    for (TraceIndex.Entry e : entries) {
      count += e.n();
      for (int i = 0; i < e.n(); i++) {
        if (e.times()[i] < first) {
          first = e.times()[i];
          firstPosition = e.positions()[i];
        }
        last = Math.max(last, e.times()[i]);
      }
    }
    if (count == 0) {
      return Optional.empty();
    }
    TracedMessage m = TraceRecord.message(record(firstPosition), traceId);
    List<TraceIndex.Entry> ordered = new ArrayList<>(entries);
    ordered.sort(java.util.Comparator.comparingLong(TraceIndex.Entry::first));
    return Optional.of(
        new TraceSummary(
            traceId,
            ordered.stream().map(TraceIndex.Entry::callId).toList(),
            instant(first),
            instant(last),
            count,
            startLine(m.bytes()),
            cdr));
  }

  static String startLine(byte[] b) {
    int n = 0;
    while (n < b.length && n < 200 && b[n] != '\r' && b[n] != '\n') {
      n++;
    }
    return new String(b, 0, n, StandardCharsets.UTF_8);
  }

  static long micros(java.time.Instant t) {
    return t.getEpochSecond() * 1_000_000L + t.getNano() / 1_000;
  }

  static java.time.Instant instant(long micros) {
    return java.time.Instant.ofEpochSecond(
        Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L);
  }

  /** Closes the reader of segment {@code number}, about to be deleted (retention). */
  void forget(int number) throws IOException {
    FileChannel r = readers.remove(number);
    index.lock.writeLock().lock();
    try {
      if (r != null) {
        r.close();
      }
    } finally {
      index.lock.writeLock().unlock();
    }
  }

  void close() {
    for (FileChannel r : readers.values()) {
      try {
        r.close();
      } catch (IOException e) {
        // closing at shutdown: nothing to do about it
      }
    }
  }
}
