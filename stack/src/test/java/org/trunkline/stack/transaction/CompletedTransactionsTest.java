package org.trunkline.stack.transaction;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The layer's store of Completed UDP non-INVITE transactions (§17.2.2), against a plain model. */
class CompletedTransactionsTest {
  static final long TIMER_J = Duration.ofSeconds(32).toNanos();

  final VirtualScheduler clock = new VirtualScheduler();
  final CompletedTransactions store = new CompletedTransactions(clock);

  @Test
  void keysWithTheSameHashAreToldApartByTheirBytes() {
    // "Aa" and "BB" have the same String.hashCode, so do any keys built from them at one place
    String a = "s|z9hG4bKAa|h:5060|REGISTER|0:1:5060";
    String b = "s|z9hG4bKBB|h:5060|REGISTER|0:1:5060";
    assertThat(a.hashCode()).isEqualTo(b.hashCode());
    store.add(a, bytes("answer a"), TIMER_J);
    assertThat(store.find(b)).isNull();
    store.add(b, bytes("answer b"), TIMER_J);
    assertThat(store.find(a)).isEqualTo(bytes("answer a"));
    assertThat(store.find(b)).isEqualTo(bytes("answer b"));
    assertThat(store.find("s|z9hG4bKAa|h:5060|OPTIONS|0:1:5060")).isNull();
    assertThat(store.find("s|z9hG4bKé|h:5060|REGISTER|0:1:5060")).isNull();
  }

  @Test
  void asciiAndNonAsciiKeysAreKeptAsTheirUtf8Bytes() {
    // an ASCII key is written char by char, any other through its UTF-8 bytes: both are found by
    // themselves only, and "é" (2 UTF-8 bytes) is not its Latin-1 byte
    String ascii = "s|z9hG4bK-e|h:5060|BYE|0:1:5060";
    String utf8 = "s|z9hG4bK-é|h:5060|BYE|0:1:5060";
    String latin1Twin =
        new String(utf8.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    store.add(ascii, bytes("answer ascii"), TIMER_J);
    store.add(utf8, bytes("answer utf8"), TIMER_J);
    assertThat(store.find(ascii)).isEqualTo(bytes("answer ascii"));
    assertThat(store.find(utf8)).isEqualTo(bytes("answer utf8"));
    assertThat(store.find(latin1Twin)).isNull();
    assertThat(store.find("s|z9hG4bK-e|h:5060|BYE|0:1:506")).isNull();
  }

  @Test
  void anEntryIsFoundUntilItsDeadlineAndNotAtIt() {
    long deadline = store.add("k", bytes("200"), TIMER_J);
    assertThat(deadline).isEqualTo(clock.nanoTime() + TIMER_J);
    clock.advance(Duration.ofNanos(TIMER_J - 1));
    assertThat(store.find("k")).isEqualTo(bytes("200"));
    assertThat(store.size()).isEqualTo(1);
    clock.advance(Duration.ofNanos(1));
    assertThat(store.find("k")).isNull();
    assertThat(store.size()).isZero();
    assertThat(clock.pending()).isZero(); // no task left armed for an empty store
  }

  @Test
  void aRemovedEntryIsNotFoundAndALaterOneWithTheSameKeyIs() {
    long first = store.add("k", bytes("first"), TIMER_J);
    store.remove("k", first + 1); // another deadline: not this entry
    assertThat(store.find("k")).isEqualTo(bytes("first"));
    store.remove("k", first);
    assertThat(store.find("k")).isNull();
    assertThat(store.size()).isZero();
    clock.advance(Duration.ofSeconds(1));
    store.add("k", bytes("second"), TIMER_J);
    clock.advance(Duration.ofSeconds(31)); // the first's slot expires, the second stays
    assertThat(store.find("k")).isEqualTo(bytes("second"));
    assertThat(store.size()).isEqualTo(1);
    clock.advance(Duration.ofSeconds(1));
    assertThat(store.find("k")).isNull();
  }

  @Test
  void theResponseIsKeptAsGivenNotCopied() {
    byte[] answer = bytes("SIP/2.0 200 OK");
    store.add("k", answer, TIMER_J);
    assertThat(store.find("k")).isSameAs(answer);
  }

  @Test
  void keysWrapAroundTheirRingAndAreStillFound() {
    // a steady stream: each key added 1 s after the one before, each kept 32 s, far more bytes of
    // keys over time than the ring holds at once, so it wraps many times without growing forever
    Map<String, byte[]> kept = new HashMap<>();
    for (int i = 0; i < 5_000; i++) {
      String key = "s|z9hG4bK" + i + "-".repeat(i % 97) + "|BYE|0:1:5060";
      byte[] answer = bytes("200 " + i);
      store.add(key, answer, TIMER_J);
      kept.put(key, answer);
      clock.advance(Duration.ofSeconds(1));
      for (int back = 0; back < 40 && back <= i; back += 7) {
        int j = i - back;
        String old = "s|z9hG4bK" + j + "-".repeat(j % 97) + "|BYE|0:1:5060";
        assertThat(store.find(old))
            .as("%d, %d s later", j, back + 1)
            .isSameAs(back + 1 < 32 ? kept.get(old) : null);
      }
    }
    assertThat(store.size()).isEqualTo(31);
  }

  /** Seeded random adds, removes and time steps, the store grown several times, against a model. */
  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 42, 2026})
  void behavesLikeAMapWithDeadlines(long seed) {
    Random rnd = new Random(seed);
    Map<String, byte[]> answers = new HashMap<>();
    Map<String, Long> deadlines = new HashMap<>();
    List<String> keys = new ArrayList<>();
    for (int step = 0; step < 20_000; step++) {
      int op = rnd.nextInt(100);
      if (op < 60) {
        // few distinct hashes among many keys: collisions and long probe runs on purpose
        // keys of 10 to ~300 bytes, some not ASCII: the key ring wraps and grows
        String key =
            "s|"
                + (rnd.nextBoolean() ? "Aa" : "BB")
                + rnd.nextInt(5_000)
                + "|REGISTER"
                + (rnd.nextInt(10) == 0 ? "é" : "")
                + "-".repeat(rnd.nextInt(4) == 0 ? rnd.nextInt(300) : 0);
        Long d = deadlines.get(key);
        if (d != null && clock.nanoTime() - d < 0) {
          continue; // a retransmission of a kept key never opens a new transaction
        }
        byte[] answer = bytes("SIP/2.0 200 OK " + step);
        deadlines.put(key, store.add(key, answer, TIMER_J));
        answers.put(key, answer);
        keys.add(key);
      } else if (op < 62 && !keys.isEmpty()) {
        String key = keys.get(rnd.nextInt(keys.size()));
        Long d = deadlines.remove(key);
        if (d != null) {
          store.remove(key, d); // a transport error before Timer J
          answers.remove(key);
        }
      } else if (op < 80) {
        clock.advance(Duration.ofMillis(rnd.nextInt(400)));
      } else if (!keys.isEmpty()) {
        String key = keys.get(rnd.nextInt(keys.size()));
        Long d = deadlines.get(key);
        byte[] expected = d != null && clock.nanoTime() - d < 0 ? answers.get(key) : null;
        assertThat(store.find(key)).as("step %d, key %s", step, key).isEqualTo(expected);
      }
    }
    clock.advance(Duration.ofSeconds(32));
    assertThat(store.size()).isZero();
    for (String key : keys) {
      assertThat(store.find(key)).isNull();
    }
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
