package org.trunkline.stack.dns;

import io.netty.handler.codec.dns.DnsRecordType;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Answers by name and type until their TTL runs out on the injected ticker, at most {@code max} of
 * them; the least recently used goes first. Not thread-safe: the resolver's event loop owns it.
 */
final class RecordCache {
  private record Key(String name, int type) {}

  private record Entry(Answer<?> answer, long expiresAtNanos) {}

  private final int max;
  private final Map<Key, Entry> entries;

  RecordCache(int max) {
    this.max = max;
    this.entries = new LinkedHashMap<>(16, 0.75f, true);
  }

  /** The cached answer, or null if there is none or it expired at {@code nowNanos}. */
  Answer<?> get(String name, DnsRecordType type, long nowNanos) {
    Key key = new Key(name, type.intValue());
    Entry e = entries.get(key);
    if (e == null) {
      return null;
    }
    if (nowNanos - e.expiresAtNanos >= 0) {
      entries.remove(key);
      return null;
    }
    return e.answer;
  }

  void put(Answer<?> answer, long ttlNanos, long nowNanos) {
    if (ttlNanos <= 0) {
      return; // TTL 0: use once, never cache (RFC 1035 §3.2.1)
    }
    entries.put(
        new Key(answer.name(), answer.type().intValue()), new Entry(answer, nowNanos + ttlNanos));
    if (entries.size() > max) {
      var eldest = entries.keySet().iterator();
      eldest.next();
      eldest.remove();
    }
  }
}
