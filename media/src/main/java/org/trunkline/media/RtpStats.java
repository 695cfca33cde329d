package org.trunkline.media;

/**
 * Counts one flow of one stream as RFC 3550 appendix A does: extended highest sequence number and
 * expected packets (A.1, A.3), interarrival jitter (A.8), plus duplicates and late (reordered)
 * packets. A new SSRC restarts the sequence bookkeeping; counts add up across SSRCs. Only the
 * session's event loop touches an instance.
 */
final class RtpStats {
  private static final int WINDOW = 1024; // sequence numbers remembered for duplicate detection
  private static final int MAX_DROPOUT = 3000; // RFC 3550 A.1
  private static final int MAX_MISORDER = 100;

  private long packets;
  private long bytes;
  private long duplicates;
  private long late;
  private long expectedBefore; // expected packets of earlier SSRCs
  private long receivedBefore; // packets counted against expectedBefore
  private long lastArrivalNanos;
  private long firstArrivalNanos;

  private boolean started;
  private int ssrc;
  private int baseSeq;
  private int maxSeq;
  private int cycles;
  private long received; // of the current SSRC, duplicates excluded
  private final long[] seen = new long[WINDOW / 64];

  private boolean haveTransit;
  private long transit;
  private double jitter; // in timestamp units

  /**
   * Counts a packet.
   *
   * @param clockRate the RTP clock of its payload type, for jitter
   */
  void packet(int ssrc, int seq, long timestamp, int length, long arrivalNanos, int clockRate) {
    packets++;
    bytes += length;
    lastArrivalNanos = arrivalNanos;
    if (!started || ssrc != this.ssrc) {
      if (started) {
        expectedBefore += expected();
        receivedBefore += received;
      } else {
        firstArrivalNanos = arrivalNanos;
      }
      started = true;
      this.ssrc = ssrc;
      baseSeq = seq;
      maxSeq = seq;
      cycles = 0;
      received = 1;
      java.util.Arrays.fill(seen, 0);
      mark(seq);
      haveTransit = false;
      jitter(timestamp, arrivalNanos, clockRate);
      return;
    }
    int delta = (seq - maxSeq) & 0xffff;
    if (delta == 0) {
      duplicates++;
      return;
    }
    if (delta < MAX_DROPOUT) {
      if (seq < maxSeq) {
        cycles += 0x10000; // wrapped
      }
      // forget the marks the window slides past
      for (int s = (maxSeq + 1) & 0xffff, n = 0; s != seq && n < WINDOW; s = (s + 1) & 0xffff) {
        unmark(s);
        n++;
      }
      maxSeq = seq;
    } else if (delta <= 0x10000 - MAX_MISORDER) {
      // a big jump: the sender restarted its sequence (RFC 3550 A.1, resynchronised at once)
      expectedBefore += expected();
      receivedBefore += received;
      baseSeq = seq;
      maxSeq = seq;
      cycles = 0;
      received = 0;
      java.util.Arrays.fill(seen, 0);
    } else if (isSeen(seq)) {
      duplicates++;
      return;
    } else {
      late++; // older than the highest seen: reordered
    }
    received++;
    mark(seq);
    jitter(timestamp, arrivalNanos, clockRate);
  }

  private void jitter(long timestamp, long arrivalNanos, int clockRate) {
    // RFC 3550 A.8: arrival time in timestamp units; only differences matter
    long arrival = Math.floorDiv(arrivalNanos, 1000L) * clockRate / 1_000_000L;
    long t = arrival - (timestamp & 0xffffffffL);
    if (haveTransit) {
      long d = Math.abs(t - transit);
      if (d < (long) clockRate * 10) { // a timestamp jump (new talk spurt base) is not jitter
        jitter += (d - jitter) / 16.0;
      }
    }
    transit = t;
    haveTransit = true;
  }

  private void mark(int seq) {
    int i = seq % WINDOW;
    seen[i >>> 6] |= 1L << (i & 63);
  }

  private void unmark(int seq) {
    int i = seq % WINDOW;
    seen[i >>> 6] &= ~(1L << (i & 63));
  }

  private boolean isSeen(int seq) {
    int i = seq % WINDOW;
    return (seen[i >>> 6] & (1L << (i & 63))) != 0;
  }

  private long expected() {
    return started ? (long) cycles + maxSeq - baseSeq + 1 : 0;
  }

  long packets() {
    return packets;
  }

  long lastArrivalNanos() {
    return lastArrivalNanos;
  }

  long firstArrivalNanos() {
    return firstArrivalNanos;
  }

  /** Packets expected but never received (RFC 3550 A.3), never negative. */
  long lost() {
    long exp = expectedBefore + expected();
    long got = receivedBefore + received;
    return Math.max(0, exp - got);
  }

  /** A snapshot in milliseconds, with the E-model estimate. */
  FlowStats snapshot(Flow flow, int clockRate) {
    double jitterMs = jitter * 1000.0 / clockRate;
    long exp = expectedBefore + expected();
    double lossPct = exp == 0 ? 0 : 100.0 * lost() / exp;
    double mos = packets == 0 ? 0 : EModel.mos(lossPct, jitterMs);
    return new FlowStats(flow, packets, bytes, lost(), duplicates, late, jitterMs, lossPct, mos);
  }
}
