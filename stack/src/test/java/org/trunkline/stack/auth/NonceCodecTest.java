package org.trunkline.stack.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class NonceCodecTest {
  private static final byte[] SECRET = "0123456789abcdef0123".getBytes(StandardCharsets.UTF_8);
  private static final String ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

  private final NonceCodec codec = new NonceCodec(SECRET, "trunkline");

  @Test
  void aNonceWeIssuedGivesItsIssueTimeAndSequence() {
    long[] times = {0, 1, 1_800_000_000_000L, Long.MAX_VALUE};
    String first = codec.issue(times[0]);
    long seq = NonceCodec.sequence(first);
    assertThat(seq).isNotNegative();
    for (int i = 0; i < times.length; i++) {
      String n = i == 0 ? first : codec.issue(times[i]);
      assertThat(n).hasSize(32);
      assertThat(codec.issuedAt(n)).isEqualTo(times[i]);
      assertThat(NonceCodec.sequence(n)).isEqualTo(seq + i);
    }
  }

  /** The layout is base64url(time | seq | tag), each 8 bytes big-endian: what Base64 decodes. */
  @Test
  void theNonceIsBase64UrlOfTimeSequenceAndTag() throws Exception {
    String n = codec.issue(1_800_000_000_123L);
    ByteBuffer b = ByteBuffer.wrap(Base64.getUrlDecoder().decode(n));
    assertThat(b.remaining()).isEqualTo(24);
    assertThat(b.getLong()).isEqualTo(1_800_000_000_123L);
    assertThat(b.getLong()).isEqualTo(NonceCodec.sequence(n));
    // the tag: SipHash-2-4 of the first 16 bytes under the first 16 bytes of
    // HMAC-SHA256(secret, "nonce-key:" realm), read little-endian
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(SECRET, "HmacSHA256"));
    byte[] k = mac.doFinal("nonce-key:trunkline".getBytes(StandardCharsets.UTF_8));
    byte[] all = Base64.getUrlDecoder().decode(n);
    long expected =
        SipHash.hash(SipHash.littleEndian(k, 0, 8), SipHash.littleEndian(k, 8, 8), all, 0, 16);
    assertThat(b.getLong()).isEqualTo(expected);
    assertThat(Base64.getUrlEncoder().withoutPadding().encodeToString(all)).isEqualTo(n);
  }

  /**
   * A nonce made in its frame is the frame's text around what {@code encode} makes of the same time
   * and sequence, and reads back; a frame longer than the per-thread buffer grows it; a frame
   * beyond Latin-1 is refused (the caller concatenates instead).
   */
  @Test
  void aNonceInItsFrameIsTheTextAroundTheSameNonce() {
    String before = "WWW-Authenticate: Digest realm=\"caf\u00e9\", nonce=\"";
    String after = "\", qop=\"auth\"";
    long t = 1_800_000_000_123L;
    long seq = codec.nextSequence();
    String line = codec.encode(t, seq, NonceCodec.Frame.of(before, after));
    String nonce = codec.encode(t, seq);
    assertThat(line).isEqualTo(before + nonce + after);
    assertThat(codec.issuedAt(line.substring(before.length(), before.length() + 32))).isEqualTo(t);

    String longBefore = "x".repeat(300);
    String longAfter = "y".repeat(400);
    assertThat(codec.encode(t, seq, NonceCodec.Frame.of(longBefore, longAfter)))
        .isEqualTo(longBefore + nonce + longAfter);
    assertThat(codec.encode(t, seq + 1, NonceCodec.Frame.of(before, after)))
        .isEqualTo(before + codec.encode(t, seq + 1) + after);
    assertThat(codec.encode(t, seq, NonceCodec.Frame.NONE)).isEqualTo(nonce);
    assertThat(NonceCodec.Frame.of("realm=\"\u4f8b\"", "")).isNull();
    assertThat(NonceCodec.Frame.of("", "\u0100")).isNull();
  }

  @Test
  void everyChangedCharacterIsRefused() {
    String n = codec.issue(1_800_000_000_000L);
    for (int i = 0; i < n.length(); i++) {
      char c = n.charAt(i);
      char other = ALPHABET.charAt((ALPHABET.indexOf(c) + 1) % ALPHABET.length());
      String changed = n.substring(0, i) + other + n.substring(i + 1);
      assertThat(codec.issuedAt(changed)).as("%d", i).isEqualTo(-1);
    }
  }

  @Test
  void anotherRealmOrSecretRefusesIt() {
    String n = codec.issue(7);
    assertThat(new NonceCodec(SECRET, "other").issuedAt(n)).isEqualTo(-1);
    assertThat(new NonceCodec("0123456789abcdef0124".getBytes(), "trunkline").issuedAt(n))
        .isEqualTo(-1);
    assertThat(new NonceCodec(SECRET, "trunkline").issuedAt(n)).as("another node").isEqualTo(7);
  }

  @Test
  void notBase64UrlOrNotOurLengthIsRefused() {
    String n = codec.issue(5);
    assertThat(codec.issuedAt(null)).isEqualTo(-1);
    assertThat(codec.issuedAt(n.substring(1))).isEqualTo(-1);
    assertThat(codec.issuedAt(n + "A")).isEqualTo(-1);
    for (char bad : new char[] {'+', '/', '=', ' ', '\u00e9', '.', '\u0100'}) {
      for (int at : new int[] {0, 10, 20, 30, 31}) {
        assertThat(codec.issuedAt(n.substring(0, at) + bad + n.substring(at + 1)))
            .as("%s at %d", bad, at)
            .isEqualTo(-1);
      }
    }
  }

  /**
   * Random 32-character texts: none is accepted, and a re-tagged one is read as Base64 reads it.
   */
  @Test
  void randomTextsAreRefusedAndTaggedOnesDecodeAsBase64Does() throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(SECRET, "HmacSHA256"));
    byte[] k = mac.doFinal("nonce-key:trunkline".getBytes(StandardCharsets.UTF_8));
    Random r = new Random(7);
    Set<Long> seqs = new HashSet<>();
    for (int i = 0; i < 2000; i++) {
      StringBuilder sb = new StringBuilder();
      for (int j = 0; j < 32; j++) {
        sb.append(ALPHABET.charAt(r.nextInt(64)));
      }
      assertThat(codec.issuedAt(sb.toString())).isEqualTo(-1);
      byte[] b = Base64.getUrlDecoder().decode(sb.toString());
      long tag =
          SipHash.hash(SipHash.littleEndian(k, 0, 8), SipHash.littleEndian(k, 8, 8), b, 0, 16);
      ByteBuffer.wrap(b).putLong(16, tag);
      String text = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
      assertThat(codec.issuedAt(text)).isEqualTo(ByteBuffer.wrap(b).getLong(0));
      assertThat(NonceCodec.sequence(text)).isEqualTo(ByteBuffer.wrap(b).getLong(8));
      assertThat(seqs.add(NonceCodec.sequence(codec.issue(i)))).isTrue();
    }
  }
}
