package org.trunkline.core.registrar;

import java.net.InetSocketAddress;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trunkline.core.trunk.Trunk;
import org.trunkline.core.trunk.TrunkAccess;
import org.trunkline.sip.HeaderName;
import org.trunkline.sip.NameAddress;
import org.trunkline.sip.SipMessage;
import org.trunkline.stack.transaction.Peer;

/**
 * The registrar of {@code register-in} trunks (RFC 3261 §10.3): bindings with expiry, several
 * contacts per trunk (beyond {@code max-contacts} the oldest is replaced, so a PBX that moved to a
 * new address is not locked out), un-REGISTER ({@code expires=0}) and {@code *} removal, {@code
 * 423} with Min-Expires, the source address kept for routing back through NAT. Every change is
 * handed to the {@link LocationStore}.
 *
 * <p>Lapsed bindings are dropped when their trunk is next looked at, and by {@link #expire} (every
 * second), which visits only the trunks an {@link ExpiryIndex} files under a second that has come:
 * each trunk with bindings has one live entry there, at or before its earliest lapse. A refresh
 * (the lapse moves later) leaves the entry where it is; when it comes, the sweep finds nothing
 * lapsed and files the trunk under its new earliest lapse. So a sweep costs what is due (about one
 * look per trunk per registration lifetime), not a walk over every trunk.
 *
 * <p>Thread-safe: each trunk's bindings are guarded by their own lock; lookups by source are
 * lock-free.
 */
public final class Registrar {
  private static final Logger LOG = LoggerFactory.getLogger(Registrar.class);

  /** RFC 3261 §10.2.1.1: the lifetime when the REGISTER names none. */
  public static final int DEFAULT_EXPIRES = 3600;

  private static final java.time.format.DateTimeFormatter DATE =
      java.time.format.DateTimeFormatter.ofPattern(
          "EEE, dd MMM yyyy HH:mm:ss 'GMT'", java.util.Locale.ROOT);

  /** A Date header line and the second it shows. */
  private record DateLine(long epochSecond, String line) {}

  /**
   * A trunk's bindings, oldest first, and the second of its live {@link ExpiryIndex} entry ({@code
   * Long.MAX_VALUE}: none). Guarded by itself. An ArrayList with one more field, not a holder of
   * one: 8 bytes more per trunk, not an object.
   */
  private static final class Contacts extends ArrayList<Binding> {
    long dueSecond = Long.MAX_VALUE;

    Contacts(int capacity) {
      super(capacity);
    }
  }

  /** What a REGISTER gets back: a status, its reason and header lines. */
  public record Reply(int status, String reason, List<String> headers) {}

  /**
   * How a trunk's last contact went, for its state: when, and why ({@code contact sip:... expired},
   * {@code contact sip:... unregistered from udp:...}, {@code all contacts removed by udp:...}).
   */
  public record Unbound(java.time.Instant at, String why) {}

  private final InstantSource clock;
  private final LocationStore store;
  // replaced once by restore() with tables sized for the trunks, before any traffic (volatile: the
  // event loops start after it)
  private volatile Map<String, Contacts> byTrunk = new ConcurrentHashMap<>();
  private final ExpiryIndex expiries = new ExpiryIndex();
  private volatile Map<InetSocketAddress, String> trunkBySource = new ConcurrentHashMap<>();

  /** Trunks whose every contact went, and how; forgotten when one registers again. */
  private final Map<String, Unbound> unbound = new ConcurrentHashMap<>();

  /**
   * User-Agent values seen, each kept once: a fleet of PBXs of one model sends one text, and every
   * binding then holds that one String instead of its own copy (about 60 bytes per contact).
   * Bounded: beyond {@link #MAX_USER_AGENTS} distinct values a new one is kept as it came.
   */
  private final Map<String, String> userAgents = new ConcurrentHashMap<>();

  static final int MAX_USER_AGENTS = 1024;

  /**
   * How many "contact ... registered" lines a second are logged at INFO; beyond that, the second's
   * others go to DEBUG and one INFO line counts them. A fleet filling the registrar (100,000 PBXs
   * at 2,000/s after a restart of their network) would otherwise write 2,000 lines a second on the
   * event loops; the first lines of each second and the count still say what happens.
   */
  static final int REGISTERED_LINES_PER_SECOND = 20;

  private final LineBudget registeredLines = new LineBudget(REGISTERED_LINES_PER_SECOND);

  /**
   * Lines of one kind allowed per second, and the count of those over it in the last second that
   * had some, logged once that second has passed (by the next line or the next {@link #expire}).
   */
  private static final class LineBudget {
    private final int perSecond;
    private long second = Long.MIN_VALUE;
    private int taken;
    private int over;

    LineBudget(int perSecond) {
      this.perSecond = perSecond;
    }

    /** Whether a line at {@code now} (epoch ms) may be logged at INFO. */
    synchronized boolean take(long now) {
      roll(now);
      if (taken < perSecond) {
        taken++;
        return true;
      }
      over++;
      return false;
    }

    /** Logs the count of a past second's lines over the budget, if any. */
    synchronized void roll(long now) {
      long s = Math.floorDiv(now, 1000);
      if (s == second) {
        return;
      }
      if (over > 0) {
        LOG.info(
            "{} more contacts registered in second {} (at most {} such lines a second; all at"
                + " DEBUG)",
            over,
            java.time.Instant.ofEpochSecond(second),
            perSecond);
      }
      second = s;
      taken = 0;
      over = 0;
    }
  }

  /** The last Date line made: every 200 of the same second shares it. */
  private volatile DateLine date;

  public Registrar(InstantSource clock, LocationStore store) {
    this.clock = clock;
    this.store = store;
  }

  /**
   * Loads the stored bindings that have not expired (start-up), its tables sized for {@code
   * expected} registering trunks first: a registration storm after a restart (100,000 new contacts)
   * then does not grow them on the event loops, a table copy at each doubling (stop 24: about 4 %
   * of their CPU in a fill).
   */
  public int restore(Function<String, Optional<Trunk>> trunks, int expected) {
    if (expected > 0 && byTrunk.isEmpty()) {
      byTrunk = new ConcurrentHashMap<>(expected);
      trunkBySource = new ConcurrentHashMap<>(expected);
    }
    long now = clock.millis();
    int n = 0;
    for (Binding b : store.loadAll(expected)) {
      if (b.expiresAt() <= now || trunks.apply(b.trunk()).isEmpty()) {
        store.remove(b.trunk(), b.contact());
        continue;
      }
      Contacts list = byTrunk.computeIfAbsent(b.trunk(), k -> new Contacts(2));
      synchronized (list) {
        list.add(b);
        index(b.trunk(), list);
      }
      trunkBySource.put(b.source(), b.trunk());
      n++;
    }
    return n;
  }

  /** Handles a REGISTER already authenticated as {@code trunk}'s. */
  public Reply register(Trunk trunk, SipMessage m, Peer source) {
    if (!(trunk.access() instanceof TrunkAccess.RegisterIn in)) {
      return new Reply(
          403,
          "Forbidden",
          List.of("Warning: 399 trunkline \"trunk " + trunk.name() + " does not register\""));
    }
    int headerExpires = expiresHeader(m);
    long now = clock.millis();
    Contacts list = byTrunk.get(trunk.name());
    // parsed here when the trunk has no bindings yet, else under the lock unless the REGISTER
    // refreshes one of them as it was written (see refreshed)
    List<NameAddress> contacts = null;
    if (list == null) {
      contacts = contacts(m);
      if (contacts == null) {
        return BAD_CONTACT;
      }
      // most trunks hold one or two contacts: an ArrayList's default 10 slots would cost 32 bytes
      // more per trunk (3.2 MB at 100,000)
      int slots = Math.min(in.maxContacts(), 2);
      list = byTrunk.computeIfAbsent(trunk.name(), k -> new Contacts(slots));
    }
    synchronized (list) {
      try {
        return register(trunk, in, m, source, contacts, headerExpires, now, list);
      } finally {
        // every way out, a 500 after an earlier contact of the same REGISTER was bound included
        index(trunk.name(), list);
      }
    }
  }

  private static final Reply BAD_CONTACT = new Reply(400, "Bad Contact", List.of());

  /** The REGISTER's Contact values, or null when one does not parse. */
  private static List<NameAddress> contacts(SipMessage m) {
    try {
      return m.contacts();
    } catch (RuntimeException e) {
      return null;
    }
  }

  /**
   * {@link #register(Trunk, SipMessage, Peer)} with {@code list}'s lock held; {@code contacts} the
   * REGISTER's, or null when not parsed yet.
   */
  private Reply register(
      Trunk trunk,
      TrunkAccess.RegisterIn in,
      SipMessage m,
      Peer source,
      List<NameAddress> contacts,
      int headerExpires,
      long now,
      Contacts list) {
    purge(list, now);
    if (contacts == null) {
      Binding same = refreshed(m, list);
      if (same != null) {
        // the one Contact is <uri> of this binding: no header parameters, so the Expires header
        // or the default gives its lifetime (§10.2.1.1), as for any contact without expires=
        int expires = headerExpires >= 0 ? headerExpires : DEFAULT_EXPIRES;
        if (expires > 0 && expires < in.minExpires()) {
          return new Reply(423, "Interval Too Brief", List.of("Min-Expires: " + in.minExpires()));
        }
        Reply refused = bind(trunk, in, m, source, same.contact(), expires, now, list);
        return refused != null ? refused : ok(list, now);
      }
      contacts = contacts(m);
      if (contacts == null) {
        return BAD_CONTACT;
      }
    }
    boolean wildcard = false;
    for (NameAddress c : contacts) {
      wildcard |= c.wildcard();
    }
    if (wildcard) {
      // §10.3 step 6: "*" only alone and with Expires: 0
      if (contacts.size() != 1 || headerExpires != 0) {
        return new Reply(400, "Invalid Wildcard Contact", List.of());
      }
      for (Binding b : List.copyOf(list)) {
        remove(list, b);
      }
      LOG.info("trunk {}: all contacts removed by {}", trunk.name(), source);
      unbound(trunk.name(), list, now, "all contacts removed by " + source);
      return ok(list, now);
    }
    for (NameAddress c : contacts) {
      int expires = expiresOf(c, headerExpires);
      if (expires > 0 && expires < in.minExpires()) {
        return new Reply(423, "Interval Too Brief", List.of("Min-Expires: " + in.minExpires()));
      }
    }
    for (NameAddress c : contacts) {
      Reply refused =
          bind(trunk, in, m, source, c.uri().toString(), expiresOf(c, headerExpires), now, list);
      if (refused != null) {
        return refused;
      }
    }
    return ok(list, now);
  }

  /**
   * The one Contact of {@code m} when it refreshes a binding of {@code list} as it was written: a
   * single Contact line whose value is exactly {@code <uri>}, {@code uri} a binding's sip/sips URI
   * of printable ASCII without {@code < > " ,} or space. Parsing that line gives one contact with
   * that URI's text and no parameters, which is what this takes without parsing it; null for any
   * other line, and the caller parses it.
   */
  static Binding refreshed(SipMessage m, List<Binding> list) {
    int i = m.indexOf(HeaderName.CONTACT);
    if (i < 0 || list.isEmpty() || m.indexOf(HeaderName.CONTACT, i + 1) >= 0) {
      return null;
    }
    byte[] b = m.array();
    int s = m.rawValueStart(i);
    int e = m.rawValueEnd(i);
    if (e - s < 2 || b[s] != '<' || b[e - 1] != '>') {
      return null;
    }
    for (int k = 0; k < list.size(); k++) {
      Binding x = list.get(k);
      if (plainUri(b, s + 1, e - 1, x.contact())) {
        return x;
      }
    }
    return null;
  }

  /** Whether {@code b[s, e)} is {@code uri}, a sip: or sips: URI of the bytes refreshed takes. */
  private static boolean plainUri(byte[] b, int s, int e, String uri) {
    if (e - s != uri.length() || !(uri.startsWith("sip:") || uri.startsWith("sips:"))) {
      return false;
    }
    for (int p = s; p < e; p++) {
      byte c = b[p];
      if (c <= ' ' || c >= 0x7f || c == '<' || c == '>' || c == '"' || c == ',') {
        return false; // a byte above 0x7f is negative
      }
      if (c != uri.charAt(p - s)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Binds {@code uri} for {@code requested} seconds (0: removes it), as §10.3 steps 7-8 say; a
   * Reply when the REGISTER is refused, else null. With {@code list}'s lock held.
   */
  private Reply bind(
      Trunk trunk,
      TrunkAccess.RegisterIn in,
      SipMessage m,
      Peer source,
      String uri,
      int requested,
      long now,
      Contacts list) {
    int expires = Math.min(requested, in.maxExpires());
    Binding old = find(list, uri);
    if (old != null && old.callId().equals(m.callId()) && m.cseqNumber() <= old.cseq()) {
      // §10.3 step 7: an out-of-order REGISTER must not change the binding
      return new Reply(500, "Out Of Order REGISTER", List.of("Retry-After: 1"));
    }
    if (expires == 0) {
      if (old != null) {
        remove(list, old);
        LOG.info("trunk {}: contact {} unregistered from {}", trunk.name(), uri, source);
        unbound(trunk.name(), list, now, "contact " + uri + " unregistered from " + source);
      }
      return null;
    }
    Binding b =
        new Binding(
            trunk.name(),
            uri,
            now + expires * 1000L,
            source.transport(),
            source.address(),
            source.listenPoint(),
            m.callId(),
            m.cseqNumber(),
            userAgent(m, old),
            old == null ? now : old.registeredAt());
    if (old != null) {
      list.set(list.indexOf(old), b);
    } else {
      while (list.size() >= in.maxContacts()) {
        Binding oldest = list.get(0);
        remove(list, oldest);
        LOG.info(
            "trunk {}: contact {} replaced by {} (max-contacts {})",
            trunk.name(),
            oldest.contact(),
            uri,
            in.maxContacts());
      }
      list.add(b);
      if (list.size() == 1) {
        unbound.remove(trunk.name());
      }
      if (registeredLines.take(now)) {
        LOG.info(
            "trunk {}: contact {} registered from {} for {} s", trunk.name(), uri, source, expires);
      } else {
        LOG.debug(
            "trunk {}: contact {} registered from {} for {} s", trunk.name(), uri, source, expires);
      }
    }
    if (old != null && !old.source().equals(b.source())) {
      trunkBySource.remove(old.source(), trunk.name());
    }
    // a refresh from the same source finds itself there: a lock-free read, no write
    if (!trunk.name().equals(trunkBySource.get(b.source()))) {
      trunkBySource.put(b.source(), trunk.name());
    }
    store.save(b, old);
    return null;
  }

  private Reply ok(List<Binding> list, long now) {
    // one line per binding and the Date: an array of that size, no list grown
    String[] headers = new String[list.size() + 1];
    for (int i = 0; i < list.size(); i++) {
      Binding b = list.get(i);
      headers[i] = "Contact: <" + b.contact() + ">;expires=" + b.secondsLeft(now);
    }
    headers[list.size()] = dateLine();
    return new Reply(200, "OK", Arrays.asList(headers));
  }

  /**
   * The User-Agent of {@code m} to keep: the binding's own when the line's bytes are its text (a
   * refresh from the same device: no String made), else {@link #userAgent(String)} of the value.
   */
  private String userAgent(SipMessage m, Binding old) {
    int i = m.indexOf(HeaderName.USER_AGENT);
    if (i >= 0 && old != null && sameText(m, i, old.userAgent())) {
      return old.userAgent();
    }
    return userAgent(i < 0 ? null : m.headerValue(i));
  }

  /**
   * Whether the value of {@code m}'s line {@code i} is {@code text}, judged on bytes that are their
   * own text (printable ASCII or tab: no fold, nothing to decode); false for any other.
   */
  private static boolean sameText(SipMessage m, int i, String text) {
    byte[] b = m.array();
    int s = m.rawValueStart(i);
    int e = m.rawValueEnd(i);
    if (e - s != text.length()) {
      return false;
    }
    for (int p = s; p < e; p++) {
      byte c = b[p];
      if ((c < 0x20 && c != '\t') || c == 0x7f || c != text.charAt(p - s)) {
        return false; // a byte above 0x7f is negative: below 0x20
      }
    }
    return true;
  }

  /** The one kept String equal to {@code ua} (see {@link #userAgents}). */
  private String userAgent(String ua) {
    if (ua == null) {
      return null;
    }
    String kept = userAgents.get(ua);
    if (kept != null) {
      return kept;
    }
    if (userAgents.size() >= MAX_USER_AGENTS) {
      return ua;
    }
    kept = userAgents.putIfAbsent(ua, ua);
    return kept != null ? kept : ua;
  }

  /** §20.17: rfc1123-date, always GMT; formatted once per second. */
  private String dateLine() {
    java.time.Instant now = clock.instant();
    DateLine d = date;
    if (d == null || d.epochSecond() != now.getEpochSecond()) {
      d =
          new DateLine(
              now.getEpochSecond(), "Date: " + DATE.format(now.atZone(java.time.ZoneOffset.UTC)));
      date = d;
    }
    return d.line();
  }

  /** The live bindings of {@code trunk}, oldest first. */
  public List<Binding> bindings(String trunk) {
    List<Binding> list = byTrunk.get(trunk);
    if (list == null) {
      return List.of();
    }
    synchronized (list) {
      purge(list, clock.millis());
      return List.copyOf(list);
    }
  }

  /** The trunk whose live binding was registered from {@code source}. */
  public Optional<String> trunkRegisteredFrom(InetSocketAddress source) {
    String name = trunkBySource.get(source);
    if (name == null) {
      return Optional.empty();
    }
    List<Binding> list = byTrunk.get(name);
    if (list == null) {
      return Optional.empty();
    }
    // asked for every request from a registered PBX: no copy of the list, no stream
    synchronized (list) {
      purge(list, clock.millis());
      for (int i = 0; i < list.size(); i++) {
        if (list.get(i).source().equals(source)) {
          return Optional.of(name);
        }
      }
    }
    return Optional.empty();
  }

  /** How {@code trunk}'s last contact went, if it has none now and had one since start-up. */
  public Optional<Unbound> unbound(String trunk) {
    return Optional.ofNullable(unbound.get(trunk));
  }

  private void unbound(String trunk, List<Binding> list, long at, String why) {
    if (list.isEmpty()) {
      unbound.put(trunk, new Unbound(java.time.Instant.ofEpochMilli(at), why));
    }
  }

  /**
   * Drops the expired bindings of every trunk; returns how many. Visits only the trunks whose
   * {@link ExpiryIndex} entry has come (see the class comment).
   */
  public int expire() {
    long now = clock.millis();
    registeredLines.roll(now);
    int[] n = {0};
    expiries.takeDue(
        Math.floorDiv(now, 1000),
        (second, name) -> {
          Contacts list = byTrunk.get(name);
          if (list == null) {
            return; // forgotten by a reload: its bindings went then
          }
          synchronized (list) {
            if (list.dueSecond != second) {
              return; // stale: the trunk's live entry is another, still filed
            }
            list.dueSecond = Long.MAX_VALUE;
            n[0] += purge(list, now);
            index(name, list);
          }
        });
    return n[0];
  }

  /**
   * Files {@code trunk} in the {@link ExpiryIndex} under its earliest lapse, unless its live entry
   * comes earlier already (a refresh: nothing to do). With {@code list}'s lock held.
   */
  private void index(String trunk, Contacts list) {
    long earliest = Long.MAX_VALUE;
    for (int i = 0; i < list.size(); i++) {
      earliest = Math.min(earliest, list.get(i).expiresAt());
    }
    if (earliest == Long.MAX_VALUE) {
      return; // no bindings: a live entry, if any, finds nothing when it comes
    }
    long second = Math.floorDiv(earliest, 1000);
    if (second < list.dueSecond) {
      // the earlier entry becomes the live one; the later one is left to come as a stale one
      list.dueSecond = second;
      expiries.add(second, trunk);
    }
  }

  /** Entries in the expiry index, live and stale (for tests: it must not grow by refreshes). */
  int expiryEntries() {
    return expiries.size();
  }

  /**
   * Forgets the bindings of trunks that are no longer configured (after a reload): those {@code
   * configured} has no trunk for.
   */
  public void retain(Function<String, Optional<Trunk>> configured) {
    for (String name : List.copyOf(byTrunk.keySet())) {
      if (configured.apply(name).isEmpty()) {
        Contacts list = byTrunk.remove(name);
        unbound.remove(name);
        synchronized (list) {
          for (Binding b : List.copyOf(list)) {
            remove(list, b);
          }
        }
      }
    }
  }

  /** Binding changes handed to the {@link LocationStore} and not stored yet. */
  public long storePending() {
    return store.pending();
  }

  /** Binding changes the {@link LocationStore} could not store. */
  public long storeFailed() {
    return store.failed();
  }

  /** Live bindings in total. */
  public int size() {
    int n = 0;
    for (List<Binding> list : byTrunk.values()) {
      synchronized (list) {
        n += list.size();
      }
    }
    return n;
  }

  private int purge(List<Binding> list, long now) {
    // runs on every REGISTER and look-up, and for every trunk the sweep visits: most lists have
    // nothing expired, and are not copied
    boolean any = false;
    for (int i = 0; i < list.size() && !any; i++) {
      any = list.get(i).expiresAt() <= now;
    }
    if (!any) {
      return 0;
    }
    int n = 0;
    for (Binding b : List.copyOf(list)) {
      if (b.expiresAt() <= now) {
        remove(list, b);
        LOG.info("trunk {}: contact {} expired", b.trunk(), b.contact());
        unbound(
            b.trunk(), list, b.expiresAt(), "contact " + b.contact() + " expired (not refreshed)");
        n++;
      }
    }
    return n;
  }

  private void remove(List<Binding> list, Binding b) {
    list.remove(b);
    trunkBySource.remove(b.source(), b.trunk());
    store.remove(b.trunk(), b.contact());
  }

  private static Binding find(List<Binding> list, String contact) {
    for (Binding b : list) {
      if (b.contact().equals(contact)) {
        return b;
      }
    }
    return null;
  }

  /** The Expires header's value, or -1 when absent or not a number. */
  private static int expiresHeader(SipMessage m) {
    int i = m.indexOf(HeaderName.EXPIRES);
    if (i < 0) {
      return -1;
    }
    // the usual value, up to 18 digits, read from the bytes; anything else from its String
    byte[] b = m.array();
    int s = m.rawValueStart(i);
    int e = m.rawValueEnd(i);
    long n = 0;
    for (int p = s; p < e && e - s <= 18; p++) {
      if (b[p] < '0' || b[p] > '9') {
        break;
      }
      n = n * 10 + (b[p] - '0');
      if (p == e - 1) {
        return (int) Math.min(n, Integer.MAX_VALUE);
      }
    }
    return seconds(m.headerValue(i).strip());
  }

  private static int expiresOf(NameAddress c, int headerExpires) {
    String p = c.param("expires");
    int e = p == null ? -1 : seconds(p);
    if (e >= 0) {
      return e;
    }
    return headerExpires >= 0 ? headerExpires : DEFAULT_EXPIRES;
  }

  private static int seconds(String v) {
    try {
      long n = Long.parseLong(v);
      return n < 0 ? -1 : (int) Math.min(n, Integer.MAX_VALUE);
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
