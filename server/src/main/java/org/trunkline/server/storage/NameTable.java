package org.trunkline.server.storage;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * {@link TraceIndex}'s names (Call-IDs or trace ids) numbered in the order added: their UTF-8 bytes
 * in one arena, their hashes, and an open-addressing table (linear probing) from hash to number.
 */
final class NameTable {
  byte[] bytes;
  int used;
  int[] at;
  int[] len; // -1: removed
  long[] hash;
  int size;
  int live;
  // hash and number + 1 side by side (one cache line per probe); number 0 for empty
  long[] slots;

  NameTable() {
    this(1024, 1 << 16);
  }

  /**
   * Sized for {@code names} names of {@code bytes} bytes in all, so that adding them does not grow
   * it.
   */
  NameTable(int names, int bytes) {
    int n = Math.max(1024, names);
    this.bytes = new byte[Math.max(1 << 16, bytes)];
    at = new int[n];
    len = new int[n];
    hash = new long[n];
    // at most half full: twice the names' slots, a power of two
    slots = new long[2 * Math.max(2048, Integer.highestOneBit(Math.max(1, names)) * 4)];
  }

  int size() {
    return size;
  }

  int find(byte[] b, int off, int n, long h) {
    int mask = slots.length / 2 - 1;
    for (int s = (int) h & mask; ; s = (s + 1) & mask) {
      int v = (int) slots[2 * s + 1] - 1;
      if (v < 0) {
        return -1;
      }
      if (slots[2 * s] == h
          && len[v] == n
          && Arrays.equals(bytes, at[v], at[v] + n, b, off, off + n)) {
        return v;
      }
    }
  }

  /** Adds a name not there yet; returns its number. */
  int add(byte[] b, int off, int n, long h) {
    if (used + n > bytes.length) {
      bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, used + n));
    }
    System.arraycopy(b, off, bytes, used, n);
    int v = size;
    if (v == at.length) {
      at = Arrays.copyOf(at, v * 2);
      len = Arrays.copyOf(len, v * 2);
      hash = Arrays.copyOf(hash, v * 2);
    }
    at[v] = used;
    len[v] = n;
    hash[v] = h;
    used += n;
    size = v + 1;
    live++;
    if (live > slots.length / 4) {
      rehash(slots.length); // twice the slots: at most half full
    } else {
      put(v);
    }
    return v;
  }

  private void put(int v) {
    int mask = slots.length / 2 - 1;
    int s = (int) hash[v] & mask;
    while (slots[2 * s + 1] != 0) {
      s = (s + 1) & mask;
    }
    slots[2 * s] = hash[v];
    slots[2 * s + 1] = v + 1;
  }

  private void rehash(int slotCount) {
    slots = new long[2 * slotCount];
    for (int v = 0; v < size; v++) {
      if (len[v] >= 0) {
        put(v);
      }
    }
  }

  /**
   * Takes name {@code v} out of the table (its number stays, marked removed); the names after it in
   * its probe run move back, so that no search stops short (linear probing's deletion).
   */
  void remove(int v) {
    int mask = slots.length / 2 - 1;
    int i = (int) hash[v] & mask;
    while ((int) slots[2 * i + 1] != v + 1) {
      i = (i + 1) & mask;
    }
    for (int j = (i + 1) & mask; slots[2 * j + 1] != 0; j = (j + 1) & mask) {
      int home = (int) slots[2 * j] & mask;
      // the name at j may fill the hole at i unless its home lies cyclically in (i, j]
      boolean stays = i <= j ? i < home && home <= j : i < home || home <= j;
      if (!stays) {
        slots[2 * i] = slots[2 * j];
        slots[2 * i + 1] = slots[2 * j + 1];
        i = j;
      }
    }
    slots[2 * i] = 0;
    slots[2 * i + 1] = 0;
    len[v] = -1;
    live--;
  }

  String string(int v) {
    return new String(bytes, at[v], len[v], StandardCharsets.UTF_8);
  }

  void replaceBy(NameTable o) {
    bytes = o.bytes;
    used = o.used;
    at = o.at;
    len = o.len;
    hash = o.hash;
    size = o.size;
    live = o.live;
    slots = o.slots;
  }
}
