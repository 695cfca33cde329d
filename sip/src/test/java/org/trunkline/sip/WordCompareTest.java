package org.trunkline.sip;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The scan's word compares of branch scan10 against the byte walks they stand for: the known method
 * names, the angle-bracket searches and the one-word header name lookup.
 */
class WordCompareTest {
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
    "SUBSCRIBE"
  };

  @Test
  void theWordCompareOfAMethodIsTheByteCompare() {
    Random random = new Random(17);
    int known = 0;
    int unknown = 0;
    for (int round = 0; round < 200_000; round++) {
      byte[] name = METHODS[random.nextInt(METHODS.length)].getBytes(StandardCharsets.US_ASCII);
      // one byte changed (case, one bit, a high byte), cut short, made longer, or left as it is
      switch (random.nextInt(5)) {
        case 0 -> name[random.nextInt(name.length)] ^= (byte) (1 << random.nextInt(8));
        case 1 -> name = java.util.Arrays.copyOf(name, random.nextInt(name.length + 1));
        case 2 -> name = java.util.Arrays.copyOf(name, name.length + 1 + random.nextInt(2));
        default -> {}
      }
      // the name at the start, the middle or the very end of the array, with any bytes around it
      byte[] b = new byte[random.nextInt(12) + name.length + random.nextInt(12)];
      random.nextBytes(b);
      int off = random.nextInt(b.length - name.length + 1);
      System.arraycopy(name, 0, b, off, name.length);
      SipMethod words = SipMethod.valueOf(b, off, name.length);
      SipMethod bytes = SipMethod.valueOfBytes(b, off, name.length);
      assertThat(words).isEqualTo(bytes);
      assertThat(words.isKnown()).isEqualTo(bytes.isKnown());
      if (bytes.isKnown()) {
        assertThat(words).isSameAs(bytes);
        known++;
      } else {
        unknown++;
      }
    }
    assertThat(known).isGreaterThan(50_000);
    assertThat(unknown).isGreaterThan(50_000);
  }

  @Test
  void theAngleSearchesFindWhatTheByteWalksFind() {
    Random random = new Random(29);
    // '<' '>' and every byte one bit away from either, ';' and '"' for the second search
    String pool = "<>=?|:~<>;\"\u00bc\u00be\u003d\u003f\u001c\u001e\u007c\u007e\u000c\u000eab";
    for (int round = 0; round < 200_000; round++) {
      byte[] b = new byte[random.nextInt(40)];
      for (int i = 0; i < b.length; i++) {
        b[i] = (byte) pool.charAt(random.nextInt(pool.length()));
      }
      int s = b.length == 0 ? 0 : random.nextInt(b.length + 1);
      int e = s + random.nextInt(b.length - s + 1);
      assertThat(Swar.indexOfAngle(b, s, e))
          .isEqualTo(Swar.indexOfAny(b, s, e, Swar.of('<'), Swar.of('>')));
      assertThat(Swar.indexOfAngleOr(b, s, e, Params.QUOTES, Params.SEMIS))
          .isEqualTo(
              Swar.indexOfAny(b, s, e, Params.QUOTES, Swar.of('<'), Swar.of('>'), Params.SEMIS));
    }
  }

  @Test
  void theOneWordLookupIsTheThreeWordLookup() {
    Random random = new Random(31);
    String[] names = {
      "Via", "v", "From", "f", "To", "t", "Call-ID", "i", "CSeq", "Contact", "m", "Allow", "Route",
      "Date", "Event", "o", "l", "c", "k", "s", "Expires", "Require", "Accept"
    };
    int hits = 0;
    for (int round = 0; round < 200_000; round++) {
      byte[] name = names[random.nextInt(names.length)].getBytes(StandardCharsets.US_ASCII);
      if (random.nextBoolean()) {
        name[random.nextInt(name.length)] ^= (byte) (1 << random.nextInt(8));
      }
      byte[] b = new byte[24];
      random.nextBytes(b);
      System.arraycopy(name, 0, b, 0, name.length);
      long w0 = Swar.word(b, 0);
      long mask = ~(-1L << (name.length << 3));
      int one = HeaderName.lookupIdOneWord(w0 & mask, name.length);
      assertThat(one)
          .isEqualTo(HeaderName.lookupId(w0, Swar.word(b, 8), Swar.word(b, 16), name.length))
          .isEqualTo(HeaderName.lookupId(b, 0, name.length));
      hits += one != 0 ? 1 : 0;
    }
    assertThat(hits).isGreaterThan(50_000);
  }

  @Test
  void theTwoWordLookupIsTheThreeWordLookup() {
    Random random = new Random(37);
    String[] names = {
      "Max-Forwards",
      "Content-Type",
      "Content-Length",
      "Supported",
      "User-Agent",
      "Subject",
      "Priority",
      "Reply-To",
      "Record-Route",
      "Proxy-Require",
      "Unsupported",
      "Organization",
      "Retry-After",
      "Session-Expires",
      "Min-Expires"
    };
    int hits = 0;
    for (int round = 0; round < 200_000; round++) {
      byte[] name = names[random.nextInt(names.length)].getBytes(StandardCharsets.US_ASCII);
      if (random.nextBoolean()) {
        name[random.nextInt(name.length)] ^= (byte) (1 << random.nextInt(8));
      }
      if (name.length < 8 || name.length >= 16) {
        continue;
      }
      byte[] b = new byte[24];
      random.nextBytes(b);
      System.arraycopy(name, 0, b, 0, name.length);
      long w1 = Swar.word(b, 8);
      long mask = ~(-1L << ((name.length - 8) << 3));
      int two = HeaderName.lookupIdTwoWords(Swar.word(b, 0), w1 & mask, name.length);
      assertThat(two)
          .isEqualTo(HeaderName.lookupId(Swar.word(b, 0), w1, Swar.word(b, 16), name.length))
          .isEqualTo(HeaderName.lookupId(b, 0, name.length));
      hits += two != 0 ? 1 : 0;
    }
    assertThat(hits).isGreaterThan(50_000);
  }
}
