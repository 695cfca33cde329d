package org.trunkline.stack;

import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.function.LongSupplier;

/**
 * Which event loop owns each Call-ID (ARCHITECTURE.md, Threads: all of a call's messages, both legs
 * and its timers, run on one loop). The owner is the loop recorded for the Call-ID, else the one
 * its hash picks.
 *
 * <p>Records are made by the loop that reads a new dialog-creating INVITE over UDP ({@link
 * #claim}): the call then lives where its caller's datagrams are read, and as the kernel gives
 * every datagram of one source to the same socket ({@code SO_REUSEPORT} hashes the 4-tuple), the
 * caller's later messages never cross loops. The transaction user records the Call-IDs of a call in
 * progress ({@link #keep}) until the call ends ({@link #release}); a B-leg Call-ID is chosen to
 * hash to its call's loop, so a message for it still finds the call without a record. A claim
 * nobody keeps, and a released record whose Call-ID hashes elsewhere, are forgotten after {@code
 * linger} (64*T1: the INVITE server transaction of a refused call waits that long for its ACK,
 * §17.2.1, and a BYE's that long for copies, §17.2.2), by {@link #expire} on the owner loop.
 *
 * <p>Thread-safe: {@link #ownerOf} from any thread; a record is written only on its owner loop.
 */
final class CallLoops {
  /** A recorded owner. Fields other than {@code loop} are touched only on that loop's thread. */
  static final class Owner {
    final int loop;
    final String callId;
    final long claimExpires;
    boolean kept;
    boolean released;
    long releaseExpires;

    Owner(int loop, String callId, long claimExpires) {
      this.loop = loop;
      this.callId = callId;
      this.claimExpires = claimExpires;
    }
  }

  private final ConcurrentHashMap<String, Owner> owners = new ConcurrentHashMap<>();
  private final List<EventExecutor> loops;
  private final long lingerNanos;
  private final LongSupplier nanoTime;

  /** Per loop, oldest first; each touched only on its loop's thread. */
  private final List<ArrayDeque<Owner>> claims = new ArrayList<>();

  private final List<ArrayDeque<Owner>> releases = new ArrayList<>();

  /** Whether a new INVITE over UDP stays on the loop that read it ({@link #claim}). */
  private final boolean onReader;

  /**
   * How many more Call-IDs than twice the least busy loop's a reading loop may keep before a new
   * call it reads goes to its Call-ID's hash instead ({@link #claim}): the kernel gives all
   * datagrams of one source to one socket, so a single busy peer (an SBC in front of a PBX park)
   * would otherwise put every call on one loop and leave the other cores idle.
   */
  static final int SPILL_SLACK = 256;

  /** Per loop, the Call-IDs it keeps now. */
  private final AtomicIntegerArray kept;

  CallLoops(List<EventExecutor> loops, long lingerNanos, LongSupplier nanoTime) {
    this(loops, lingerNanos, nanoTime, true);
  }

  /**
   * @param onReader whether a call lives on the loop that read its INVITE over UDP; false: on its
   *     Call-ID's hash (as before branch hand), {@link #claim} then only follows a record
   */
  CallLoops(List<EventExecutor> loops, long lingerNanos, LongSupplier nanoTime, boolean onReader) {
    this.onReader = onReader;
    this.loops = List.copyOf(loops);
    this.lingerNanos = lingerNanos;
    this.nanoTime = nanoTime;
    this.kept = new AtomicIntegerArray(loops.size());
    for (int i = 0; i < loops.size(); i++) {
      claims.add(new ArrayDeque<>());
      releases.add(new ArrayDeque<>());
    }
  }

  int size() {
    return loops.size();
  }

  /** The index of the loop that owns {@code callId} (any thread). */
  int ownerOf(String callId) {
    int n = loops.size();
    if (n == 1 || callId == null) {
      return 0;
    }
    Owner o = owners.get(callId);
    return o != null ? o.loop : Math.floorMod(callId.hashCode(), n);
  }

  /** The index of the loop the caller runs on, -1 off the loops. */
  int current() {
    for (int i = 0; i < loops.size(); i++) {
      if (loops.get(i).inEventLoop()) {
        return i;
      }
    }
    return -1;
  }

  /**
   * On loop {@code reading}, which read a new dialog-creating INVITE with {@code callId}: the loop
   * that owns its call, {@code reading} unless another loop owns the Call-ID already (a copy from
   * another source, a merged request, one of our own B-legs come back).
   */
  int claim(String callId, int reading) {
    if (!onReader || crowded(reading)) {
      return ownerOf(callId);
    }
    Owner mine = new Owner(reading, callId, nanoTime.getAsLong() + lingerNanos);
    Owner prior = owners.putIfAbsent(callId, mine);
    if (prior != null) {
      return prior.loop;
    }
    claims.get(reading).add(mine);
    return reading;
  }

  /**
   * Whether loop {@code reading} keeps more than twice the Call-IDs of the least busy loop plus
   * {@link #SPILL_SLACK}: its new calls then spread by their Call-ID's hash (a hand-off for those
   * of them that hash elsewhere) until the loops are even again.
   */
  private boolean crowded(int reading) {
    int mine = kept.get(reading);
    if (mine <= SPILL_SLACK) {
      return false;
    }
    int least = mine;
    for (int i = 0; i < kept.length(); i++) {
      least = Math.min(least, kept.get(i));
    }
    return mine > 2 * least + SPILL_SLACK;
  }

  /** The Call-IDs loop {@code loop} keeps now (tests, metrics). */
  int kept(int loop) {
    return kept.get(loop);
  }

  /**
   * On the loop that owns {@code callId}: keeps its record until {@link #release}; records the
   * calling loop when there is none (a call that came over TCP, a B-leg).
   */
  void keep(String callId) {
    int here = current();
    int loop = here >= 0 ? here : ownerOf(callId);
    Owner o = owners.get(callId);
    if (o == null) {
      o = new Owner(loop, callId, 0);
      Owner prior = owners.putIfAbsent(callId, o);
      o = prior != null ? prior : o;
    }
    if (o.loop == loop && !o.kept) {
      o.kept = true;
      kept.incrementAndGet(loop);
    }
  }

  /**
   * On the owner loop, the call of {@code callId} ended: its record goes now if the Call-ID hashes
   * to the same loop anyway, else after the linger.
   */
  void release(String callId) {
    Owner o = owners.get(callId);
    if (o == null || !o.kept || o.released) {
      return;
    }
    o.kept = false;
    kept.decrementAndGet(o.loop);
    int here = current();
    if (Math.floorMod(callId.hashCode(), loops.size()) == o.loop || here != o.loop) {
      owners.remove(callId, o);
      return;
    }
    o.released = true;
    o.releaseExpires = nanoTime.getAsLong() + lingerNanos;
    releases.get(here).add(o);
  }

  /** On loop {@code loop}: forgets its claims nobody kept and its releases past the linger. */
  void expire(int loop) {
    long now = nanoTime.getAsLong();
    ArrayDeque<Owner> q = claims.get(loop);
    for (Owner o = q.peek(); o != null && now - o.claimExpires >= 0; o = q.peek()) {
      q.poll();
      if (!o.kept && !o.released) {
        owners.remove(o.callId, o);
      }
    }
    q = releases.get(loop);
    for (Owner o = q.peek(); o != null && now - o.releaseExpires >= 0; o = q.peek()) {
      q.poll();
      owners.remove(o.callId, o);
    }
  }

  /** Recorded Call-IDs (tests, metrics). */
  int recorded() {
    return owners.size();
  }
}
