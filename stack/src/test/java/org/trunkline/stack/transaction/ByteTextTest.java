package org.trunkline.stack.transaction;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;

/**
 * The shared writer of responses and call requests writes, byte for byte, what a StringBuilder's
 * String gives through {@code getBytes(UTF_8)} for the same appends.
 */
class ByteTextTest {
  private static final String[] PIECES = {
    "SIP/2.0 ",
    "Via: ",
    "\r\n",
    "Jürgen",
    "\uD83D\uDCDE",
    "\uD83D",
    "\uDCDE",
    "é",
    "\u20ac",
    "",
    "z9hG4bK-1",
    "\t",
    "\u007f",
    "\u0080",
    "\u07ff",
    "\u0800",
    "\uffff"
  };

  @Test
  void textNumbersAndCharsAreTheBytesOfTheStringBuilderText() {
    StringBuilder sb = new StringBuilder();
    ByteText t = new ByteText(4, 64);
    sb.append("INVITE ").append(0L).append(' ').append(-42L).append(Long.MAX_VALUE);
    t.ascii("INVITE ").number(0).text(' ').number(-42).number(Long.MAX_VALUE);
    sb.append(Long.MIN_VALUE).append(Integer.MIN_VALUE).append('é').append('\uD83D');
    t.number(Long.MIN_VALUE).number(Integer.MIN_VALUE).text('é').text('\uD83D');
    String mixed = "a\uD83D\uDCDEb";
    sb.append(mixed, 1, 3).append(mixed, 0, 1);
    t.text(mixed, 1, 3).text(mixed, 0, 1);
    assertThat(t.toArray()).isEqualTo(sb.toString().getBytes(StandardCharsets.UTF_8));
    assertThat(t.length()).isEqualTo(t.toArray().length);
  }

  /**
   * Each piece is written as its own UTF-8 bytes (a surrogate pair split over two appends is two
   * {@code ?}, as String.getBytes of each piece gives), so the reference is every piece's bytes.
   */
  @RepeatedTest(50)
  void seededRandomTextMatchesByteForByte(RepetitionInfo info) {
    Random r = new Random(0x5eed + info.getCurrentRepetition());
    ByteArrayOutputStream sb = new ByteArrayOutputStream();
    ByteText t = new ByteText(1 + r.nextInt(32), 64);
    for (int k = r.nextInt(60); k > 0; k--) {
      switch (r.nextInt(4)) {
        case 0 -> {
          String p = PIECES[r.nextInt(PIECES.length)];
          sb.writeBytes(p.getBytes(StandardCharsets.UTF_8));
          t.text(p);
        }
        case 1 -> {
          long v = r.nextInt(3) == 0 ? r.nextLong() : r.nextInt(100_000);
          sb.writeBytes(Long.toString(v).getBytes(StandardCharsets.UTF_8));
          t.number(v);
        }
        case 2 -> {
          char c = (char) r.nextInt(0x10000);
          sb.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
          t.text(c);
        }
        default -> {
          String p = PIECES[r.nextInt(PIECES.length)] + PIECES[r.nextInt(PIECES.length)];
          int a = r.nextInt(p.length() + 1);
          int z = a + r.nextInt(p.length() - a + 1);
          sb.writeBytes(p.substring(a, z).getBytes(StandardCharsets.UTF_8));
          t.text(p, a, z);
        }
      }
    }
    byte[] body = new byte[r.nextInt(8)];
    r.nextBytes(body);
    byte[] expected = sb.toByteArray();
    assertThat(t.toArray()).isEqualTo(expected);
    byte[] withBody = t.toArray(body);
    assertThat(withBody).startsWith(expected).endsWith(body).hasSize(expected.length + body.length);
  }

  @Test
  void unsignedBase36IsLongToUnsignedString() {
    Random r = new Random(36);
    ByteText t = new ByteText(8, 1024);
    long[] edges = {0, 1, 35, 36, Long.MAX_VALUE, Long.MIN_VALUE, -1, -36, -37};
    for (int k = 0; k < 10_000 + edges.length; k++) {
      long v = k < edges.length ? edges[k] : r.nextLong() >>> r.nextInt(64);
      t.reset().ascii("x").unsignedBase36(v).ascii("y");
      assertThat(t.toString()).isEqualTo("x" + Long.toUnsignedString(v, 36) + "y");
    }
  }

  @Test
  void bytesInARangeAreCopiedAsTheyAre() {
    byte[] b = "abcdef".getBytes(StandardCharsets.US_ASCII);
    ByteText t = new ByteText(2, 1024);
    t.bytes(b, 1, 4).bytes(b, 0, 0).bytes(b, 5, 6);
    assertThat(t.toArray()).isEqualTo("bcdf".getBytes(StandardCharsets.US_ASCII));
  }

  @Test
  void resetEmptiesItAndAHugeMessageDoesNotChangeTheNextOne() {
    ByteText t = new ByteText(8, 16);
    t.text("x".repeat(100)).crlf();
    assertThat(t.length()).isEqualTo(102);
    t.reset().ascii("OK").crlf().bytes(new byte[] {1, 2});
    assertThat(t.toArray()).containsExactly('O', 'K', '\r', '\n', 1, 2);
    assertThat(t.toString()).isEqualTo("OK\r\n\u0001\u0002");
  }
}
