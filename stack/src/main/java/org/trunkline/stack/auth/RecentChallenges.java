package org.trunkline.stack.auth;

/**
 * The nonces of challenges sent without a transaction over UDP, remembered for as long as a client
 * retransmits the request (RFC 3261 §17.1.2.2: until Timer F, 64*T1), so that a copy of the request
 * gets the same challenge again and not one with a new nonce (§17.2.2: a retransmission gets the
 * transaction's last response; the 401 to a REGISTER without credentials is sent with no
 * transaction, §8.2.7, so nothing else would absorb the copy).
 *
 * <p>What is kept is only what makes the same nonce again ({@link NonceCodec#encode}): per
 * challenge the request's id (a keyed 64-bit hash of what the response echoes, {@link
 * DigestChallenger#challengeLinesForCopies}), the nonce's issue time and its sequence number, 24
 * bytes in three {@code long[]} rings in the order they were issued, and two {@code int}s of
 * open-addressing index (linear probing over ring positions): 32 bytes per challenge and no object.
 * An entry is forgotten once the window has passed since its nonce was issued, and the oldest one
 * early when {@code maxEntries} are kept (a flood of REGISTERs without credentials shortens the
 * window instead of taking memory). The rings grow by doubling and give the room back once the
 * burst that took it has passed.
 *
 * <p>Thread-safe (one lock; the work under it is a probe and an array write).
 */
final class RecentChallenges {
  /** The smallest rings once used (512 bytes): a realm that challenges nothing holds none. */
  private static final int FIRST_SIZE = 16;

  private final long windowMillis;
  private final int maxSize;

  // empty until the first challenge: there is one per realm, and a realm may be a trunk's
  private long[] ids = new long[0];
  private long[] times = new long[0];
  private long[] seqs = new long[0];

  /** Ring position + 1 of an entry whose id leads here (0: empty); twice the ring's length. */
  private int[] index = new int[0];

  private int head;
  private int used;

  /**
   * @param windowMillis how long after its issue a nonce is given again to a copy of its request
   * @param maxEntries how many are kept at most (rounded down to a power of two, at least 16)
   */
  RecentChallenges(long windowMillis, int maxEntries) {
    this.windowMillis = windowMillis;
    this.maxSize = Math.max(FIRST_SIZE, Integer.highestOneBit(maxEntries));
  }

  /**
   * The nonce of the challenge sent within the window for the request {@code id}, or a new one
   * issued at {@code nowMillis} (and remembered).
   */
  String nonce(long id, long nowMillis, NonceCodec codec) {
    return nonce(id, nowMillis, codec, NonceCodec.Frame.NONE);
  }

  /**
   * {@link #nonce(long, long, NonceCodec)} inside {@code frame}'s text ({@link
   * NonceCodec#encode(long, long, NonceCodec.Frame)}): the challenge line in one String.
   */
  synchronized String nonce(long id, long nowMillis, NonceCodec codec, NonceCodec.Frame frame) {
    expire(nowMillis);
    int pos = lookup(id);
    if (pos >= 0 && nowMillis - times[pos] < windowMillis) {
      return codec.encode(times[pos], seqs[pos], frame);
    }
    long seq = codec.nextSequence();
    if (pos >= 0) {
      // past its window but not at the head (the clock stepped back since): made new in place
      times[pos] = nowMillis;
      seqs[pos] = seq;
    } else {
      add(id, nowMillis, seq);
    }
    return codec.encode(nowMillis, seq, frame);
  }

  /** Challenges remembered now (some may be past the window until the next call). */
  synchronized int size() {
    return used;
  }

  /**
   * How many entries the rings can hold now (they grow by doubling up to {@code maxEntries}, and
   * halve when an eighth is used).
   */
  synchronized int capacity() {
    return ids.length;
  }

  private void add(long id, long nowMillis, long seq) {
    if (used == ids.length) {
      if (ids.length < maxSize) {
        resize(Math.max(FIRST_SIZE, 2 * ids.length));
      } else {
        drop(); // full: the oldest goes early
      }
    }
    int pos = (head + used) & (ids.length - 1);
    ids[pos] = id;
    times[pos] = nowMillis;
    seqs[pos] = seq;
    put(pos);
    used++;
  }

  /**
   * Forgets the entries at the head whose window has passed (the clock may step back: kept), and
   * gives back the room a burst took once an eighth of it is used (halving, down to the first
   * size).
   */
  private void expire(long nowMillis) {
    while (used > 0 && nowMillis - times[head] >= windowMillis) {
      drop();
    }
    while (ids.length > FIRST_SIZE && used <= ids.length / 8) {
      resize(ids.length / 2);
    }
  }

  private void drop() {
    unindex(head);
    head = (head + 1) & (ids.length - 1);
    used--;
  }

  private int lookup(long id) {
    if (used == 0) {
      return -1; // (and the index may be empty)
    }
    int mask = index.length - 1;
    for (int slot = home(id) & mask; ; slot = (slot + 1) & mask) {
      int v = index[slot];
      if (v == 0) {
        return -1;
      }
      if (ids[v - 1] == id) {
        return v - 1;
      }
    }
  }

  private void put(int pos) {
    int mask = index.length - 1;
    int slot = home(ids[pos]) & mask;
    while (index[slot] != 0) {
      slot = (slot + 1) & mask;
    }
    index[slot] = pos + 1;
  }

  /** Takes ring position {@code pos} out of the index (backward-shift deletion: no tombstones). */
  private void unindex(int pos) {
    int mask = index.length - 1;
    int hole = home(ids[pos]) & mask;
    while (index[hole] != pos + 1) {
      hole = (hole + 1) & mask;
    }
    for (int next = (hole + 1) & mask; index[next] != 0; next = (next + 1) & mask) {
      int ideal = home(ids[index[next] - 1]) & mask;
      // the entry at next may fill the hole unless its home slot lies in (hole, next]
      if (((next - ideal) & mask) >= ((next - hole) & mask)) {
        index[hole] = index[next];
        hole = next;
      }
    }
    index[hole] = 0;
  }

  /** Rings of {@code size} (>= used), in issue order from position 0, and the index built again. */
  private void resize(int size) {
    int n = ids.length;
    long[] i2 = new long[size];
    long[] t2 = new long[size];
    long[] s2 = new long[size];
    for (int i = 0; i < used; i++) {
      int from = (head + i) & (n - 1);
      i2[i] = ids[from];
      t2[i] = times[from];
      s2[i] = seqs[from];
    }
    ids = i2;
    times = t2;
    seqs = s2;
    head = 0;
    index = new int[2 * size];
    for (int i = 0; i < used; i++) {
      put(i);
    }
  }

  /** The id's index slot: its high bits (the id is a keyed hash, uniform in every bit). */
  private static int home(long id) {
    return (int) (id >>> 32);
  }
}
