package org.trunkline.stack.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RecentChallengesTest {
  private final NonceCodec codec = new NonceCodec(new byte[32], "trunk.example.net");

  @Test
  void aRememberedNonceIsOneTheCodecIssuedAtTheFirstTime() {
    RecentChallenges r = new RecentChallenges(1_000, 1024);
    assertThat(r.capacity()).as("nothing until the first challenge").isZero();
    String nonce = r.nonce(42, 5_000, codec);
    assertThat(codec.issuedAt(nonce)).isEqualTo(5_000);
    assertThat(r.nonce(42, 5_999, codec)).isEqualTo(nonce);
    String again = r.nonce(42, 6_000, codec);
    assertThat(again).isNotEqualTo(nonce);
    assertThat(codec.issuedAt(again)).isEqualTo(6_000);
    assertThat(NonceCodec.sequence(again)).isNotEqualTo(NonceCodec.sequence(nonce));
  }

  @Test
  void theOldestIsForgottenEarlyWhenFullAndTheRingsStopGrowing() {
    RecentChallenges r = new RecentChallenges(60_000, 300); // 256 at most
    String[] nonces = new String[300];
    for (int i = 0; i < 300; i++) {
      nonces[i] = r.nonce(i * 0x9E3779B97F4A7C15L, 1_000 + i, codec);
    }
    assertThat(r.size()).isEqualTo(256);
    assertThat(r.capacity()).isEqualTo(256);
    // the last 256 are kept, the first 44 were pushed out
    assertThat(r.nonce(299 * 0x9E3779B97F4A7C15L, 2_000, codec)).isEqualTo(nonces[299]);
    assertThat(r.nonce(44 * 0x9E3779B97F4A7C15L, 2_000, codec)).isEqualTo(nonces[44]);
    assertThat(r.nonce(0, 2_000, codec)).isNotEqualTo(nonces[0]);
  }

  @Test
  void theRoomABurstTookIsGivenBackOnceItHasPassed() {
    RecentChallenges r = new RecentChallenges(1_000, 1 << 16);
    for (int i = 0; i < 5_000; i++) {
      r.nonce(i * 0x9E3779B97F4A7C15L, 10_000, codec);
    }
    assertThat(r.capacity()).isEqualTo(8192);
    String kept = r.nonce(7 * 0x9E3779B97F4A7C15L, 10_999, codec);
    // a few new ones while the burst is still in the window: nothing given back
    for (int i = 0; i < 10; i++) {
      r.nonce(-1 - i, 10_999, codec);
    }
    assertThat(r.capacity()).isEqualTo(8192);
    assertThat(r.nonce(7 * 0x9E3779B97F4A7C15L, 10_999, codec)).isEqualTo(kept);
    String first = r.nonce(-1, 10_999, codec);
    // the burst has passed: 10 left, the rings halve while an eighth or less is used, and keep them
    assertThat(r.nonce(-1, 11_000, codec)).isEqualTo(first);
    assertThat(r.size()).isEqualTo(10);
    assertThat(r.capacity()).isEqualTo(64);
    String again = r.nonce(-5, 11_500, codec);
    assertThat(codec.issuedAt(again)).isEqualTo(10_999);
  }

  /**
   * Against a model (a map and a queue in issue order), over ids that collide in the index and a
   * clock that runs and jumps: what is found, what is forgotten, and that the size follows.
   */
  @Test
  void followsTheModelThroughGrowthExpiryAndEviction() {
    Random random = new Random(1728);
    int max = 1024;
    long window = 1_000;
    RecentChallenges r = new RecentChallenges(window, max);
    Map<Long, String> model = new HashMap<>();
    Map<Long, Long> issued = new HashMap<>();
    ArrayDeque<Long> order = new ArrayDeque<>();
    long now = 0;
    for (int step = 0; step < 200_000; step++) {
      now += random.nextInt(100) == 0 ? random.nextInt(2_000) : random.nextInt(3);
      // ids share their index home often (few distinct high halves), never their value
      long id = (long) random.nextInt(8) << 32 | random.nextInt(3_000);
      while (!order.isEmpty() && now - issued.get(order.peekFirst()) >= window) {
        Long gone = order.pollFirst();
        model.remove(gone);
        issued.remove(gone);
      }
      String expected = model.get(id);
      String got = r.nonce(id, now, codec);
      if (expected != null) {
        assertThat(got).as("step %d id %x", step, id).isEqualTo(expected);
      } else {
        assertThat(codec.issuedAt(got)).isEqualTo(now);
        assertThat(model.containsValue(got)).isFalse();
        if (order.size() == max) {
          Long gone = order.pollFirst();
          model.remove(gone);
          issued.remove(gone);
        }
        model.put(id, got);
        issued.put(id, now);
        order.addLast(id);
      }
      assertThat(r.size()).isEqualTo(order.size());
      assertThat(r.capacity()).isBetween(r.size(), max);
    }
  }
}
