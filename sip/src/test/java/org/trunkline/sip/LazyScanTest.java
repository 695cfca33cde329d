package org.trunkline.sip;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The sixth parser session's scan: a line's LF found from its start in the words loaded for the
 * colon, value bounds kept by no one and found when asked (lazy), and {@code ;tag=} / {@code
 * ;branch=} read with one word compare. Each rewrite is checked against the eager or byte-wise walk
 * it replaced, over the RFC 4475/5118 torture corpus and random inputs.
 */
class LazyScanTest {

  /**
   * Lazy against eager over the torture corpus: every indexed line's value bounds, found when
   * asked, are the ones the old scan trimmed eagerly after each line, and so is every other span of
   * the index ({@link ScanRewriteTest} does the same over random messages).
   */
  @Test
  void theLazyValueBoundsAreTheEagerOnesOverTheTortureCorpus() {
    SipParser parser = new SipParser();
    int lines = 0;
    for (Vectors.Vector v : Vectors.all()) {
      byte[] b = v.bytes();
      SipMessage m = parser.parseDatagram(b);
      for (int i = 0; i < m.headerCount(); i++) {
        int[] eager = eagerRow(b, m.lineStart(i), m.end);
        assertThat(
                new int[] {
                  m.lineStart(i), m.nameEnd(i), m.valueStart(i), m.valueEnd(i), m.lineEnd(i)
                })
            .as(v + " line " + i)
            .containsExactly(eager);
        lines++;
      }
    }
    assertThat(lines).isGreaterThan(500);
  }

  /**
   * The eager scan's row {lineStart, nameEnd, valueStart, valueEnd, lineEnd} of a good header line
   * at {@code p}: the name, the colon, the LF not followed by SP/HT, then the value trimmed at
   * once, as main at fba3c8f did it.
   */
  private static int[] eagerRow(byte[] b, int p, int end) {
    int lineStart = p;
    while (p < end && Chars.isToken(b[p])) {
      p++;
    }
    int nameEnd = p;
    while (p < end && Chars.isWs(b[p])) {
      p++;
    }
    int colon = p;
    int nl = p;
    while (true) {
      while (nl < end && b[nl] != '\n') {
        nl++;
      }
      if (nl + 1 < end && Chars.isWs(b[nl + 1])) {
        nl++;
        continue;
      }
      break;
    }
    int vs = colon + 1;
    while (vs < nl && (Chars.isWs(b[vs]) || b[vs] == '\r' || b[vs] == '\n')) {
      vs++;
    }
    int ve = nl;
    while (ve > vs && (b[ve - 1] == '\r' || Chars.isWs(b[ve - 1]))) {
      ve--;
    }
    return new int[] {lineStart, nameEnd, vs, ve, nl + 1};
  }

  /** The first flag over three words is the first set bit of the 192-bit string they make. */
  @Test
  void theFirstFlagOfThreeWordsIsTheLowestSetBit() {
    Random random = new Random(61);
    for (int round = 0; round < 200_000; round++) {
      long[] w = new long[3];
      int set = 1 + random.nextInt(3);
      for (int k = 0; k < set; k++) {
        int bit = random.nextInt(192);
        w[bit / 64] |= 1L << (bit % 64);
      }
      if (random.nextBoolean()) {
        w[2] |= random.nextLong();
      }
      int expected = -1;
      for (int bit = 0; bit < 192 && expected < 0; bit++) {
        if ((w[bit / 64] >>> (bit % 64) & 1) != 0) {
          expected = bit;
        }
      }
      assertThat(SipParser.firstFlag(w[0], w[1], w[2]))
          .as("%x %x %x", w[0], w[1], w[2])
          .isEqualTo(expected);
    }
  }

  /**
   * The searches' last word (overlapping bytes before the start, exact flags) finds what a byte
   * walk finds, over spans of every length and start, made of the searched bytes, bytes one bit
   * away from them (where a borrow would show a false flag), zero and high bytes.
   */
  @Test
  void theSearchesLastOverlappingWordFindsWhatTheByteWalkFinds() {
    Random random = new Random(73);
    String alphabet = ";:,-\"#<=>?\u0000\u0001\u0080\u0081\u00ff\u00fea";
    int found = 0;
    for (int round = 0; round < 200_000; round++) {
      byte[] b = new byte[random.nextInt(40)];
      for (int i = 0; i < b.length; i++) {
        b[i] = (byte) alphabet.charAt(random.nextInt(alphabet.length()));
      }
      int s = b.length == 0 ? 0 : random.nextInt(b.length + 1);
      int e = s + random.nextInt(b.length - s + 1);
      String text = HexFormat.of().formatHex(b) + " [" + s + ", " + e + ")";
      int two = firstOf(b, s, e, ";,");
      assertThat(Swar.indexOfAny(b, s, e, Swar.of(';'), Swar.of(','))).as(text).isEqualTo(two);
      assertThat(Swar.indexOfAny(b, s, e, Swar.of('"'), Swar.of(';'), Swar.of('\u0080')))
          .as(text)
          .isEqualTo(firstOf(b, s, e, "\";\u0080"));
      assertThat(
              Swar.indexOfAny(b, s, e, Swar.of('<'), Swar.of('>'), Swar.of('\u0000'), Swar.of(',')))
          .as(text)
          .isEqualTo(firstOf(b, s, e, "<>\u0000,"));
      found += two < e ? 1 : 0;
    }
    assertThat(found).isBetween(50_000, 190_000);
  }

  private static int firstOf(byte[] b, int s, int e, String bytes) {
    for (int p = s; p < e; p++) {
      if (bytes.indexOf((char) (b[p] & 0xff)) >= 0) {
        return p;
      }
    }
    return e;
  }

  /** The 8-bytes-a-step end of an unquoted parameter value against the byte walk it replaced. */
  @Test
  void theParamValueEndIsTheByteWalks() {
    Random random = new Random(67);
    byte[] near = {
      ';',
      ',',
      ' ',
      '\t',
      '\r',
      '\n',
      0,
      1,
      0x1f,
      0x20,
      0x21,
      '"',
      0x7f,
      (byte) 0x80,
      (byte) 0xa0,
      (byte) 0xa1,
      (byte) 0xbb,
      (byte) 0xff,
      '=',
      'a'
    };
    int ended = 0;
    for (int round = 0; round < 200_000; round++) {
      byte[] b = new byte[random.nextInt(72)];
      int density = 2 + random.nextInt(30);
      for (int i = 0; i < b.length; i++) {
        b[i] =
            random.nextInt(density) == 0
                ? near[random.nextInt(near.length)]
                : (byte) (0x21 + random.nextInt(94));
      }
      int p = b.length == 0 ? 0 : random.nextInt(b.length + 1);
      int e = p + random.nextInt(b.length - p + 1);
      int expected = p;
      while (expected < e && !Chars.is(b[expected], Chars.PARAM_VALUE_END)) {
        expected++;
      }
      assertThat(Swar.paramValueEnd(b, p, e))
          .as("%s [%d, %d)", HexFormat.of().formatHex(b), p, e)
          .isEqualTo(expected);
      ended += expected < e ? 1 : 0;
    }
    assertThat(ended).isBetween(25_000, 175_000);
  }

  /**
   * The word compare of {@code ;tag=} and {@code ;branch=} gives what the byte walk gives, at every
   * {@code ;} of random parameter lists made of look-alike names (any case, bytes one bit away from
   * a letter, LWS around the name and the {@code =}, quoted values, values cut at the end).
   */
  @Test
  void theWordCompareOfTagAndBranchIsTheByteWalks() {
    Random random = new Random(71);
    String[] pieces = {
      ";tag=",
      ";TAG=",
      ";Tag=",
      ";tAg=",
      ";branch=",
      ";BRANCH=",
      ";Branch=",
      ";tag",
      ";branch",
      "; tag=",
      ";tag =",
      ";tag= ",
      ";tag=\"",
      ";branch=\"q\"",
      ";tog=",
      ";t@g=",
      ";tag\u0000",
      ";tagx=",
      ";branchy=",
      ";bran=",
      "\u00d4AG=",
      ";\u0014ag=",
      ";TA\u00c7=",
      ";t`g=",
      ";tag\u001d",
      "abc",
      "z9hG4bK-1",
      "x",
      ",",
      " ",
      "\t",
      "\r\n ",
      "\"",
      "=",
      ";",
      "é",
      "\u007f"
    };
    int found = 0;
    for (int round = 0; round < 200_000; round++) {
      StringBuilder s = new StringBuilder();
      int n = 1 + random.nextInt(8);
      for (int i = 0; i < n; i++) {
        s.append(pieces[random.nextInt(pieces.length)]);
      }
      byte[] b = s.toString().getBytes(StandardCharsets.ISO_8859_1);
      int e = b.length - random.nextInt(Math.min(4, b.length) + 1);
      for (int p = 0; p < e; p++) {
        if (b[p] != ';') {
          continue;
        }
        for (Params.Name name : new Params.Name[] {Params.TAG, Params.BRANCH}) {
          long expected = Params.paramAt(b, p, e, name.name);
          assertThat(Params.paramAt(b, p, e, name))
              .as("%s at %d of [0, %d) for %s", s, p, e, name.name)
              .isEqualTo(expected);
          found += expected >= 0 ? 1 : 0;
        }
      }
      assertThat(Params.find(b, 0, e, Params.TAG, false))
          .as(s.toString())
          .isEqualTo(oldFind(b, 0, e, "tag"));
    }
    assertThat(found).isGreaterThan(20_000);
  }

  /** Params.find as it was: the byte walk's paramAt at each ';' outside quotes. */
  private static long oldFind(byte[] b, int s, int e, String name) {
    int p = s;
    while (p < e) {
      byte c = b[p];
      if (c == '"') {
        p = Params.skipQuoted(b, p, e);
        if (p < 0) {
          return Params.ABSENT;
        }
        continue;
      }
      if (c == ';') {
        long span = Params.paramAt(b, p, e, name);
        if (span != Params.ABSENT) {
          return span == Params.UNTERMINATED ? Params.ABSENT : span;
        }
      }
      p++;
    }
    return Params.ABSENT;
  }

  /**
   * A usual parameter name comes back as a constant only when the bytes are exactly its spelling:
   * the String is always what the bytes decode to, over random names near the usual ones (other
   * case, one byte changed, cut short, longer).
   */
  @Test
  void aKnownParameterNameIsExactlyTheStringOfItsBytes() {
    Random random = new Random(79);
    String[] usual = {"tag", "branch", "rport", "received", "lr", "transport", "user", "q"};
    int hits = 0;
    for (int round = 0; round < 100_000; round++) {
      char[] n = usual[random.nextInt(usual.length)].toCharArray();
      int changes = random.nextInt(3);
      for (int k = 0; k < changes; k++) {
        int i = random.nextInt(n.length);
        n[i] =
            random.nextBoolean()
                ? Character.toUpperCase(n[i])
                : (char) (n[i] ^ (1 << random.nextInt(7)));
      }
      String name = new String(n);
      if (random.nextInt(8) == 0) {
        name = random.nextBoolean() ? name.substring(0, name.length() - 1) : name + "x";
      }
      byte[] b = ("x;" + name + "=1").getBytes(StandardCharsets.ISO_8859_1);
      String known = Params.knownName(b, 2, 2 + name.length());
      String decoded = new String(b, 2, name.length(), StandardCharsets.ISO_8859_1);
      if (known != null) {
        assertThat(known).isEqualTo(decoded);
        hits++;
      } else {
        assertThat(java.util.Arrays.asList(usual)).doesNotContain(decoded);
      }
    }
    assertThat(hits).isBetween(10_000, 90_000);
  }

  /**
   * The start line's word compares ({@code SIP/}, {@code SIP/2.0}) and the usual last SP found
   * without the walk back give the Request-URI bounds, the kind of line and its error (kind and
   * column) that the byte walks gave, over request and status lines made of look-alike pieces.
   */
  @Test
  void theStartLineWordComparesAreTheByteWalks() {
    Random random = new Random(83);
    String[] methods = {"INVITE", "ACK", "X", "", "IN VITE", "SIP/2.0", "sip/", "SIP"};
    String[] uris = {"sip:a@b", "sip:+49301;user=phone", "", " ", "sip:a b", "SIP/2.0"};
    String[] versions = {
      "SIP/2.0",
      "sip/2.0",
      "SiP/2.0",
      "SIP/2.0 ",
      "SIP/2.1",
      "SIP/2.0x",
      "SIP/20",
      "SIQ/2.0",
      "SIP/2\u00ae0",
      "SIP\u00af2.0",
      "\u00d3IP/2.0",
      "SIP/2.0\t",
      "",
      "SIP/7.0",
      "SIP/2.00"
    };
    String[] gaps = {" ", " ", " ", "  ", ""};
    for (int round = 0; round < 100_000; round++) {
      String line =
          random.nextInt(4) == 0
              ? versions[random.nextInt(versions.length)]
                  + gaps[random.nextInt(gaps.length)]
                  + (100 + random.nextInt(600))
                  + " OK"
              : methods[random.nextInt(methods.length)]
                  + gaps[random.nextInt(gaps.length)]
                  + uris[random.nextInt(uris.length)]
                  + gaps[random.nextInt(gaps.length)]
                  + versions[random.nextInt(versions.length)];
      if (line.isEmpty()) {
        continue; // the CRLFs before a start line are skipped (§7.5): another test
      }
      // a short message too, so that the word compares meet the end of the array
      String text = line + (random.nextBoolean() ? "\r\nVia: x\r\n\r\n" : "\n");
      byte[] b = text.getBytes(StandardCharsets.ISO_8859_1);
      SipMessage m = new SipParser().parseDatagram(b);
      int e = line.length();
      boolean status = e >= 4 && StartLine.startsWithIgnoreCase(b, 0, "SIP/");
      assertThat(m.isRequest()).as(text).isEqualTo(!status);
      if (status) {
        continue;
      }
      int[] expected = oldRequestLine(b, 0, e);
      ParseError error = m.error();
      boolean lineOne = error != null && error.line() == 1;
      assertThat(
              new int[] {
                m.uriStart,
                m.uriEnd,
                lineOne ? error.kind().ordinal() : -1,
                lineOne ? error.column() : -1
              })
          .as(text)
          .containsExactly(expected);
    }
  }

  /**
   * The request line as main at fba3c8f read it: {uriStart, uriEnd, error kind ordinal or -1, error
   * column or -1}; only the SP search and the version compare differ from StartLine now.
   */
  private static int[] oldRequestLine(byte[] b, int p, int e) {
    int sp1 = p;
    while (sp1 < e && Chars.isToken(b[sp1])) {
      sp1++;
    }
    if (sp1 == p || sp1 >= e || b[sp1] != ' ') {
      ErrorKind kind =
          sp1 < e && b[sp1] != ' ' && sp1 > p ? ErrorKind.BAD_METHOD : ErrorKind.BAD_REQUEST_LINE;
      return new int[] {0, 0, kind.ordinal(), sp1 - p + 1};
    }
    int sp2 = -1;
    for (int i = e - 1; i >= sp1 + 1; i--) {
      if (b[i] == ' ') {
        sp2 = i;
        break;
      }
    }
    if (sp2 <= sp1 + 1 || sp2 == e - 1) {
      return new int[] {
        0, 0, ErrorKind.BAD_REQUEST_LINE.ordinal(), sp2 <= sp1 + 1 ? sp1 - p + 2 : e - p
      };
    }
    if (b[sp1 + 1] == ' ' || b[sp2 - 1] == ' ') {
      return new int[] {
        0, 0, ErrorKind.BAD_REQUEST_LINE.ordinal(), b[sp1 + 1] == ' ' ? sp1 - p + 2 : sp2 - p
      };
    }
    boolean sip20 = e - (sp2 + 1) == 7 && StartLine.startsWithIgnoreCase(b, sp2 + 1, "SIP/2.0");
    if (sip20) {
      return new int[] {sp1 + 1, sp2, -1, -1};
    }
    boolean version = true;
    int dots = 0;
    if (e - (sp2 + 1) < 7 || !StartLine.startsWithIgnoreCase(b, sp2 + 1, "SIP/")) {
      version = false;
    } else {
      for (int i = sp2 + 5; i < e; i++) {
        if (b[i] == '.') {
          dots++;
        } else if (!Chars.isDigit(b[i])) {
          version = false;
        }
      }
      version &= dots == 1 && Chars.isDigit(b[sp2 + 5]) && Chars.isDigit(b[e - 1]);
    }
    ErrorKind kind = version ? ErrorKind.VERSION_NOT_SUPPORTED : ErrorKind.BAD_REQUEST_LINE;
    return new int[] {sp1 + 1, sp2, kind.ordinal(), sp2 - p + 2};
  }

  /** A name that is not lower-case letters and bytes without bit 0x40 never takes the fast path. */
  @Test
  void onlyNamesTheWordCompareIsExactForTakeTheFastPath() {
    assertThat(Params.TAG.keyLength).isEqualTo(5);
    assertThat(Params.BRANCH.keyLength).isEqualTo(8);
    assertThat(new Params.Name("maddr").keyLength).isEqualTo(7);
    assertThat(new Params.Name("x_y").keyLength).isZero();
    assertThat(new Params.Name("a@b").keyLength).isZero();
    assertThat(new Params.Name("transport").keyLength).isZero();
    byte[] b = ";x_y=1;;;;".getBytes(StandardCharsets.ISO_8859_1);
    assertThat(Params.paramAt(b, 0, b.length, new Params.Name("x_y"))).isEqualTo(Params.span(5, 6));
    byte[] at = ";a`b=1;;;;".getBytes(StandardCharsets.ISO_8859_1);
    assertThat(Params.paramAt(at, 0, at.length, new Params.Name("a@b"))).isEqualTo(Params.ABSENT);
  }
}
