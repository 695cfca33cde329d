package org.trunkline.server.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The index without Strings: names found by hash and told apart by their bytes (hashes made to
 * collide here), chains of messages per Call-ID and of Call-IDs per trace, and retention's
 * renumbering.
 */
class TraceIndexTest {
  /** Every name has the same hash: the table is one probe chain. */
  private static final TraceIndex.Hash SAME = (b, off, len) -> 42;

  private static void message(TraceIndex x, String callId, long position, long at, String ip) {
    byte[] b = ("xx" + callId).getBytes(StandardCharsets.UTF_8);
    x.message(b, 2, b.length - 2, position, at, true, ip);
  }

  private static void link(TraceIndex x, String callId, String id, long at) {
    byte[] c = callId.getBytes(StandardCharsets.UTF_8);
    byte[] d = ("-" + id).getBytes(StandardCharsets.UTF_8);
    x.link(c, 0, c.length, d, 1, d.length - 1, at);
  }

  @Test
  void theHashTellsApartNamesThatDifferInOneByteOrInLength() {
    java.util.Set<Long> seen = new java.util.HashSet<>();
    byte[] base = "a84b4c76e66710@192.0.2.4-and-some-more".getBytes(StandardCharsets.US_ASCII);
    int n = 0;
    for (int len = 0; len <= base.length; len++) {
      seen.add(TraceIndex.MIX.of(base, 0, len));
      n++;
      for (int i = 0; i < len; i++) {
        byte[] b = java.util.Arrays.copyOf(base, len);
        b[i] ^= 1;
        seen.add(TraceIndex.MIX.of(b, 0, len));
        n++;
      }
    }
    assertThat(seen).as("%d names, as many hashes", n).hasSize(n);
    byte[] framed =
        ("xyz" + new String(base, StandardCharsets.US_ASCII) + "!")
            .getBytes(StandardCharsets.US_ASCII);
    assertThat(TraceIndex.MIX.of(framed, 3, base.length))
        .as("the same bytes at another offset")
        .isEqualTo(TraceIndex.MIX.of(base, 0, base.length));
    byte[] zeros = new byte[16];
    assertThat(TraceIndex.MIX.of(zeros, 0, 7)).isNotEqualTo(TraceIndex.MIX.of(zeros, 0, 8));
  }

  @Test
  void twoCallIdsWithTheSameHashEachGetOnlyTheirOwnMessages() {
    TraceIndex x = new TraceIndex(SAME);
    message(x, "a@x", 10, 1, "10.0.0.1");
    message(x, "b@x", 20, 2, "10.0.0.2");
    message(x, "a@x", 30, 3, "10.0.0.1");
    link(x, "a@x", "call-a", 4);
    link(x, "b@x", "call-b", 5);

    TraceIndex.Entry a = x.entry(x.find("a@x"));
    assertThat(a.callId()).isEqualTo("a@x");
    assertThat(a.n()).isEqualTo(2);
    assertThat(a.positions()).containsExactly(10, 30);
    assertThat(a.times()).containsExactly(1, 3);
    assertThat(a.id()).isEqualTo("call-a");
    TraceIndex.Entry b = x.entry(x.find("b@x"));
    assertThat(b.positions()).containsExactly(20);
    assertThat(b.id()).isEqualTo("call-b");
    assertThat(x.find("c@x")).as("same hash, other bytes").isEqualTo(-1);
    assertThat(x.find("a@")).as("a prefix").isEqualTo(-1);
    assertThat(x.isTrace("call-a")).isTrue();
    assertThat(x.isTrace("call-c")).isFalse();
    assertThat(x.callIdsOf("call-b")).containsExactly(x.find("b@x"));
    assertThat(x.hasSource(x.find("a@x"), "10.0.0.1")).isTrue();
    assertThat(x.hasSource(x.find("a@x"), "10.0.0.2")).isFalse();
  }

  @Test
  void relinkingMovesACallIdToItsNewTraceOnly() {
    TraceIndex x = new TraceIndex(SAME);
    message(x, "a@x", 1, 1, "");
    message(x, "b@x", 2, 2, "");
    link(x, "a@x", "trunk:t1", 3);
    link(x, "b@x", "trunk:t1", 3);
    link(x, "a@x", "call1", 4);

    assertThat(x.callIdsOf("trunk:t1")).containsExactly(x.find("b@x"));
    assertThat(x.callIdsOf("call1")).containsExactly(x.find("a@x"));
    link(x, "b@x", "call1", 5);
    assertThat(x.isTrace("trunk:t1")).as("no Call-ID left").isFalse();
    assertThat(x.callIdsOf("call1")).containsExactlyInAnyOrder(x.find("a@x"), x.find("b@x"));
  }

  @Test
  void manyCallIdsOnFewHashesGrowTheTablesAndStayApart() {
    TraceIndex x = new TraceIndex((b, off, len) -> len % 3); // three probe chains
    int n = 5_000;
    for (int i = 0; i < n; i++) {
      message(x, "c" + i, i, i, "10.0.0." + (i % 250));
      link(x, "c" + i, "call" + (i / 2), i);
    }
    for (int i = 0; i < n; i++) {
      message(x, "c" + i, n + i, n + i, "");
    }
    for (int i = 0; i < n; i += 97) {
      TraceIndex.Entry e = x.entry(x.find("c" + i));
      assertThat(e.callId()).isEqualTo("c" + i);
      assertThat(e.positions()).containsExactly(i, n + i);
      assertThat(e.id()).isEqualTo("call" + (i / 2));
      List<Integer> both = x.callIdsOf("call" + (i / 2));
      assertThat(both).hasSize(2);
      assertThat(both.stream().map(x::callId))
          .containsExactlyInAnyOrder("c" + (i / 2 * 2), "c" + (i / 2 * 2 + 1));
    }
    assertThat(x.callIdCount()).isEqualTo(n);
    assertThat(x.messageCount()).isEqualTo(2 * n);
  }

  @Test
  void droppingOldSegmentsRenumbersWhatIsLeftAndForgetsOldLinks() {
    TraceIndex x = new TraceIndex(SAME);
    // segment 1: a and b; segment 2: b and c; an old link without messages, a recent one
    message(x, "a@x", TraceIndex.position(1, 0), 100, "10.0.0.1");
    message(x, "b@x", TraceIndex.position(1, 50), 110, "10.0.0.2");
    message(x, "b@x", TraceIndex.position(2, 0), 200, "10.0.0.3");
    message(x, "c@x", TraceIndex.position(2, 80), 210, "10.0.0.4");
    link(x, "a@x", "call1", 100);
    link(x, "b@x", "call1", 110);
    link(x, "c@x", "call2", 210);
    link(x, "old@x", "call3", 50);
    link(x, "new@x", "call4", 300);

    assertThat(x.countUpTo(1)).isEqualTo(2);
    x.dropUpTo(1, 60);

    assertThat(x.find("a@x")).as("all its messages were in segment 1").isEqualTo(-1);
    assertThat(x.find("old@x")).as("linked before the cutoff").isEqualTo(-1);
    assertThat(x.isTrace("call3")).isFalse();
    assertThat(x.find("new@x")).as("linked after the cutoff").isNotEqualTo(-1);
    assertThat(x.isTrace("call4")).isTrue();
    TraceIndex.Entry b = x.entry(x.find("b@x"));
    assertThat(b.positions()).containsExactly(TraceIndex.position(2, 0));
    assertThat(b.id()).isEqualTo("call1");
    assertThat(x.callIdsOf("call1")).containsExactly(x.find("b@x"));
    assertThat(x.hasSource(x.find("b@x"), "10.0.0.2")).isTrue();
    assertThat(x.hasSource(x.find("b@x"), "10.0.0.3")).isTrue();
    assertThat(x.entry(x.find("c@x")).positions()).containsExactly(TraceIndex.position(2, 80));
    assertThat(x.messageCount()).isEqualTo(2);
    assertThat(x.countUpTo(1)).isZero();

    // the writer goes on after a drop
    message(x, "c@x", TraceIndex.position(3, 0), 400, "");
    message(x, "d@x", TraceIndex.position(3, 90), 410, "");
    assertThat(x.entry(x.find("c@x")).times()).containsExactly(210, 400);
    assertThat(x.entry(x.find("d@x")).times()).containsExactly(410);
    assertThat(x.first(x.find("c@x"))).isEqualTo(210);
    assertThat(x.last(x.find("c@x"))).isEqualTo(400);
  }

  @Test
  void atMostEightSourcesPerCallId() {
    TraceIndex x = new TraceIndex();
    for (int i = 0; i < 12; i++) {
      message(x, "a@x", i, i, "10.0.0." + i);
      message(x, "a@x", i, i, "10.0.0." + i); // the same one again
    }
    int k = x.find("a@x");
    for (int i = 0; i < 8; i++) {
      assertThat(x.hasSource(k, "10.0.0." + i)).isTrue();
    }
    assertThat(x.hasSource(k, "10.0.0.8")).isFalse();
  }

  /** The index's contract, kept the slow and obvious way: what retention must leave. */
  private static final class Model {
    record Msg(String callId, long position, long at, String ip) {}

    final List<Msg> messages = new ArrayList<>();
    // Call-IDs in the order first seen (again after being forgotten), with their link
    final Map<String, String> linkOf = new LinkedHashMap<>();
    final Map<String, Long> linkedAt = new HashMap<>();

    void message(String c, long position, long at, String ip) {
      messages.add(new Msg(c, position, at, ip));
      linkOf.putIfAbsent(c, null);
    }

    void link(String c, String id, long at) {
      if (!linkOf.containsKey(c)) {
        linkOf.put(c, null);
      }
      if (!id.equals(linkOf.get(c))) {
        linkOf.put(c, id);
        linkedAt.put(c, at);
      }
    }

    void dropUpTo(int segment, long cutoff) {
      Set<String> dropped = new HashSet<>();
      List<Msg> kept = new ArrayList<>();
      for (Msg m : messages) {
        if (TraceIndex.segment(m.position()) <= segment) {
          dropped.add(m.callId());
        } else {
          kept.add(m);
        }
      }
      messages.clear();
      messages.addAll(kept);
      Set<String> left = new HashSet<>();
      kept.forEach(m -> left.add(m.callId()));
      linkOf
          .keySet()
          .removeIf(c ->
              !left.contains(c) && (dropped.contains(c) || linkedAt.getOrDefault(c, 0L) < cutoff));
      linkedAt.keySet().retainAll(linkOf.keySet());
    }

    void check(TraceIndex x, Set<String> everCallIds, Set<String> everIds) {
      assertThat(x.messageCount()).isEqualTo(messages.size());
      Map<String, List<Msg>> of = new HashMap<>();
      messages.forEach(m -> of.computeIfAbsent(m.callId(), c -> new ArrayList<>()).add(m));
      for (String c : everCallIds) {
        int k = x.find(c);
        if (!linkOf.containsKey(c)) {
          assertThat(k).as("%s forgotten", c).isEqualTo(-1);
          continue;
        }
        assertThat(k).as("%s known", c).isNotEqualTo(-1);
        List<Msg> ms = of.getOrDefault(c, List.of());
        TraceIndex.Entry e = x.entry(k);
        assertThat(e.callId()).isEqualTo(c);
        assertThat(e.id()).as("%s's trace", c).isEqualTo(linkOf.get(c));
        assertThat(x.messages(k)).isEqualTo(ms.size());
        assertThat(e.positions()).containsExactly(ms.stream().mapToLong(Msg::position).toArray());
        assertThat(e.times()).containsExactly(ms.stream().mapToLong(Msg::at).toArray());
        for (Msg m : ms) {
          assertThat(x.hasSource(k, m.ip())).isTrue();
        }
      }
      for (String id : everIds) {
        List<Integer> expected = new ArrayList<>();
        linkOf.forEach((c, i) -> {
          if (id.equals(i)) {
            expected.add(x.find(c));
          }
        });
        assertThat(x.isTrace(id)).as("%s is a trace", id).isEqualTo(!expected.isEmpty());
        assertThat(x.callIdsOf(id)).containsExactlyInAnyOrderElementsOf(expected);
      }
      // reads walk the Call-IDs by number, newest first: the numbers keep the order first seen
      List<String> byNumber = new ArrayList<>();
      for (int k = 0; k < x.callIdCount(); k++) {
        if (x.messages(k) > 0) {
          byNumber.add(x.callId(k));
        }
      }
      assertThat(byNumber)
          .containsExactlyElementsOf(linkOf.keySet().stream().filter(of::containsKey).toList());
    }
  }

  @ParameterizedTest(name = "seed {0}, hash {1}")
  @CsvSource({"1, mix", "2, mix", "3, low", "4, low", "5, wrap", "6, wrap", "7, mix"})
  void retentionForgetsWhatADropLeavesEmptyAndKeepsTheRestAsBefore(long seed, String hashName) {
    // few hashes near the table's start, or its end (probe runs that wrap): deletion's hard cases
    TraceIndex.Hash h =
        switch (hashName) {
          case "low" -> (b, off, len) -> b[off + len - 1] & 3;
          case "wrap" -> (b, off, len) -> -1 - (b[off + len - 1] & 3);
          default -> TraceIndex.MIX;
        };
    Random r = new Random(seed);
    TraceIndex x = new TraceIndex(h);
    Model model = new Model();
    Set<String> everCallIds = new HashSet<>();
    Set<String> everIds = new HashSet<>();
    int segment = 1;
    int dropped = 0;
    long now = 1_000;
    int nextCall = 0;
    for (int step = 0; step < 6_000; step++) {
      now += 1 + r.nextInt(3);
      int op = r.nextInt(100);
      if (op < 70) {
        // mostly recent Call-IDs, sometimes an old one again (a long call, a trunk's OPTIONS)
        int n = r.nextInt(10) == 0 ? r.nextInt(nextCall + 1) : nextCall - r.nextInt(5);
        if (n >= nextCall) {
          nextCall++;
        }
        String c = "c" + Math.max(0, n) + "@h";
        long position = TraceIndex.position(segment, step);
        String ip = "10.0.0." + r.nextInt(6); // at most 8 per Call-ID are kept
        x.message(c, position, now, true, ip);
        model.message(c, position, now, ip);
        everCallIds.add(c);
      } else if (op < 90) {
        String c = "c" + Math.max(0, nextCall - r.nextInt(8)) + "@h";
        String id = r.nextInt(4) == 0 ? "trunk:t" + r.nextInt(3) : "call" + r.nextInt(nextCall + 1);
        x.link(c, id, now);
        model.link(c, id, now);
        everCallIds.add(c);
        everIds.add(id);
      } else if (op < 97) {
        segment++;
      } else if (segment - dropped > 2) {
        dropped += 1 + r.nextInt(segment - dropped - 2);
        long cutoff = now - 200 - r.nextInt(400);
        int upTo = dropped;
        assertThat(x.countUpTo(upTo))
            .isEqualTo(
                model.messages.stream()
                    .filter(m -> TraceIndex.segment(m.position()) <= upTo)
                    .count());
        x.dropUpTo(dropped, cutoff);
        model.dropUpTo(dropped, cutoff);
        model.check(x, everCallIds, everIds);
      }
    }
    model.check(x, everCallIds, everIds);
  }
}
