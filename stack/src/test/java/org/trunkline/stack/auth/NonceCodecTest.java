package org.trunkline.stack.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Random;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class NonceCodecTest {
  private static final byte[] SECRET = "0123456789abcdef0123".getBytes(StandardCharsets.UTF_8);
  private static final String ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

  private final NonceCodec codec = new NonceCodec(SECRET, "trunkline");

  @Test
  void aNonceWeIssuedGivesItsIssueTime() {
    for (long t : new long[] {0, 1, 1_800_000_000_000L, Long.MAX_VALUE}) {
      String n = codec.issue(t);
      assertThat(n).hasSize(43);
      assertThat(codec.issuedAt(n)).isEqualTo(t);
    }
  }

  @Test
  void everyChangedCharacterIsRefused() {
    String n = codec.issue(1_800_000_000_000L);
    int refused = 0;
    for (int i = 0; i < n.length(); i++) {
      char c = n.charAt(i);
      char other = ALPHABET.charAt((ALPHABET.indexOf(c) + 1) % ALPHABET.length());
      String changed = n.substring(0, i) + other + n.substring(i + 1);
      // the last character's two low bits are not part of the 32 bytes (as in Base64's decoder):
      // changing only those decodes to the same nonce
      boolean sameBytes =
          java.util.Arrays.equals(
              Base64.getUrlDecoder().decode(changed), Base64.getUrlDecoder().decode(n));
      assertThat(codec.issuedAt(changed))
          .as("%d", i)
          .isEqualTo(sameBytes ? 1_800_000_000_000L : -1);
      refused += sameBytes ? 0 : 1;
    }
    assertThat(refused).isGreaterThanOrEqualTo(42);
  }

  @Test
  void notBase64UrlOrNotOurLengthIsRefused() {
    String n = codec.issue(5);
    assertThat(codec.issuedAt(null)).isEqualTo(-1);
    assertThat(codec.issuedAt(n.substring(1))).isEqualTo(-1);
    assertThat(codec.issuedAt(n + "A")).isEqualTo(-1);
    for (char bad : new char[] {'+', '/', '=', ' ', '\u00e9', '.'}) {
      for (int at : new int[] {0, 20, 39, 40, 42}) {
        assertThat(codec.issuedAt(n.substring(0, at) + bad + n.substring(at + 1)))
            .as("%s at %d", bad, at)
            .isEqualTo(-1);
      }
    }
  }

  @Test
  void decodesAsBase64sUrlDecoderDoes() throws Exception {
    // random nonces with a right MAC (the time is random too) are read as Base64's decoder reads
    // them, and a last character whose extra bits change the bytes is refused
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(SECRET, "HmacSHA256"));
    Random r = new Random(7);
    for (int k = 0; k < 2000; k++) {
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < 43; i++) {
        sb.append(ALPHABET.charAt(r.nextInt(64)));
      }
      byte[] b = Base64.getUrlDecoder().decode(sb.toString());
      mac.update(b, 0, 16);
      mac.update("trunkline".getBytes(StandardCharsets.UTF_8));
      System.arraycopy(mac.doFinal(), 0, b, 16, 16);
      String text = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
      // the random text's last character may carry low bits the encoder would not write
      String withBits = text.substring(0, 42) + sb.charAt(42);
      long time = ByteBuffer.wrap(b).getLong();
      boolean sameBytes = java.util.Arrays.equals(Base64.getUrlDecoder().decode(withBits), b);
      assertThat(codec.issuedAt(withBits)).isEqualTo(sameBytes ? time : -1);
      assertThat(codec.issuedAt(text)).isEqualTo(ByteBuffer.wrap(b).getLong());
    }
  }
}
