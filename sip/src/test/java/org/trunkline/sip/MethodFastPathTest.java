package org.trunkline.sip;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The fast paths of branch scan11 against the byte walks they skip: {@link SipMethod#known} (a
 * known name by its word compare) against the byte compare, and the method of the request line and
 * of CSeq, found without the token walk when it is a known name, against that walk.
 */
class MethodFastPathTest {
  private static final String[] METHODS = {
    "ACK",
    "BYE",
    "INFO",
    "PRACK",
    "REFER",
    "INVITE",
    "CANCEL",
    "UPDATE",
    "NOTIFY",
    "OPTIONS",
    "MESSAGE",
    "PUBLISH",
    "REGISTER",
    "SUBSCRIBE",
    "FOO",
    "X"
  };
  // token bytes, bytes that are not tokens (SP and HT among them), and bytes one bit off SP
  private static final String POOL = "AZaz09-.!%*_+`'~ \t@,;\"<>:\u0000\u00a0\u0010\u0021\u0060";

  private static byte[] mutated(Random random) {
    byte[] name = METHODS[random.nextInt(METHODS.length)].getBytes(StandardCharsets.US_ASCII);
    switch (random.nextInt(5)) {
      case 0 ->
          name[random.nextInt(name.length)] = (byte) POOL.charAt(random.nextInt(POOL.length()));
      case 1 -> name = Arrays.copyOf(name, random.nextInt(name.length + 1));
      case 2 -> {
        name = Arrays.copyOf(name, name.length + 1);
        name[name.length - 1] = (byte) POOL.charAt(random.nextInt(POOL.length()));
      }
      default -> {}
    }
    return name;
  }

  @Test
  void aKnownNameByItsWordIsTheByteCompare() {
    Random random = new Random(41);
    int hits = 0;
    for (int round = 0; round < 200_000; round++) {
      byte[] name = mutated(random);
      byte[] b = new byte[random.nextInt(12) + name.length + random.nextInt(12)];
      random.nextBytes(b);
      int off = random.nextInt(b.length - name.length + 1);
      System.arraycopy(name, 0, b, off, name.length);
      SipMethod known = SipMethod.known(b, off, name.length);
      SipMethod bytes = SipMethod.valueOfBytes(b, off, name.length);
      if (known != null) {
        assertThat(known).isSameAs(bytes);
        hits++;
      } else if (off + Long.BYTES <= b.length) {
        // null only for an unknown name, or where no word can be read
        assertThat(bytes.isKnown()).as(new String(name, StandardCharsets.ISO_8859_1)).isFalse();
      }
    }
    assertThat(hits).isGreaterThan(50_000);
  }

  @Test
  void theMethodsOfTheRequestLineAndCseqAreWhatTheTokenWalkFinds() {
    Random random = new Random(43);
    SipParser parser = new SipParser();
    int good = 0;
    for (int round = 0; round < 100_000; round++) {
      byte[] method = mutated(random);
      if (new String(method, StandardCharsets.ISO_8859_1).indexOf(' ') >= 0) {
        // an SP in the request line ends the method there: another line, not this test's
        continue;
      }
      byte[] cseqMethod = random.nextBoolean() ? method : mutated(random);
      String text =
          ascii(method)
              + " sip:bob@example.com SIP/2.0\r\n"
              + "Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1\r\n"
              + "From: <sip:a@example.com>;tag=1\r\n"
              + "To: <sip:bob@example.com>\r\n"
              + "Call-ID: c1\r\n"
              + "CSeq: 7 "
              + ascii(cseqMethod)
              + "\r\n\r\n";
      byte[] b = text.getBytes(StandardCharsets.ISO_8859_1);
      SipMessage m = parser.parseDatagram(b);
      String expected = walk(method, true);
      if (expected == null) {
        assertThat(m.method()).isNull();
        assertThat(m.isOk()).isFalse();
        continue;
      }
      assertThat(m.method()).isEqualTo(SipMethod.valueOf(expected));
      String expectedCseq = walk(cseqMethod, false);
      if (expectedCseq == null) {
        assertThat(m.cseqMethod()).isNull();
        assertThat(m.isOk()).isFalse();
      } else {
        SipMethod c = SipMethod.valueOf(expectedCseq);
        assertThat(m.cseqMethod()).isEqualTo(c);
        if (c.isKnown()) {
          assertThat(m.cseqMethod()).isSameAs(c);
        }
        assertThat(m.isOk()).isEqualTo(expectedCseq.equals(expected));
        good += m.isOk() ? 1 : 0;
      }
    }
    assertThat(good).isGreaterThan(20_000);
  }

  /** The method as the token walk reads it, or null where the line or value is bad. */
  private static String walk(byte[] name, boolean requestLine) {
    // the request line needs the token then exactly one SP; the CSeq value is the token after the
    // LWS that follows the number, to its end (SP/HT around it is skipped or trimmed)
    int start = 0;
    int end = name.length;
    if (!requestLine) {
      while (start < end && (name[start] == ' ' || name[start] == '\t')) {
        start++;
      }
      while (end > start && (name[end - 1] == ' ' || name[end - 1] == '\t')) {
        end--;
      }
    }
    int n = start;
    while (n < end && Chars.isToken(name[n])) {
      n++;
    }
    if (n == start || n != end) {
      return null;
    }
    return ascii(Arrays.copyOfRange(name, start, n));
  }

  private static String ascii(byte[] b) {
    return new String(b, StandardCharsets.ISO_8859_1);
  }
}
