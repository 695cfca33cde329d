package org.trunkline.stack.auth;

/**
 * Nonce-count replay protection with bounded memory and no object per nonce (RFC 7616 §3.4 nc,
 * §5.4). A nonce's slot is its sequence number (see {@link NonceCodec}) modulo the table's size;
 * the slot keeps that sequence number, the nonce's issue time, the highest nc seen and a 64-bit
 * window of the counts below it, so requests that overtake each other (UDP, several transactions in
 * flight) are accepted once each, as in the IPsec anti-replay window (RFC 4303 §3.4.3).
 *
 * <p>The table starts small and doubles, up to the largest power of two not above {@code capacity}
 * (32 bytes a slot), whenever a nonce would push a live one (issued at or after {@code
 * expiredBefore}) out of its slot. Once it is full, the newcomer takes the slot, and every nonce
 * issued at or before the newest live one pushed out that is not in its slot any more is answered
 * "forgotten" (stale: the client takes a new nonce), so eviction can never re-open a replay. A
 * nonce pushed out after it expired needs no such mark: expired nonces are refused before their
 * counts are looked at. Thread-safe (one lock; the work under it is an array index).
 */
final class NonceCounts {
  /** What {@link #check} decided. */
  enum Verdict {
    FRESH,
    REPLAY,
    /** Forgotten for lack of room: the client must take a new nonce. */
    FORGOTTEN
  }

  private static final int FIRST_SIZE = 64;
  private static final long EMPTY = Long.MIN_VALUE;

  private final int maxSize;
  private long evictedUpTo = Long.MIN_VALUE;

  // per slot: sequence number (EMPTY when unused), issue time, highest nc, window (bit i: highest
  // - i was seen)
  private long[] seqs;
  private long[] issued;
  private long[] highest;
  private long[] seen;

  NonceCounts(int capacity) {
    this.maxSize = Integer.highestOneBit(Math.max(1, capacity));
    allocate(Math.min(FIRST_SIZE, maxSize));
  }

  /**
   * Records {@code nc} for the nonce with sequence number {@code seq}, issued at {@code issuedAt},
   * if it was not seen before. A slot held by a nonce issued before {@code expiredBefore} is free.
   */
  synchronized Verdict check(long seq, long issuedAt, long nc, long expiredBefore) {
    if (nc <= 0) {
      return Verdict.REPLAY;
    }
    int i = slot(seq);
    if (seqs[i] != seq) {
      if (issuedAt <= evictedUpTo) {
        return Verdict.FORGOTTEN; // it may have been here and pushed out
      }
      // another live nonce in the slot: make room if we may, rather than push it out
      while (seqs[i] != EMPTY && issued[i] >= expiredBefore && seqs.length < maxSize) {
        allocate(seqs.length * 2);
        i = slot(seq);
      }
      if (seqs[i] != EMPTY && issued[i] >= expiredBefore) {
        evictedUpTo = Math.max(evictedUpTo, issued[i]);
      }
      seqs[i] = seq;
      issued[i] = issuedAt;
      highest[i] = 0;
      seen[i] = 0;
    }
    long top = highest[i];
    if (nc > top) {
      long shift = nc - top;
      seen[i] = shift >= 64 ? 1 : (seen[i] << shift) | 1;
      highest[i] = nc;
      return Verdict.FRESH;
    }
    long back = top - nc;
    if (back >= 64 || (seen[i] & (1L << back)) != 0) {
      return Verdict.REPLAY;
    }
    seen[i] |= 1L << back;
    return Verdict.FRESH;
  }

  /** How many nonces the table can hold now. */
  synchronized int size() {
    return seqs.length;
  }

  private int slot(long seq) {
    return (int) seq & (seqs.length - 1);
  }

  /** A table of {@code size} slots holding what the current one holds. */
  private void allocate(int size) {
    long[] oldSeqs = seqs;
    seqs = new long[size];
    java.util.Arrays.fill(seqs, EMPTY);
    long[] oldIssued = issued;
    long[] oldHighest = highest;
    long[] oldSeen = seen;
    issued = new long[size];
    highest = new long[size];
    seen = new long[size];
    if (oldSeqs == null) {
      return;
    }
    // distinct slots modulo n stay distinct modulo 2n
    for (int j = 0; j < oldSeqs.length; j++) {
      if (oldSeqs[j] != EMPTY) {
        int i = slot(oldSeqs[j]);
        seqs[i] = oldSeqs[j];
        issued[i] = oldIssued[j];
        highest[i] = oldHighest[j];
        seen[i] = oldSeen[j];
      }
    }
  }
}
