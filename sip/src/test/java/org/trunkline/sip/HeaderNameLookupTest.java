package org.trunkline.sip;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The scanner's word-wise {@link HeaderName.lookupWords} finds what the byte-wise lookup finds. */
class HeaderNameLookupTest {
  private static List<String> knownSpellings() {
    List<String> out = new ArrayList<>();
    for (var f : HeaderName.class.getFields()) {
      if (Modifier.isStatic(f.getModifiers()) && f.getType() == HeaderName.class) {
        try {
          HeaderName h = (HeaderName) f.get(null);
          out.add(h.name());
          if (h.compact() != '\0') {
            out.add(String.valueOf(h.compact()));
          }
        } catch (IllegalAccessException e) {
          throw new AssertionError(e);
        }
      }
    }
    return out;
  }

  @Test
  void everyKnownNameInAnyCaseAndEveryNearMissAgree() {
    List<String> known = knownSpellings();
    assertThat(known).hasSizeGreaterThan(70);
    String tokenBytes = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.!%*_+`'~";
    Random random = new Random(7);
    int found = 0;
    for (int round = 0; round < 200_000; round++) {
      StringBuilder name = new StringBuilder(known.get(random.nextInt(known.size())));
      for (int i = 0; i < name.length(); i++) {
        if (random.nextBoolean()) {
          char c = name.charAt(i);
          name.setCharAt(
              i, Character.isUpperCase(c) ? Character.toLowerCase(c) : Character.toUpperCase(c));
        }
      }
      switch (random.nextInt(4)) {
        case 0 ->
            name.setCharAt(
                random.nextInt(name.length()),
                tokenBytes.charAt(random.nextInt(tokenBytes.length())));
        case 1 -> name.append(tokenBytes.charAt(random.nextInt(tokenBytes.length())));
        case 2 -> name.setLength(Math.max(1, name.length() - 1));
        default -> {}
      }
      // the name inside a line, or at the very end of the array (the word reads must not overrun)
      String before = random.nextBoolean() ? "" : "x\r\n";
      String after = random.nextBoolean() ? "" : ": value\r\n";
      byte[] b = (before + name + after).getBytes(StandardCharsets.US_ASCII);
      int off = before.length();
      HeaderName expected = HeaderName.lookup(b, off, name.length());
      assertThat(HeaderName.lookupWords(b, off, name.length()))
          .as(name.toString())
          .isSameAs(expected);
      if (expected != null) {
        found++;
      }
    }
    assertThat(found).isGreaterThan(50_000);
  }

  /**
   * The scanner now looks a name up before checking that its bytes are token characters, so the
   * word-wise lookup must be exact for any byte: CR where a name has {@code -}, {@code @} or {@code
   * [} (which {@code | 0x20} would fold onto a back-quote or brace), bytes above 0x7f.
   */
  @Test
  void anyByteInAKnownNameIsAMissExactlyWhenTheByteWiseLookupMisses() {
    List<String> known = knownSpellings();
    Random random = new Random(11);
    int misses = 0;
    for (int round = 0; round < 200_000; round++) {
      byte[] name = known.get(random.nextInt(known.size())).getBytes(StandardCharsets.US_ASCII);
      int at = random.nextInt(name.length);
      name[at] =
          switch (random.nextInt(4)) {
            case 0 -> (byte) '\r';
            case 1 -> (byte) (name[at] ^ 0x20);
            case 2 -> (byte) (name[at] ^ 0x40);
            default -> (byte) random.nextInt(256);
          };
      byte[] b = new byte[name.length + 16];
      System.arraycopy(name, 0, b, 3, name.length);
      HeaderName expected = HeaderName.lookup(b, 3, name.length);
      assertThat(HeaderName.lookupWords(b, 3, name.length))
          .as(new String(name, StandardCharsets.ISO_8859_1))
          .isSameAs(expected);
      if (expected == null) {
        misses++;
      }
    }
    assertThat(misses).isGreaterThan(100_000);
    byte[] crInName = "Call\rID: x".getBytes(StandardCharsets.US_ASCII);
    assertThat(HeaderName.lookupWords(crInName, 0, 7)).isNull();
    assertThat(HeaderName.lookupWords("Call-ID: x".getBytes(StandardCharsets.US_ASCII), 0, 7))
        .isSameAs(HeaderName.CALL_ID);
  }

  /**
   * The scanner's lookup from three preloaded words (the 24 bytes from the line start, which hold
   * the name, its colon and whatever follows) finds what the byte-wise lookup finds, for any bytes
   * after the name and any length below 24.
   */
  @Test
  void theLookupFromPreloadedWordsAgreesWithTheByteWiseLookup() {
    List<String> known = knownSpellings();
    Random random = new Random(13);
    int found = 0;
    for (int round = 0; round < 200_000; round++) {
      byte[] b = new byte[24];
      random.nextBytes(b);
      byte[] name =
          random.nextInt(3) == 0
              ? new byte[1 + random.nextInt(23)]
              : known.get(random.nextInt(known.size())).getBytes(StandardCharsets.US_ASCII);
      if (name.length > 0 && name[0] == 0) {
        random.nextBytes(name);
      }
      for (int i = 0; i < name.length; i++) {
        b[i] = random.nextInt(4) == 0 ? (byte) (name[i] ^ 0x20) : name[i];
      }
      if (random.nextInt(8) == 0) {
        b[random.nextInt(name.length)] = (byte) random.nextInt(256);
      }
      int len = name.length;
      var words = java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN);
      int id = HeaderName.lookupId(words.getLong(0), words.getLong(8), words.getLong(16), len);
      HeaderName expected = HeaderName.lookup(b, 0, len);
      assertThat(HeaderName.byId(id))
          .as(new String(b, 0, len, StandardCharsets.ISO_8859_1))
          .isSameAs(expected);
      if (expected != null) {
        found++;
      }
    }
    assertThat(found).isGreaterThan(50_000);
  }
}
