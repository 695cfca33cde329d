package org.trunkline.server.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

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
}
