package org.trunkline.server.storage;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.trunkline.core.call.Cdr;
import org.trunkline.core.trace.TraceSink;

/**
 * Trace searches: by Call-ID or trace id through the index; by number, trunk and final status
 * through the calls' CDRs (the trace id of a call is its CDR id); by source and time through the
 * index, newest Call-IDs first. The index is read under its read lock; the database is asked
 * outside it, so a slow database never holds up the writer.
 */
final class TraceSearch {
  private TraceSearch() {}

  static List<TraceSummary> search(TraceReads store, TraceIndex index, TraceQuery q, Database db)
      throws IOException, DatabaseException {
    Map<String, Cdr> cdrOf = new HashMap<>();
    List<String> ids = new ArrayList<>();
    if (q.callId() == null && q.byCdr() && db != null) {
      for (Cdr cdr :
          db.cdrStore()
              .find(
                  new CdrQuery(
                      q.since(), q.until(), q.trunk(), q.number(), null, q.status(), q.limit()))) {
        ids.add(cdr.id());
        cdrOf.put(cdr.id(), cdr);
      }
    }
    List<TraceSummary> found = new ArrayList<>();
    index.lock.readLock().lock();
    try {
      Set<String> candidates = new LinkedHashSet<>();
      if (q.callId() != null) {
        String id = store.resolve(q.callId());
        if (id != null) {
          candidates.add(id);
        }
      } else if (q.byCdr()) {
        if (q.trunk() != null && q.number() == null && q.status() == null) {
          String own = TraceSink.trunk(q.trunk());
          if (index.isTrace(own)) {
            candidates.add(own);
          }
        }
        candidates.addAll(ids);
      } else {
        long since = q.since() == null ? Long.MIN_VALUE : TraceReads.micros(q.since());
        long until = q.until() == null ? Long.MAX_VALUE : TraceReads.micros(q.until());
        for (int k = index.callIdCount() - 1; k >= 0; k--) {
          if (candidates.size() >= q.limit()) {
            break;
          }
          if (index.messages(k) == 0 || index.first(k) >= until || index.last(k) < since) {
            continue;
          }
          if (q.source() != null && !index.hasSource(k, q.source())) {
            continue;
          }
          String id = index.id(k);
          candidates.add(id != null ? id : index.callId(k));
        }
      }
      for (String id : candidates) {
        if (found.size() >= q.limit()) {
          break;
        }
        if (q.source() != null && !fromSource(index, id, q.source())) {
          continue;
        }
        Optional<TraceSummary> s = store.summary(id, cdrOf.get(id));
        if (s.isPresent()
            && (q.since() == null || !s.get().last().isBefore(q.since()))
            && (q.until() == null || s.get().first().isBefore(q.until()))) {
          found.add(s.get());
        }
      }
    } finally {
      index.lock.readLock().unlock();
    }
    if (db == null) {
      return found;
    }
    // The CDRs of calls found by Call-ID, source or time.
    List<TraceSummary> out = new ArrayList<>(found.size());
    try (Connection c = db.dataSource().getConnection()) {
      for (TraceSummary s : found) {
        out.add(
            s.cdr() != null || s.id().startsWith("trunk:")
                ? s
                : new TraceSummary(
                    s.id(),
                    s.callIds(),
                    s.first(),
                    s.last(),
                    s.messages(),
                    s.startLine(),
                    db.cdrStore().byId(c, s.id())));
      }
    } catch (SQLException e) {
      String m = e.getMessage() != null ? e.getMessage().lines().findFirst().orElse("") : "";
      throw new DatabaseException("cannot read the traces' CDRs: " + m.strip(), e);
    }
    return out;
  }

  private static boolean fromSource(TraceIndex index, String id, String ip) {
    int k = index.find(id);
    if (!index.isTrace(id)) {
      return k >= 0 && index.hasSource(k, ip);
    }
    for (int c : index.callIdsOf(id)) {
      if (index.messages(c) > 0 && index.hasSource(c, ip)) {
        return true;
      }
    }
    return false;
  }
}
