package org.trunkline.server.storage;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Where each Call-ID's records are in the segment files, and which trace each Call-ID belongs to.
 * In memory, rebuilt from the segments at start. Written by the trace writer only (under the write
 * lock), read by the API's threads (under the read lock).
 */
final class TraceIndex {
  /** One Call-ID: its messages' positions ({@code segment << 40 | offset}) and times, in order. */
  static final class Entry {
    final String callId;
    long[] positions = new long[4];
    long[] times = new long[4];
    int n;
    String id;
    long linkedAt;
    List<String> sources = List.of();

    Entry(String callId) {
      this.callId = callId;
    }

    void add(long position, long at) {
      if (n == positions.length) {
        positions = java.util.Arrays.copyOf(positions, n * 2);
        times = java.util.Arrays.copyOf(times, n * 2);
      }
      positions[n] = position;
      times[n] = at;
      n++;
    }

    long first() {
      return times[0];
    }

    long last() {
      long max = Long.MIN_VALUE;
      for (int i = 0; i < n; i++) {
        max = Math.max(max, times[i]);
      }
      return max;
    }
  }

  final ReadWriteLock lock = new ReentrantReadWriteLock();

  /** Call-ID to entry, in the order first seen (the newest last). */
  final LinkedHashMap<String, Entry> byCallId = new LinkedHashMap<>();

  /** Trace id to its Call-IDs, first linked first. */
  final Map<String, List<String>> byId = new HashMap<>();

  static long position(int segment, long offset) {
    return (long) segment << 40 | offset;
  }

  static int segment(long position) {
    return (int) (position >>> 40);
  }

  static long offset(long position) {
    return position & ((1L << 40) - 1);
  }

  /** Writer only, under the write lock. */
  void message(String callId, long position, long at, boolean in, String remoteIp) {
    Entry e = byCallId.computeIfAbsent(callId, Entry::new);
    e.add(position, at);
    if (in && !remoteIp.isEmpty() && !e.sources.contains(remoteIp) && e.sources.size() < 8) {
      List<String> s = new ArrayList<>(e.sources);
      s.add(remoteIp);
      e.sources = List.copyOf(s);
    }
  }

  /** Writer only, under the write lock. */
  void link(String callId, String id, long at) {
    Entry e = byCallId.computeIfAbsent(callId, Entry::new);
    if (id.equals(e.id)) {
      return;
    }
    if (e.id != null) {
      List<String> old = byId.get(e.id);
      if (old != null) {
        old.remove(callId);
        if (old.isEmpty()) {
          byId.remove(e.id);
        }
      }
    }
    e.id = id;
    e.linkedAt = at;
    byId.computeIfAbsent(id, k -> new ArrayList<>(2)).add(callId);
  }

  /**
   * Forgets the records of segments up to {@code segment}, and links without messages made before
   * {@code linkCutoff}. Writer only, under the write lock.
   */
  void dropUpTo(int segment, long linkCutoff) {
    for (Iterator<Entry> it = byCallId.values().iterator(); it.hasNext(); ) {
      Entry e = it.next();
      int keep = 0;
      while (keep < e.n && segment(e.positions[keep]) <= segment) {
        keep++;
      }
      if (keep > 0) {
        e.n -= keep;
        System.arraycopy(e.positions, keep, e.positions, 0, e.n);
        System.arraycopy(e.times, keep, e.times, 0, e.n);
      }
      if (e.n == 0 && (keep > 0 || e.linkedAt < linkCutoff)) {
        it.remove();
        if (e.id != null) {
          List<String> l = byId.get(e.id);
          if (l != null) {
            l.remove(e.callId);
            if (l.isEmpty()) {
              byId.remove(e.id);
            }
          }
        }
      }
    }
  }
}
