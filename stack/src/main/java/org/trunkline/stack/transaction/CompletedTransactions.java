package org.trunkline.stack.transaction;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The Completed state of the UDP non-INVITE server transactions of one layer (RFC 3261 §17.2.2),
 * kept as what that state needs and nothing more: the key, the final response's bytes and the
 * deadline of Timer J. A transaction that completes over UDP leaves the layer's table and becomes
 * one ring slot here (its response, its key's bytes): its request is gone already, and its peer,
 * its TU, its timer and its key String are released (a REGISTER or OPTIONS answered at 4,000/s
 * keeps about 128,000 of these for 32 s, which the collector must trace and copy).
 *
 * <p>Timer J is the same for every entry ({@code 64*T1}, {@link TransactionConfig#timeoutNanos}),
 * so deadlines come in the order entries are added: a ring of entries in that order (response,
 * deadline, key hash and key bounds per slot), one scheduler task for its head instead of one timer
 * per transaction, and an open-addressing index (linear probing over ring positions) to find a
 * retransmission's entry by its key, checked byte for byte. A lookup at or after an entry's
 * deadline finds nothing whether or not the task has run yet (§17.2.2: no resend once Timer J
 * fired).
 *
 * <p>An entry holds the response by reference (the caller never changes it after handing it over)
 * and its key's bytes in one byte ring shared by all entries: keys are written in the order entries
 * are added and freed in that order too, so the ring needs no allocation per entry, and an entry
 * costs the collector no object of its own beyond the response it resends (none for an ACKed server
 * INVITE). Until stop 18 each entry was one new array holding a copy of the response and the key
 * (~0.9 KB allocated per call on the event loops, bench/RESULTS.md, branch alloc11).
 *
 * <p>The same ring keeps the layer's other states that only absorb retransmissions for 64*T1 (RFC
 * 6026's Accepted once it is done: {@link TransactionLayer}), each with the bytes it resends (none
 * for a server INVITE that was ACKed) and, when the layer asks for it at construction, the peer to
 * resend them to. Such an entry's deadline is its transaction's own Timer L or M, so it may fall a
 * little before an older entry's: it is then freed when the entries before it are (a few
 * milliseconds late), while a lookup still ends at its own deadline.
 *
 * <p>Confined to the layer's thread.
 */
final class CompletedTransactions {
  private static final int INITIAL_CAPACITY = 256;

  private final Scheduler scheduler;
  private final Runnable expireTask = this::expire;

  /** Per ring slot: the response to resend (maybe empty); null once removed or expired. */
  private byte[][] entries = new byte[INITIAL_CAPACITY][];

  /** Per ring slot: where its key's UTF-8 bytes start in {@link #keys}, and how many. */
  private int[] keyStarts = new int[INITIAL_CAPACITY];

  private int[] keyLengths = new int[INITIAL_CAPACITY];

  /**
   * The keys' bytes, a ring in the order of the entries: the head entry's key starts the used part,
   * {@link #keyTail} ends it (wrapping around the end of the array).
   */
  private byte[] keys = new byte[INITIAL_CAPACITY * 64];

  private int keyTail;

  private long[] deadlines = new long[INITIAL_CAPACITY];
  private int[] hashes = new int[INITIAL_CAPACITY];

  /** Per ring slot, the peer to resend to; null when this ring keeps no peers. */
  private Peer[] peers;

  /**
   * Ring position + 1 of an entry whose key hash leads here (0: empty); twice the ring's length.
   */
  private int[] index = new int[2 * INITIAL_CAPACITY];

  private int head;
  private int used;

  /** Slots holding an entry that can still be found (not removed). */
  private int live;

  private Scheduler.Scheduled armed;

  CompletedTransactions(Scheduler scheduler) {
    this(scheduler, false);
  }

  /**
   * @param withPeers whether each entry keeps a peer ({@link #add(String, byte[], long, Peer)})
   */
  CompletedTransactions(Scheduler scheduler, boolean withPeers) {
    this.scheduler = scheduler;
    this.peers = withPeers ? new Peer[INITIAL_CAPACITY] : null;
  }

  /** Entries kept (some may be past their deadline until the task runs). */
  int size() {
    return live;
  }

  /**
   * Keeps {@code response} under {@code key} until Timer J ({@code timerJNanos} from now).
   *
   * @return the deadline, which names the entry in {@link #remove}
   */
  long add(String key, byte[] response, long timerJNanos) {
    return add(key, response, timerJNanos, null);
  }

  /**
   * Keeps {@code response} (the bytes to resend, maybe none) and {@code peer} (for a ring made with
   * peers) under {@code key} for {@code timerJNanos} from now: Timer J, L or M.
   *
   * @return the deadline, which names the entry in {@link #remove}
   */
  long add(String key, byte[] response, long timerJNanos, Peer peer) {
    long now = scheduler.nanoTime();
    long deadline = now + timerJNanos;
    if (used == entries.length) {
      grow();
    }
    // the key's UTF-8 bytes into the key ring: an ASCII key (every key we make from a parsed
    // message's routing values, as a rule) written char by char, without a byte[] of its own
    int n = asciiLength(key);
    byte[] k = n < 0 ? key.getBytes(StandardCharsets.UTF_8) : null;
    if (k != null) {
      n = k.length;
    }
    int at = keyRoom(n);
    if (k != null) {
      System.arraycopy(k, 0, keys, at, n);
    } else {
      for (int i = 0; i < n; i++) {
        keys[at + i] = (byte) key.charAt(i);
      }
    }
    keyTail = at + n;
    int pos = (head + used) & (entries.length - 1);
    entries[pos] = response;
    keyStarts[pos] = at;
    keyLengths[pos] = n;
    deadlines[pos] = deadline;
    hashes[pos] = hash(key);
    if (peers != null) {
      peers[pos] = peer;
    }
    put(pos);
    used++;
    live++;
    if (armed == null) {
      armed = scheduler.schedule(expireTask, deadlines[head] - now);
    }
    return deadline;
  }

  /**
   * The response to resend for a retransmission of {@code key} (the array given to {@link #add}:
   * not to be changed), or null (none, or Timer J fired).
   */
  byte[] find(String key) {
    int pos = lookup(key);
    if (pos < 0 || scheduler.nanoTime() - deadlines[pos] >= 0) {
      return null; // none, or Timer J is due: the task removes it
    }
    return entries[pos]; // the caller only sends it: no copy
  }

  /**
   * The peer kept with {@code key}'s entry (a ring made with peers), or null (none, or its deadline
   * has come).
   */
  Peer peer(String key) {
    int pos = lookup(key);
    return pos < 0 || peers == null || scheduler.nanoTime() - deadlines[pos] >= 0
        ? null
        : peers[pos];
  }

  /**
   * Forgets the entry of {@code key} made with {@code deadline} (a transport error ended the
   * transaction before Timer J). Its slot stays in the ring until then, empty.
   */
  void remove(String key, long deadline) {
    int pos = lookup(key);
    if (pos >= 0 && deadlines[pos] == deadline) {
      entries[pos] = null;
      clearPeer(pos);
      live--;
    }
  }

  /** §17.2.2: Timer J fired for every entry at the head whose deadline has come. */
  private void expire() {
    armed = null;
    long now = scheduler.nanoTime();
    int mask = entries.length - 1;
    while (used > 0 && now - deadlines[head] >= 0) {
      unindex(head);
      if (entries[head] != null) {
        entries[head] = null;
        live--;
      }
      clearPeer(head);
      head = (head + 1) & mask;
      used--;
    }
    if (used > 0) {
      armed = scheduler.schedule(expireTask, deadlines[head] - now);
    }
  }

  private void clearPeer(int pos) {
    if (peers != null) {
      peers[pos] = null;
    }
  }

  /** The ring position of the entry of {@code key} that is still kept, or -1. */
  private int lookup(String key) {
    int h = hash(key);
    int mask = index.length - 1;
    for (int slot = h & mask; ; slot = (slot + 1) & mask) {
      int v = index[slot];
      if (v == 0) {
        return -1;
      }
      int pos = v - 1;
      if (hashes[pos] == h && entries[pos] != null && keyEquals(pos, key)) {
        return pos;
      }
    }
  }

  /** Whether the key of ring position {@code pos} is {@code key}'s UTF-8 bytes. */
  private boolean keyEquals(int pos, String key) {
    int from = keyStarts[pos];
    int n = keyLengths[pos];
    if (asciiLength(key) == n) {
      for (int i = 0; i < n; i++) {
        if (keys[from + i] != (byte) key.charAt(i)) {
          return false;
        }
      }
      return true;
    }
    byte[] k = key.getBytes(StandardCharsets.UTF_8);
    return n == k.length && Arrays.equals(keys, from, from + n, k, 0, n);
  }

  /**
   * Where in {@link #keys} the next entry's key of {@code n} bytes goes: after the last key, or at
   * the start of the array when it does not fit before the end, or in a larger array when the ring
   * is full (the keys copied over in order, their slots' starts moved with them).
   */
  private int keyRoom(int n) {
    if (used == 0) {
      keyTail = 0;
    }
    int start = used == 0 ? 0 : keyStarts[head];
    boolean wrapped = used > 0 && keyTail <= start;
    if (!wrapped) {
      if (keyTail + n <= keys.length) {
        return keyTail;
      }
      if (n < start) {
        return 0;
      }
    } else if (keyTail + n < start) {
      return keyTail;
    }
    byte[] bigger = new byte[Math.max(2 * keys.length, keys.length + 2 * n)];
    int mask = entries.length - 1;
    int t = 0;
    for (int i = 0; i < used; i++) {
      int pos = (head + i) & mask;
      System.arraycopy(keys, keyStarts[pos], bigger, t, keyLengths[pos]);
      keyStarts[pos] = t;
      t += keyLengths[pos];
    }
    keys = bigger;
    keyTail = t;
    return t;
  }

  private void put(int pos) {
    int mask = index.length - 1;
    int slot = hashes[pos] & mask;
    while (index[slot] != 0) {
      slot = (slot + 1) & mask;
    }
    index[slot] = pos + 1;
  }

  /** Takes ring position {@code pos} out of the index (backward-shift deletion: no tombstones). */
  private void unindex(int pos) {
    int mask = index.length - 1;
    int hole = hashes[pos] & mask;
    while (index[hole] != pos + 1) {
      hole = (hole + 1) & mask;
    }
    for (int next = (hole + 1) & mask; index[next] != 0; next = (next + 1) & mask) {
      int ideal = hashes[index[next] - 1] & mask;
      // the entry at next may fill the hole unless its home slot lies in (hole, next]
      if (((next - ideal) & mask) >= ((next - hole) & mask)) {
        index[hole] = index[next];
        hole = next;
      }
    }
    index[hole] = 0;
  }

  /** Twice the ring, in deadline order from position 0, and the index built again over it. */
  private void grow() {
    int n = entries.length;
    byte[][] e = new byte[2 * n][];
    long[] d = new long[2 * n];
    int[] h = new int[2 * n];
    int[] ks = new int[2 * n];
    int[] kl = new int[2 * n];
    Peer[] p = peers == null ? null : new Peer[2 * n];
    for (int i = 0; i < used; i++) {
      int from = (head + i) & (n - 1);
      e[i] = entries[from];
      d[i] = deadlines[from];
      h[i] = hashes[from];
      ks[i] = keyStarts[from];
      kl[i] = keyLengths[from];
      if (p != null) {
        p[i] = peers[from];
      }
    }
    peers = p;
    entries = e;
    deadlines = d;
    hashes = h;
    keyStarts = ks;
    keyLengths = kl;
    head = 0;
    index = new int[4 * n];
    for (int i = 0; i < used; i++) {
      put(i);
    }
  }

  /** {@code s.length()} when every char is ASCII (its UTF-8 is one byte a char), else -1. */
  private static int asciiLength(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) >= 0x80) {
        return -1;
      }
    }
    return s.length();
  }

  /** The String's hash, spread so that keys differing in their last characters spread too. */
  private static int hash(String key) {
    int h = key.hashCode();
    return h ^ (h >>> 16);
  }
}
