package org.trunkline.server.storage;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Where each Call-ID's records are in the segment files, and which trace each Call-ID belongs to.
 * In memory, rebuilt from the segments at start. Written by the trace writer only (under the write
 * lock), read by the API's threads (under the read lock).
 *
 * <p>No object per Call-ID or per message (issue 7: the index's Strings and entries were most of
 * the trace writer's work and garbage): Call-IDs and trace ids are numbered in the order first
 * seen, found through open-addressing tables keyed by a 64-bit hash of their UTF-8 bytes, and
 * compared byte for byte with the copy kept in a byte arena, so two names with the same hash stay
 * apart. Messages are numbered in write order (segment order), each chained to the next of its
 * Call-ID; the Call-IDs of a trace are chained both ways.
 *
 * <p>Retention drops a prefix of the messages: it walks only the messages it drops (each is the
 * oldest of its Call-ID), forgets the Call-IDs left without messages (out of their table and trace
 * chain; their numbers stay, dead, so the order of the rest holds), and renumbers everything only
 * when the dead numbers reach half the live ones. Renumbering all on every drop walked the whole
 * index (a million messages per GiB of segments) each time a segment went: 150-250 ms of the
 * writer's CPU per retention pass, its main cost at low rates (bench/RESULTS.md, stop 19, trace12).
 */
final class TraceIndex {
  /** A 64-bit hash of {@code b[off, off + len)}. */
  @FunctionalInterface
  interface Hash {
    long of(byte[] b, int off, int len);
  }

  private static final VarHandle LONG_LE =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  /**
   * Eight bytes a step (xor, multiply, fold), the rest as one word, then a final mix (the tables
   * use the low bits). FNV-1a before took a multiply per byte in one dependent chain, on every
   * message the writer indexes. Only ever in memory: the index is rebuilt at start.
   */
  static final Hash MIX =
      (b, off, len) -> {
        long h = 0x9e3779b97f4a7c15L ^ len;
        int i = off;
        int end = off + len;
        for (; i + 8 <= end; i += 8) {
          h = (h ^ (long) LONG_LE.get(b, i)) * 0xff51afd7ed558ccdL;
          h ^= h >>> 32;
        }
        long tail = 0;
        for (int shift = 0; i < end; i++, shift += 8) {
          tail |= (b[i] & 0xffL) << shift;
        }
        h = (h ^ tail) * 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        return h ^ h >>> 33;
      };

  /** What reads see of one Call-ID: its messages' positions and times in write order. */
  record Entry(String callId, long[] positions, long[] times, int n, String id) {
    long first() {
      return times[0];
    }
  }

  final ReadWriteLock lock = new ReentrantReadWriteLock();

  private final Hash hash;
  private final NameTable callIds;
  private final NameTable ids;

  // per Call-ID (by its number k in callIds): KEY ints at keys[KEY * k], one cache line
  private static final int KEY = 8;
  private static final int HEAD = 0; // first message, -1 for none
  private static final int TAIL = 1; // last message
  private static final int COUNT = 2;
  private static final int TRACE = 3; // trace number, -1 for none
  private static final int NEXT_IN_TRACE = 4; // the next Call-ID of the same trace, -1 at the end
  private static final int SOURCE = 5; // the first caller IP (number in sources), -1 for none
  private static final int DEAD = 6; // 1 when forgotten (its number waits for the next renumbering)
  private static final int PREV_IN_TRACE = 7; // the previous Call-ID of the same trace, -1 first
  private int[] keys = new int[KEY * 1024];
  private long[] linkedAt = new long[1024];
  private final Map<Integer, int[]> moreSources = new HashMap<>(); // the rare 2nd..8th IPs

  // per trace id (by its number in ids): its Call-IDs' chain
  private int[] firstOfTrace = new int[256];

  // per message (by its number, in write order); those before firstMessage are dropped
  private int firstMessage;
  private int messages;
  private long[] positions = new long[4096]; // segment << 40 | offset
  private long[] times = new long[4096];
  private int[] next = new int[4096]; // the next message of the same Call-ID, -1 for none
  private int[] owner = new int[4096]; // its Call-ID

  private int deadCallIds;
  private int deadIds;
  // Call-IDs linked while they had no message: retention forgets those still without one when
  // their link is older than the cutoff (not in write order, so kept apart); duplicates are
  // harmless
  private int[] linkOnly = new int[256];
  private int linkOnlyCount;

  // the caller IPs, interned (few)
  private final List<String> sourceNames = new ArrayList<>();
  private final Map<String, Integer> sourceNumbers = new HashMap<>();

  TraceIndex() {
    this(MIX);
  }

  /** With another hash (tests: one that collides). */
  TraceIndex(Hash hash) {
    this.hash = hash;
    this.callIds = new NameTable();
    this.ids = new NameTable();
  }

  static long position(int segment, long offset) {
    return (long) segment << 40 | offset;
  }

  static int segment(long position) {
    return (int) (position >>> 40);
  }

  static long offset(long position) {
    return position & ((1L << 40) - 1);
  }

  // ---- the writer (under the write lock) ----

  /** One message of the Call-ID in {@code b[off, off + len)}; {@code remoteIp} "" for none. */
  void message(byte[] b, int off, int len, long position, long at, boolean in, String remoteIp) {
    int k = callId(b, off, len);
    int m = messages;
    if (m == positions.length) {
      int n = m * 2;
      positions = Arrays.copyOf(positions, n);
      times = Arrays.copyOf(times, n);
      next = Arrays.copyOf(next, n);
      owner = Arrays.copyOf(owner, n);
    }
    positions[m] = position;
    times[m] = at;
    next[m] = -1;
    owner[m] = k;
    messages = m + 1;
    if (keys[KEY * k + HEAD] < 0) {
      keys[KEY * k + HEAD] = m;
    } else {
      next[keys[KEY * k + TAIL]] = m;
    }
    keys[KEY * k + TAIL] = m;
    keys[KEY * k + COUNT]++;
    if (in && !remoteIp.isEmpty()) {
      addSource(k, remoteIp);
    }
  }

  void message(String callId, long position, long at, boolean in, String remoteIp) {
    byte[] b = callId.getBytes(StandardCharsets.UTF_8);
    message(b, 0, b.length, position, at, in, remoteIp);
  }

  /** Links the Call-ID in {@code c[co, co + cl)} to the trace id in {@code d[dof, dof + dl)}. */
  void link(byte[] c, int co, int cl, byte[] d, int dof, int dl, long at) {
    int k = callId(c, co, cl);
    int t = ids.find(d, dof, dl, hash.of(d, dof, dl));
    if (t >= 0 && t == keys[KEY * k + TRACE]) {
      return;
    }
    if (keys[KEY * k + TRACE] >= 0) {
      unchain(k);
    }
    if (keys[KEY * k + COUNT] == 0) {
      if (linkOnlyCount == linkOnly.length) {
        linkOnly = Arrays.copyOf(linkOnly, linkOnlyCount * 2);
      }
      linkOnly[linkOnlyCount++] = k;
    }
    if (t < 0) {
      t = ids.add(d, dof, dl, hash.of(d, dof, dl));
      if (t == firstOfTrace.length) {
        firstOfTrace = Arrays.copyOf(firstOfTrace, t * 2);
      }
      firstOfTrace[t] = -1;
    }
    keys[KEY * k + TRACE] = t;
    linkedAt[k] = at;
    int first = firstOfTrace[t];
    keys[KEY * k + NEXT_IN_TRACE] = first;
    keys[KEY * k + PREV_IN_TRACE] = -1;
    if (first >= 0) {
      keys[KEY * first + PREV_IN_TRACE] = k;
    }
    firstOfTrace[t] = k;
  }

  void link(String callId, String id, long at) {
    byte[] c = callId.getBytes(StandardCharsets.UTF_8);
    byte[] d = id.getBytes(StandardCharsets.UTF_8);
    link(c, 0, c.length, d, 0, d.length, at);
  }

  /** Takes Call-ID {@code k} out of its trace's chain; a trace left empty is forgotten. */
  private void unchain(int k) {
    int t = keys[KEY * k + TRACE];
    int prev = keys[KEY * k + PREV_IN_TRACE];
    int next = keys[KEY * k + NEXT_IN_TRACE];
    if (prev < 0) {
      firstOfTrace[t] = next;
    } else {
      keys[KEY * prev + NEXT_IN_TRACE] = next;
    }
    if (next >= 0) {
      keys[KEY * next + PREV_IN_TRACE] = prev;
    }
    keys[KEY * k + NEXT_IN_TRACE] = -1;
    keys[KEY * k + PREV_IN_TRACE] = -1;
    keys[KEY * k + TRACE] = -1;
    if (firstOfTrace[t] < 0) {
      ids.remove(t);
      deadIds++;
    }
  }

  /** The number of the Call-ID in {@code b[off, off + len)}, made when new. */
  private int callId(byte[] b, int off, int len) {
    long h = hash.of(b, off, len);
    int k = callIds.find(b, off, len, h);
    if (k >= 0) {
      return k;
    }
    k = callIds.add(b, off, len, h);
    if (k == linkedAt.length) {
      keys = Arrays.copyOf(keys, KEY * k * 2);
      linkedAt = Arrays.copyOf(linkedAt, k * 2);
    }
    clear(k);
    return k;
  }

  private void clear(int k) {
    int at = KEY * k;
    keys[at + HEAD] = -1;
    keys[at + TAIL] = -1;
    keys[at + COUNT] = 0;
    keys[at + TRACE] = -1;
    keys[at + NEXT_IN_TRACE] = -1;
    keys[at + SOURCE] = -1;
    keys[at + DEAD] = 0;
    keys[at + PREV_IN_TRACE] = -1;
    linkedAt[k] = 0;
  }

  private void addSource(int k, String ip) {
    Integer known = sourceNumbers.get(ip);
    int s;
    if (known == null) {
      s = sourceNames.size();
      sourceNames.add(ip);
      sourceNumbers.put(ip, s);
    } else {
      s = known;
    }
    if (keys[KEY * k + SOURCE] < 0) {
      keys[KEY * k + SOURCE] = s;
      return;
    }
    if (keys[KEY * k + SOURCE] == s) {
      return;
    }
    int[] more = moreSources.get(k);
    if (more == null) {
      moreSources.put(k, new int[] {s});
      return;
    }
    if (more.length >= 7 || contains(more, s)) {
      return; // at most 8 per Call-ID, as before
    }
    int[] m = Arrays.copyOf(more, more.length + 1);
    m[more.length] = s;
    moreSources.put(k, m);
  }

  private static boolean contains(int[] a, int v) {
    for (int x : a) {
      if (x == v) {
        return true;
      }
    }
    return false;
  }

  /**
   * Forgets the records of segments up to {@code segment}, and links without messages made before
   * {@code linkCutoff}. Walks only the messages dropped; renumbers what is left when the dead
   * numbers reach half the live ones. Writer only, under the write lock.
   */
  void dropUpTo(int segment, long linkCutoff) {
    int d = firstMessage;
    while (d < messages && segment(positions[d]) <= segment) {
      d++;
    }
    for (int m = firstMessage; m < d; m++) {
      // m is the oldest message of its Call-ID: a Call-ID's messages are chained in write order
      int at = KEY * owner[m];
      keys[at + HEAD] = next[m];
      if (next[m] < 0) {
        keys[at + TAIL] = -1;
      }
      if (--keys[at + COUNT] == 0) {
        forget(owner[m]);
      }
    }
    firstMessage = d;
    int w = 0;
    for (int i = 0; i < linkOnlyCount; i++) {
      int k = linkOnly[i];
      if (keys[KEY * k + DEAD] != 0 || keys[KEY * k + COUNT] > 0) {
        continue; // forgotten already, or it has messages now
      }
      if (linkedAt[k] < linkCutoff) {
        forget(k);
      } else {
        linkOnly[w++] = k;
      }
    }
    linkOnlyCount = w;
    int liveMessages = messages - firstMessage;
    if (firstMessage > liveMessages / 2
        || deadCallIds > (callIds.size() - deadCallIds) / 2
        || deadIds > (ids.size() - deadIds) / 2) {
      renumber();
    }
  }

  /** Call-ID {@code k} has no message left (or only an old link): out of every table and chain. */
  private void forget(int k) {
    int at = KEY * k;
    if (keys[at + TRACE] >= 0) {
      unchain(k);
    }
    callIds.remove(k);
    moreSources.remove(k);
    keys[at + HEAD] = -1;
    keys[at + TAIL] = -1;
    keys[at + COUNT] = 0;
    keys[at + SOURCE] = -1;
    keys[at + DEAD] = 1;
    deadCallIds++;
  }

  /**
   * Numbers the live messages, Call-IDs and trace ids from 0 again, in the same order (reads walk
   * Call-IDs newest first by number), with tables sized for them.
   */
  private void renumber() {
    int known = callIds.size();
    int kept = known - deadCallIds;
    int[] renumber = new int[known];
    NameTable keptCallIds = new NameTable(kept, callIds.used);
    int nk = 0;
    for (int k = 0; k < known; k++) {
      if (keys[KEY * k + DEAD] != 0) {
        renumber[k] = -1;
      } else {
        renumber[k] = nk++;
        keptCallIds.add(callIds.bytes, callIds.at[k], callIds.len[k], callIds.hash[k]);
      }
    }
    int traces = ids.size();
    int[] traceRenumber = new int[traces];
    NameTable keptIds = new NameTable(traces - deadIds, ids.used);
    int[] firsts = new int[Math.max(256, Integer.highestOneBit(Math.max(1, traces - deadIds)) * 2)];
    int nt = 0;
    for (int t = 0; t < traces; t++) {
      if (ids.len[t] < 0) {
        traceRenumber[t] = -1;
      } else {
        traceRenumber[t] = nt;
        firsts[nt] = firstOfTrace[t] < 0 ? -1 : renumber[firstOfTrace[t]];
        keptIds.add(ids.bytes, ids.at[t], ids.len[t], ids.hash[t]);
        nt++;
      }
    }
    int shift = firstMessage;
    int n = Math.max(1024, Integer.highestOneBit(Math.max(1, kept)) * 2);
    int[] old = keys;
    long[] oldLinkedAt = linkedAt;
    keys = new int[KEY * n];
    linkedAt = new long[n];
    for (int k = 0; k < known; k++) {
      int to = renumber[k];
      if (to < 0) {
        continue;
      }
      int a = KEY * k;
      int b = KEY * to;
      keys[b + HEAD] = old[a + HEAD] < 0 ? -1 : old[a + HEAD] - shift;
      keys[b + TAIL] = old[a + TAIL] < 0 ? -1 : old[a + TAIL] - shift;
      keys[b + COUNT] = old[a + COUNT];
      keys[b + TRACE] = old[a + TRACE] < 0 ? -1 : traceRenumber[old[a + TRACE]];
      keys[b + NEXT_IN_TRACE] = old[a + NEXT_IN_TRACE] < 0 ? -1 : renumber[old[a + NEXT_IN_TRACE]];
      keys[b + PREV_IN_TRACE] = old[a + PREV_IN_TRACE] < 0 ? -1 : renumber[old[a + PREV_IN_TRACE]];
      keys[b + SOURCE] = old[a + SOURCE];
      linkedAt[to] = oldLinkedAt[k];
    }
    int left = messages - shift;
    System.arraycopy(positions, shift, positions, 0, left);
    System.arraycopy(times, shift, times, 0, left);
    System.arraycopy(next, shift, next, 0, left);
    System.arraycopy(owner, shift, owner, 0, left);
    for (int m = 0; m < left; m++) {
      owner[m] = renumber[owner[m]];
      if (next[m] >= 0) {
        next[m] -= shift;
      }
    }
    firstMessage = 0;
    messages = left;
    if (!moreSources.isEmpty()) {
      Map<Integer, int[]> more = new HashMap<>();
      moreSources.forEach((k, v) -> more.put(renumber[k], v));
      moreSources.clear();
      moreSources.putAll(more);
    }
    int w = 0;
    for (int i = 0; i < linkOnlyCount; i++) {
      int k = renumber[linkOnly[i]];
      if (k >= 0 && keys[KEY * k + COUNT] == 0) {
        linkOnly[w++] = k;
      }
    }
    linkOnlyCount = w;
    firstOfTrace = firsts;
    callIds.replaceBy(keptCallIds);
    ids.replaceBy(keptIds);
    deadCallIds = 0;
    deadIds = 0;
  }

  // ---- reads (under the read lock; the writer's own reads need no lock) ----

  /** The number of Call-ID {@code callId}, or -1. */
  int find(String callId) {
    byte[] b = callId.getBytes(StandardCharsets.UTF_8);
    return callIds.find(b, 0, b.length, hash.of(b, 0, b.length));
  }

  /** The Call-IDs numbered, 0 (the oldest) up; a forgotten one among them has no messages. */
  int callIdCount() {
    return callIds.size();
  }

  /** Whether {@code id} is a trace id something is linked to. */
  boolean isTrace(String id) {
    return traceNumber(id) >= 0;
  }

  private int traceNumber(String id) {
    byte[] b = id.getBytes(StandardCharsets.UTF_8);
    int t = ids.find(b, 0, b.length, hash.of(b, 0, b.length));
    return t >= 0 && firstOfTrace[t] >= 0 ? t : -1;
  }

  /** The trace id Call-ID {@code k} is linked to, or null. */
  String id(int k) {
    int t = keys[KEY * k + TRACE];
    return t < 0 ? null : ids.string(t);
  }

  String callId(int k) {
    return callIds.string(k);
  }

  int messages(int k) {
    return keys[KEY * k + COUNT];
  }

  /** The time of Call-ID {@code k}'s first message written; it must have one. */
  long first(int k) {
    return times[keys[KEY * k + HEAD]];
  }

  /** The latest time of Call-ID {@code k}'s messages; it must have one. */
  long last(int k) {
    long max = Long.MIN_VALUE;
    for (int m = keys[KEY * k + HEAD]; m >= 0; m = next[m]) {
      max = Math.max(max, times[m]);
    }
    return max;
  }

  /** Whether a message from {@code ip} came in on Call-ID {@code k}. */
  boolean hasSource(int k, String ip) {
    Integer s = sourceNumbers.get(ip);
    if (s == null || keys[KEY * k + SOURCE] < 0) {
      return false;
    }
    if (keys[KEY * k + SOURCE] == s) {
      return true;
    }
    int[] more = moreSources.get(k);
    return more != null && contains(more, s);
  }

  /** Call-ID {@code k}'s messages. */
  Entry entry(int k) {
    int n = keys[KEY * k + COUNT];
    long[] p = new long[n];
    long[] t = new long[n];
    int i = 0;
    for (int m = keys[KEY * k + HEAD]; m >= 0; m = next[m]) {
      p[i] = positions[m];
      t[i] = times[m];
      i++;
    }
    return new Entry(callIds.string(k), p, t, n, id(k));
  }

  /** The numbers of the Call-IDs linked to trace {@code id} (none when it is no trace id). */
  List<Integer> callIdsOf(String id) {
    int t = traceNumber(id);
    List<Integer> out = new ArrayList<>(2);
    if (t >= 0) {
      for (int k = firstOfTrace[t]; k >= 0; k = keys[KEY * k + NEXT_IN_TRACE]) {
        out.add(k);
      }
    }
    return out;
  }

  /** Messages of segments up to {@code segment}. */
  long countUpTo(int segment) {
    int m = firstMessage;
    while (m < messages && segment(positions[m]) <= segment) {
      m++;
    }
    return m - firstMessage;
  }

  /** All messages indexed. */
  int messageCount() {
    return messages - firstMessage;
  }
}
