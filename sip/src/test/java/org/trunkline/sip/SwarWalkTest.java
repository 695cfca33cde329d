package org.trunkline.sip;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The scanner's walks that now jump 8 bytes at a time ({@link Swar}) give what the byte-at-a-time
 * walks they replaced gave. The references below are those walks as they were (commit c6b90a2), run
 * over random values made mostly of the bytes the walks stop at.
 */
class SwarWalkTest {
  // quotes, backslashes, separators, brackets, spaces, CR/LF, and the parameter names looked for
  private static final String[] PIECES = {
    "\"",
    "\\",
    ",",
    ";",
    "<",
    ">",
    " ",
    "\t",
    "\r",
    "\n",
    "=",
    "a",
    "Z9",
    "branch",
    "tag",
    "TAG",
    "sip:x@h",
    "abcdefghij",
    ";branch=z9hG4bK1",
    ";tag=t1",
    "é"
  };

  private static byte[] randomValue(Random random) {
    StringBuilder s = new StringBuilder();
    int n = random.nextInt(24);
    for (int i = 0; i < n; i++) {
      s.append(PIECES[random.nextInt(PIECES.length)]);
    }
    return s.toString().getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void swarSearchesFindTheFirstOfTheirBytes() {
    Random random = new Random(3);
    for (int round = 0; round < 100_000; round++) {
      byte[] b = new byte[random.nextInt(40)];
      for (int i = 0; i < b.length; i++) {
        // few distinct bytes, so that matches fall at every position, high bytes included
        b[i] = (byte) ("ab;,\"<\u00ff\u0080".charAt(random.nextInt(8)));
      }
      int s = b.length == 0 ? 0 : random.nextInt(b.length + 1);
      int e = s + random.nextInt(b.length - s + 1);
      assertThat(Swar.indexOfAny(b, s, e, Swar.of(';'), Swar.of(',')))
          .isEqualTo(first(b, s, e, ";,"));
      assertThat(Swar.indexOfAny(b, s, e, Swar.of('"'), Swar.of(';'), Swar.of('\u00ff')))
          .isEqualTo(first(b, s, e, "\";\u00ff"));
      assertThat(
              Swar.indexOfAny(b, s, e, Swar.of('<'), Swar.of('>'), Swar.of('\u0080'), Swar.of(',')))
          .isEqualTo(first(b, s, e, "<>\u0080,"));
    }
  }

  private static int first(byte[] b, int s, int e, String bytes) {
    for (int p = s; p < e; p++) {
      for (int i = 0; i < bytes.length(); i++) {
        if (b[p] == (byte) bytes.charAt(i)) {
          return p;
        }
      }
    }
    return e;
  }

  @Test
  void parameterAndQuoteWalksAgreeWithTheByteWiseWalks() {
    Random random = new Random(5);
    for (int round = 0; round < 200_000; round++) {
      byte[] b = randomValue(random);
      int e = b.length;
      String text = new String(b, StandardCharsets.UTF_8);
      assertThat(RoutingIndex.countValues(b, 0, e)).as(text).isEqualTo(oldCountValues(b, 0, e));
      for (String name : new String[] {"tag", "branch"}) {
        assertThat(Params.find(b, 0, e, name, false))
            .as(text)
            .isEqualTo(oldFind(b, 0, e, name, false));
        assertThat(Params.find(b, 0, e, name, true))
            .as(text)
            .isEqualTo(oldFind(b, 0, e, name, true));
      }
      assertThat(NameAddressScan.paramsStart(b, 0, e)).as(text).isEqualTo(oldParamsStart(b, 0, e));
      for (int p = 0; p < e; p++) {
        if (b[p] == '"') {
          assertThat(Params.skipQuoted(b, p, e)).as(text).isEqualTo(oldSkipQuoted(b, p, e));
        }
      }
    }
  }

  /** The scan's one walk over the top Via: branch and count as the old walks found them. */
  @Test
  void theTopViaWalkAgreesWithTheByteWiseWalks() {
    Random random = new Random(9);
    int branches = 0;
    for (int round = 0; round < 50_000; round++) {
      // a header value holds no CR/LF: the scan ends it there
      byte[] v =
          new String(randomValue(random), StandardCharsets.UTF_8)
              .replace("\r", "")
              .replace("\n", "")
              .strip()
              .getBytes(StandardCharsets.UTF_8);
      if (v.length == 0) {
        continue;
      }
      String text = new String(v, StandardCharsets.UTF_8);
      byte[] msg =
          ("OPTIONS sip:a@h SIP/2.0\r\nVia: SIP/2.0/UDP h" + text + "\r\n\r\n")
              .getBytes(StandardCharsets.UTF_8);
      SipMessage m = new SipParser().parseDatagram(msg);
      int s = m.valueStart(0);
      int e = m.valueEnd(0);
      assertThat(m.viaCount()).as(text).isEqualTo(oldCountValues(msg, s, e));
      long span = oldFind(msg, s, e, "branch", true);
      String expected =
          span == Params.ABSENT
              ? null
              : new String(
                  msg,
                  Params.start(span),
                  Params.end(span) - Params.start(span),
                  StandardCharsets.ISO_8859_1); // as topViaBranch() decodes it
      assertThat(m.topViaBranch()).as(text).isEqualTo(expected);
      if (expected != null) {
        branches++;
      }
    }
    assertThat(branches).isGreaterThan(5_000);
  }

  /** A header name is read as the byte-wise scan read it: token bytes, then SP/HT, then ':'. */
  @Test
  void headerNamesAreReadAsTheByteWiseScanReadThem() {
    String[] names = {"Via", "v", "Call-ID", "P-Asserted-Identity", "X-Custom", "Content-Length"};
    String[] mutations = {"", " ", "\t", "\r", "@", "[", "é", "-", "x", " x"};
    Random random = new Random(13);
    for (int round = 0; round < 20_000; round++) {
      StringBuilder name = new StringBuilder(names[random.nextInt(names.length)]);
      if (random.nextBoolean()) {
        name.insert(random.nextInt(name.length() + 1), mutations[random.nextInt(mutations.length)]);
      }
      if (random.nextBoolean()) {
        name.append(mutations[random.nextInt(mutations.length)]);
      }
      String line = name + ":" + " value";
      byte[] msg =
          ("OPTIONS sip:a@h SIP/2.0\r\n" + line + "\r\n\r\n").getBytes(StandardCharsets.UTF_8);
      SipMessage m = new SipParser().parseDatagram(msg);
      // the old scan: token bytes, then SP/HT, then the colon, else a bad header line
      int p = 0;
      byte[] lb = line.getBytes(StandardCharsets.UTF_8);
      while (p < lb.length && Chars.isToken(lb[p])) {
        p++;
      }
      int nameEnd = p;
      while (p < lb.length && Chars.isWs(lb[p])) {
        p++;
      }
      boolean good = nameEnd > 0 && lb[p] == ':';
      if (good) {
        assertThat(m.headerCount()).as(line).isEqualTo(1);
        HeaderName expected = HeaderName.lookup(lb, 0, nameEnd);
        if (expected != null) {
          assertThat(m.headerName(0)).as(line).isSameAs(expected);
        } else {
          assertThat(m.headerName(0).isKnown()).as(line).isFalse();
          assertThat(m.headerName(0).name())
              .isEqualTo(new String(lb, 0, nameEnd, StandardCharsets.ISO_8859_1));
        }
      } else if (line.indexOf('\r') < 0) {
        assertThat(m.error()).as(line).isNotNull();
        assertThat(m.error().kind()).as(line).isEqualTo(ErrorKind.BAD_HEADER_LINE);
        assertThat(m.error().column()).as(line).isEqualTo(p + 1);
      }
    }
  }

  private static final String[] URI_PIECES = {
    "@",
    ":",
    "%",
    "%4",
    "%41",
    "%g1",
    ";",
    "?",
    "/",
    "&",
    "=",
    "+",
    "$",
    ",",
    "<",
    " ",
    "a",
    "Z",
    "9",
    "-",
    "_",
    "host.example",
    "é",
    "\"",
    "[::1]"
  };

  /** The sip URI userinfo: found and checked in one walk as the find-then-check walks did. */
  @Test
  void theUserinfoWalkAgreesWithFindThenCheck() {
    Random random = new Random(17);
    int found = 0;
    for (int round = 0; round < 200_000; round++) {
      StringBuilder u = new StringBuilder();
      int n = random.nextInt(12);
      for (int i = 0; i < n; i++) {
        u.append(URI_PIECES[random.nextInt(URI_PIECES.length)]);
      }
      byte[] b = u.toString().getBytes(StandardCharsets.UTF_8);
      String text = u.toString();
      String expected;
      try {
        expected = String.valueOf(oldUserinfo(b, 0, b.length));
      } catch (SipParseException x) {
        expected = "! " + x.getMessage() + " @" + x.offset();
      }
      String actual;
      try {
        actual = String.valueOf(UriParser.userinfo(b, 0, b.length));
      } catch (SipParseException x) {
        actual = "! " + x.getMessage() + " @" + x.offset();
      }
      assertThat(actual).as(text).isEqualTo(expected);
      if (!expected.startsWith("!") && !expected.equals("-1")) {
        found++;
      }
    }
    assertThat(found).isGreaterThan(10_000);
  }

  /** The validator's split of a list value: the same values, or the same exception. */
  @Test
  void theListSplitAgreesWithTheByteWiseSplit() {
    Random random = new Random(19);
    String[] pieces = {"\"", "\\", ",", "<", ">", " ", "\r\n ", "a", "sip:x@h", ";p=1", "é"};
    for (int round = 0; round < 200_000; round++) {
      StringBuilder v = new StringBuilder("x");
      int n = random.nextInt(16);
      for (int i = 0; i < n; i++) {
        v.append(pieces[random.nextInt(pieces.length)]);
      }
      String value = v.toString().strip();
      byte[] msg =
          ("OPTIONS sip:a@h SIP/2.0\r\nContact: " + value + "\r\n\r\n")
              .getBytes(StandardCharsets.UTF_8);
      SipMessage m = new SipParser().parseDatagram(msg);
      List<String> expected = new ArrayList<>();
      try {
        oldForEachValue(m.buf, m.valueStart(0), m.valueEnd(0), (a, z) -> expected.add(a + "-" + z));
      } catch (SipParseException x) {
        expected.add("! " + x.getMessage() + " @" + x.offset());
      }
      List<String> actual = new ArrayList<>();
      try {
        SipValidator.forEachValue(m, 0, (a, z) -> actual.add(a + "-" + z));
      } catch (SipParseException x) {
        actual.add("! " + x.getMessage() + " @" + x.offset());
      }
      assertThat(actual).as(value).isEqualTo(expected);
    }
  }

  @Test
  void plainAsciiIsNoHighByteNoCrNoLf() {
    Random random = new Random(23);
    for (int round = 0; round < 100_000; round++) {
      byte[] b = new byte[random.nextInt(30)];
      for (int i = 0; i < b.length; i++) {
        b[i] =
            random.nextInt(8) == 0
                ? (byte) "\r\n\u0080\u00ff\u007f".charAt(random.nextInt(5))
                : (byte) 'a';
      }
      int s = b.length == 0 ? 0 : random.nextInt(b.length + 1);
      int e = s + random.nextInt(b.length - s + 1);
      boolean expected = true;
      for (int p = s; p < e; p++) {
        expected &= b[p] >= 0 && b[p] != '\r' && b[p] != '\n';
      }
      assertThat(Swar.isPlainAscii(b, s, e)).isEqualTo(expected);
    }
  }

  /**
   * The one-pass plain test (flags any byte outside 0x20..0x7f, then the exact walk for a flagged
   * span) against the byte loop, over spans of 0-40 bytes mostly printable, with HT, SP, the bytes
   * either side of the flag bounds, CR, LF and high bytes sprinkled in, at every offset.
   */
  @Test
  void theOnePassPlainTestAgreesWithTheByteLoop() {
    Random random = new Random(29);
    byte[] special = {'\t', ' ', 0x1f, 0x7f, (byte) 0x80, (byte) 0x9f, (byte) 0xa0, (byte) 0xff};
    byte[] rare = {'\r', '\n', 0, (byte) 0xc3};
    int plain = 0;
    for (int round = 0; round < 200_000; round++) {
      byte[] b = new byte[random.nextInt(48)];
      for (int i = 0; i < b.length; i++) {
        int r = random.nextInt(64);
        b[i] =
            r == 0
                ? rare[random.nextInt(rare.length)]
                : r < 4
                    ? special[random.nextInt(special.length)]
                    : (byte) (0x21 + random.nextInt(94));
      }
      int s = b.length == 0 ? 0 : random.nextInt(b.length + 1);
      int e = s + random.nextInt(b.length - s + 1);
      boolean expected = true;
      for (int p = s; p < e; p++) {
        expected &= b[p] >= 0 && b[p] != '\r' && b[p] != '\n';
      }
      assertThat(Swar.isPlainAscii(b, s, e))
          .as("%s [%d, %d)", java.util.HexFormat.of().formatHex(b), s, e)
          .isEqualTo(expected);
      plain += expected ? 1 : 0;
    }
    assertThat(plain).isBetween(50_000, 190_000);
  }

  /** The branch-free "bytes below the lowest flag" against a byte loop over random words. */
  @Test
  void belowTheLowestFlagIsTheBytesBeforeTheFirstMatch() {
    Random random = new Random(31);
    for (int round = 0; round < 200_000; round++) {
      long w = 0;
      for (int i = 0; i < Long.BYTES; i++) {
        int r = random.nextInt(6);
        long c = r == 0 ? ':' : r == 1 ? (':' ^ 0x80) : r == 2 ? ':' + 1 : random.nextInt(256);
        w |= c << (8 * i);
      }
      long expected = -1L;
      for (int i = 0; i < Long.BYTES; i++) {
        if (((w >>> (8 * i)) & 0xff) == ':') {
          expected = i == 0 ? 0 : -1L >>> (64 - 8 * i);
          break;
        }
      }
      assertThat(Swar.below(Swar.zeros(w ^ Swar.of(':'))))
          .as(Long.toHexString(w))
          .isEqualTo(expected);
    }
  }

  /**
   * The scanner's LF search (a step of two words by the below-SP test, then the exact test from the
   * first flagged byte that is no line end) and its exact form against a byte loop: spans of 0-100
   * bytes at every offset and length, LFs at any place or none, CRLFs, lone CRs, HTs and UTF-8
   * bytes before them, and bytes that look like LF to a careless SWAR test (0x0b above an LF, 0x8a,
   * 0x09).
   */
  @Test
  void theLfSearchFindsTheFirstLfAsTheByteLoopDoes() {
    Random random = new Random(41);
    byte[] near = {'\n', '\n', 0x0b, (byte) 0x8a, 0x09, 0x0a ^ 0x01, '\r', (byte) 0xc3, 0x1f};
    int found = 0;
    int afterCr = 0;
    for (int round = 0; round < 400_000; round++) {
      byte[] b = new byte[random.nextInt(101)];
      int density = 2 + random.nextInt(40);
      for (int i = 0; i < b.length; i++) {
        int pick = random.nextInt(density);
        if (pick == 0) {
          b[i] = near[random.nextInt(near.length)];
        } else if (pick == 1 && i + 1 < b.length) {
          b[i++] = '\r';
          b[i] = '\n';
        } else {
          b[i] = (byte) (0x20 + random.nextInt(95));
        }
      }
      int p = b.length == 0 ? 0 : random.nextInt(b.length + 1);
      int end = p + random.nextInt(b.length - p + 1);
      int expected = -1;
      for (int q = p; q < end; q++) {
        if (b[q] == '\n') {
          expected = q;
          break;
        }
      }
      String what = java.util.HexFormat.of().formatHex(b) + " [" + p + ", " + end + ")";
      assertThat(SipParser.indexOfLf(b, p, end)).as(what).isEqualTo(expected);
      assertThat(SipParser.indexOfLfExact(b, p, end)).as(what).isEqualTo(expected);
      found += expected >= 0 ? 1 : 0;
      afterCr += expected > p && b[expected - 1] == '\r' ? 1 : 0;
    }
    assertThat(found).isBetween(50_000, 350_000);
    assertThat(afterCr).isBetween(10_000, 350_000);
  }

  // ---- the walks as they were, byte by byte ----

  /** The old walkSip start: find the '@', then check the userinfo before it. */
  private static long oldUserinfo(byte[] b, int s, int e) {
    int at = -1;
    for (int p = s; p < e; p++) {
      if (b[p] == '@') {
        at = p;
        break;
      }
    }
    if (at < 0) {
      return UriParser.NO_USERINFO;
    }
    int pw = -1;
    for (int q = s; q < at; q++) {
      byte c = b[q];
      if (c == ':' && pw < 0) {
        pw = q;
      } else if (c == '%') {
        if (q + 2 >= at || Chars.hexValue(b[q + 1]) < 0 || Chars.hexValue(b[q + 2]) < 0) {
          throw new SipParseException("bad % escape in URI", q);
        }
        q += 2;
      } else if (pw < 0
          ? !Chars.is(c, Chars.UNRESERVED | Chars.USER_UNRESERVED)
          : !Chars.is(c, Chars.UNRESERVED | Chars.PASSWORD)) {
        throw new SipParseException("bad character in SIP URI userinfo", q);
      }
    }
    return Params.span(at, pw);
  }

  private static void oldForEachValue(byte[] b, int s, int e, SipValidator.Span span) {
    boolean quoted = false;
    int angle = 0;
    int vs = s;
    for (int p = s; p <= e; p++) {
      byte c = p < e ? b[p] : (byte) ',';
      if (quoted) {
        if (c == '\\') {
          p++;
        } else if (c == '"') {
          quoted = false;
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == '<') {
        angle++;
      } else if (c == '>' && angle > 0) {
        angle--;
      } else if (c == ',' && (angle == 0 || p == e)) {
        int a = SipParser.skipLws(b, vs, p);
        int z = p;
        while (z > a && (Chars.isWs(b[z - 1]) || b[z - 1] == '\r' || b[z - 1] == '\n')) {
          z--;
        }
        if (a == z) {
          throw new SipParseException("empty value in list", p);
        }
        span.check(a, z);
        vs = p + 1;
      }
    }
    if (quoted) {
      throw new SipParseException("unterminated quoted string", e);
    }
  }

  private static int oldCountValues(byte[] b, int s, int e) {
    int n = 1;
    boolean quoted = false;
    for (int p = s; p < e; p++) {
      byte c = b[p];
      if (quoted) {
        if (c == '\\') {
          p++;
        } else if (c == '"') {
          quoted = false;
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        n++;
      }
    }
    return n;
  }

  private static long oldFind(byte[] b, int s, int e, String name, boolean firstValueOnly) {
    boolean quoted = false;
    for (int p = s; p < e; p++) {
      byte c = b[p];
      if (quoted) {
        if (c == '\\') {
          p++;
        } else if (c == '"') {
          quoted = false;
        }
        continue;
      }
      if (c == '"') {
        quoted = true;
      } else if (c == ',' && firstValueOnly) {
        return Params.ABSENT;
      } else if (c == ';') {
        long span = oldParamAt(b, p, e, name);
        if (span != Params.ABSENT) {
          return span == Params.UNTERMINATED ? Params.ABSENT : span;
        }
      }
    }
    return Params.ABSENT;
  }

  private static long oldParamAt(byte[] b, int p, int e, String name) {
    int n = SipParser.skipLws(b, p + 1, e);
    if (n + name.length() <= e && StartLine.startsWithIgnoreCase(b, n, name)) {
      int q = SipParser.skipLws(b, n + name.length(), e);
      if (q == e || b[q] == ';' || b[q] == ',') {
        return Params.span(q, q);
      }
      if (b[q] == '=') {
        int vs = SipParser.skipLws(b, q + 1, e);
        int ve = vs;
        if (ve < e && b[ve] == '"') {
          ve = oldSkipQuoted(b, ve, e);
          return ve < 0 ? Params.UNTERMINATED : Params.span(vs + 1, ve - 1);
        }
        while (ve < e
            && b[ve] != ';'
            && b[ve] != ','
            && !Chars.isWs(b[ve])
            && b[ve] != '\r'
            && b[ve] != '\n') {
          ve++;
        }
        return Params.span(vs, ve);
      }
    }
    return Params.ABSENT;
  }

  private static int oldSkipQuoted(byte[] b, int p, int e) {
    for (p++; p < e; p++) {
      if (b[p] == '\\') {
        p++;
      } else if (b[p] == '"') {
        return p + 1;
      }
    }
    return -1;
  }

  private static int oldParamsStart(byte[] b, int s, int e) {
    for (int p = s; p < e; p++) {
      byte c = b[p];
      if (c == '"') {
        p = oldSkipQuoted(b, p, e);
        if (p < 0) {
          return -1;
        }
        p--;
      } else if (c == '<') {
        for (int q = p + 1; q < e; q++) {
          if (b[q] == '>') {
            return q + 1;
          }
          if (b[q] == '<') {
            return -1;
          }
        }
        return -1;
      } else if (c == '>') {
        return -1;
      } else if (c == ';') {
        return p;
      }
    }
    return e;
  }
}
