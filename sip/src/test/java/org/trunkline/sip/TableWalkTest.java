package org.trunkline.sip;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The validator's walks that now skip the bytes needing no decision one table test a byte (the SIP
 * URI's userinfo and parameters, quoted strings, host bytes) and the one-pass Call-ID test give
 * what the walks they replaced gave: the references below are those walks as they were (main
 * 0c4a451), run over random input made mostly of the bytes the walks decide on. A result is the
 * value returned or the exception's message and offset.
 */
class TableWalkTest {
  // the bytes the walks stop at, their neighbours, escapes (good and bad), and plain runs
  private static final String[] URI_PIECES = {
    "@",
    ":",
    "%",
    "%4",
    "%41",
    "%zz",
    ";",
    "?",
    "&",
    "=",
    "[",
    "]",
    "/",
    "+",
    "$",
    ",",
    "-",
    "_",
    ".",
    "!",
    "~",
    "*",
    "'",
    "(",
    ")",
    "a",
    "Z9",
    "user",
    "+4930123",
    "\"",
    "<",
    ">",
    " ",
    "\t",
    "\r",
    "\n",
    "#",
    "^",
    "{",
    "|",
    "\u007f",
    "\u0000",
    "\u0080",
    "é",
    "`"
  };

  // the bytes of a good userinfo, its separator ':' and escapes
  private static final String[] USER_PIECES = {
    "a",
    "Z9",
    "user",
    "+4930123",
    ":",
    "%41",
    "%2f",
    "&",
    "=",
    "$",
    ",",
    ";",
    "?",
    "/",
    "-",
    "_",
    ".",
    "!",
    "~",
    "*",
    "'",
    "(",
    ")"
  };

  private static byte[] random(Random random, String[] pieces, int maxPieces) {
    StringBuilder s = new StringBuilder();
    int n = random.nextInt(maxPieces + 1);
    for (int i = 0; i < n; i++) {
      s.append(pieces[random.nextInt(pieces.length)]);
    }
    return s.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** What a call returned, or the exception it threw (message and offset). */
  private static String outcome(java.util.function.Supplier<Object> call) {
    try {
      return "= " + call.get();
    } catch (SipParseException x) {
      return "! " + x.getMessage() + " @" + x.offset();
    }
  }

  @Test
  void theUserinfoTableWalkIsTheByteWalk() {
    Random random = new Random(71);
    int withUserinfo = 0;
    for (int round = 0; round < 200_000; round++) {
      // mostly userinfo bytes, then (in half the rounds) an '@' and anything
      byte[] user = random(random, random.nextInt(4) == 0 ? URI_PIECES : USER_PIECES, 8);
      byte[] rest = random(random, URI_PIECES, 4);
      byte[] b = new byte[user.length + 1 + rest.length];
      System.arraycopy(user, 0, b, 0, user.length);
      b[user.length] = (byte) (random.nextBoolean() ? '@' : 'h');
      System.arraycopy(rest, 0, b, user.length + 1, rest.length);
      int s = random.nextInt(4) == 0 ? random.nextInt(b.length + 1) : 0;
      int e = s + (random.nextInt(4) == 0 ? random.nextInt(b.length - s + 1) : b.length - s);
      String text = new String(b, StandardCharsets.ISO_8859_1) + " [" + s + "," + e + ")";
      String expected = outcome(() -> oldUserinfo(b, s, e));
      assertThat(outcome(() -> UriParser.userinfo(b, s, e))).as(text).isEqualTo(expected);
      if (!expected.equals("= " + UriParser.NO_USERINFO) && expected.startsWith("=")) {
        withUserinfo++;
      }
    }
    // the generator reaches both outcomes often
    assertThat(withUserinfo).isBetween(10_000, 190_000);
  }

  @Test
  void theParameterTableWalkIsTheByteWalk() {
    Random random = new Random(72);
    int[] good = new int[3];
    for (int round = 0; round < 200_000; round++) {
      byte[] b = random(random, URI_PIECES, 10);
      int p = b.length == 0 ? 0 : random.nextInt(b.length + 1);
      int e = p + random.nextInt(b.length - p + 1);
      String text = new String(b, StandardCharsets.ISO_8859_1) + " [" + p + "," + e + ")";
      // the three uses: uri-parameters, headers, tel URI parameters
      int kind = round % 3;
      int extra = kind == 1 ? Chars.HNV_UNRESERVED : Chars.PARAM_UNRESERVED;
      char sep = kind == 1 ? '&' : ';';
      char stop = kind == 0 ? '?' : '\0';
      String expected = outcome(() -> oldParam(b, p, e, extra, sep, stop));
      assertThat(outcome(() -> UriParser.param(b, p, e, extra, sep, stop)))
          .as(text)
          .isEqualTo(expected);
      if (expected.startsWith("=")) {
        good[kind]++;
      }
    }
    for (int n : good) {
      assertThat(n).isBetween(5_000, 60_000);
    }
  }

  private static final String[] QUOTED_PIECES = {
    "\"",
    "\\",
    "\\\"",
    "a",
    "ACME Carrier",
    " ",
    "\t",
    "\r",
    "\n",
    "\u0000",
    "\u0001",
    "\u001f",
    "\u007f",
    "é",
    "\u00ff",
    "<",
    ">",
    ";",
    "@"
  };

  @Test
  void theQuotedStringTableWalksAreTheByteWalks() {
    Random random = new Random(73);
    int decoded = 0;
    for (int round = 0; round < 200_000; round++) {
      byte[] body = random(random, QUOTED_PIECES, 8);
      byte[] b = new byte[body.length + 1];
      b[0] = '"';
      System.arraycopy(body, 0, b, 1, body.length);
      int e = 1 + random.nextInt(b.length);
      String text = new String(b, StandardCharsets.ISO_8859_1) + " [0," + e + ")";
      String expected = outcome(() -> oldQuoted(new Cursor(b, 0, e)));
      assertThat(outcome(() -> quotedAndEnd(new Cursor(b, 0, e)))).as(text).isEqualTo(expected);
      // skipQuoted: the same checks and end position
      String expectedEnd =
          expected.startsWith("=")
              ? "= " + expected.substring(expected.lastIndexOf('|') + 1)
              : expected;
      assertThat(
              outcome(() -> {
                Cursor c = new Cursor(b, 0, e);
                c.skipQuoted();
                return c.p;
              }))
          .as(text)
          .isEqualTo(expectedEnd);
      if (expected.startsWith("=")) {
        decoded++;
      }
    }
    assertThat(decoded).isBetween(10_000, 190_000);
  }

  @Test
  void theNewByteClassesAreTheOldTests() {
    for (int i = 0; i < 256; i++) {
      byte c = (byte) i;
      boolean host = Chars.is(c, Chars.ALPHA | Chars.DIGIT) || c == '-' || c == '.' || c == '_';
      assertThat(Chars.is(c, Chars.HOST)).as("byte %d", i).isEqualTo(host);
      boolean quotedPlain =
          !(c == '"'
              || c == '\\'
              || (c >= 0 && c < 0x20 && c != '\t' && c != '\r' && c != '\n')
              || c == 0x7f);
      assertThat(Chars.is(c, Chars.QUOTED_PLAIN)).as("byte %d", i).isEqualTo(quotedPlain);
      boolean lws = c == ' ' || c == '\t' || c == '\r' || c == '\n';
      assertThat(Chars.is(c, Chars.LWS)).as("byte %d", i).isEqualTo(lws);
      assertThat(Chars.is(c, Chars.TOKEN_OR_COLON))
          .as("byte %d", i)
          .isEqualTo(Chars.isToken(c) || c == ':');
    }
  }

  /**
   * The one-pass Call-ID test over values made of the usual Call-ID bytes with '@' at every place
   * (first, last, at word edges, twice, doubled), lengths 0-40: what the old walk decided.
   */
  @Test
  void theOnePassCallIdTestCountsEveryAt() {
    Random random = new Random(74);
    String bytes = "0123456789abcdef-.A@@@";
    int[] outcomes = new int[2];
    for (int round = 0; round < 200_000; round++) {
      byte[] b = new byte[random.nextInt(41)];
      for (int i = 0; i < b.length; i++) {
        b[i] =
            random.nextInt(200) == 0
                ? (byte) random.nextInt(256)
                : (byte) bytes.charAt(random.nextInt(random.nextInt(4) == 0 ? 22 : 18));
      }
      int s = b.length == 0 ? 0 : random.nextInt(b.length + 1);
      int e = s + random.nextInt(b.length - s + 1);
      boolean expected = RoutingIndex.isCallIdExact(b, s, e);
      assertThat(RoutingIndex.isCallId(b, s, e))
          .as(new String(b, StandardCharsets.ISO_8859_1) + " [" + s + "," + e + ")")
          .isEqualTo(expected);
      outcomes[expected ? 1 : 0]++;
    }
    assertThat(outcomes[0]).isGreaterThan(20_000);
    assertThat(outcomes[1]).isGreaterThan(20_000);
  }

  private static String quotedAndEnd(Cursor c) {
    String v = c.quoted();
    return v + "|" + c.p;
  }

  // ---- the walks as they were (main 0c4a451) ----

  private static long oldUserinfo(byte[] b, int s, int e) {
    int pw = -1;
    int q = s;
    for (; q < e; q++) {
      byte c = b[q];
      if (c == '@') {
        return Params.span(q, pw);
      }
      if (c == ':' && pw < 0) {
        pw = q;
      } else if (c == '%') {
        if (q + 2 >= e || Chars.hexValue(b[q + 1]) < 0 || Chars.hexValue(b[q + 2]) < 0) {
          break;
        }
        q += 2;
      } else if (!Chars.is(
          c,
          pw < 0 ? Chars.UNRESERVED | Chars.USER_UNRESERVED : Chars.UNRESERVED | Chars.PASSWORD)) {
        break;
      }
    }
    int at = Swar.indexOfAny(b, q, e, Swar.of('@'), Swar.of('@'));
    if (at < e) {
      oldCheckUserinfo(b, s, at);
    }
    return UriParser.NO_USERINFO;
  }

  private static void oldCheckUserinfo(byte[] b, int s, int at) {
    int pw = -1;
    for (int q = s; q < at; q++) {
      byte c = b[q];
      if (c == ':' && pw < 0) {
        pw = q;
      } else if (c == '%') {
        oldEscape(b, q, at);
        q += 2;
      } else if (pw < 0
          ? !Chars.is(c, Chars.UNRESERVED | Chars.USER_UNRESERVED)
          : !Chars.is(c, Chars.UNRESERVED | Chars.PASSWORD)) {
        throw new SipParseException("bad character in SIP URI userinfo", q);
      }
    }
    throw new IllegalStateException("userinfo passed the check the walk stopped in");
  }

  private static long oldParam(byte[] b, int p, int e, int extra, char sep, char stop) {
    int ns = p;
    int eq = -1;
    for (; p < e; p++) {
      byte c = b[p];
      if (c == sep || (stop != '\0' && c == stop)) {
        break;
      }
      if (c == '=' && eq < 0) {
        eq = p;
      } else if (c == '%') {
        oldEscape(b, p, e);
        p += 2;
      } else if (!Chars.is(c, Chars.UNRESERVED | extra)) {
        throw new SipParseException("bad character in URI parameter", p);
      }
    }
    int nameEnd = eq < 0 ? p : eq;
    if (nameEnd == ns) {
      throw new SipParseException("empty URI parameter name", ns);
    }
    return Params.span(eq, p);
  }

  private static void oldEscape(byte[] b, int p, int e) {
    if (p + 2 >= e || Chars.hexValue(b[p + 1]) < 0 || Chars.hexValue(b[p + 2]) < 0) {
      throw new SipParseException("bad % escape in URI", p);
    }
  }

  private static String oldQuoted(Cursor cur) {
    byte[] b = cur.b;
    int e = cur.e;
    int s = cur.p;
    if (!cur.tryChar('"')) {
      throw cur.fail("expected quoted string");
    }
    for (int q = cur.p; q < e; q++) {
      byte c = b[q];
      if (c == '"') {
        String value = new String(b, cur.p, q - cur.p, StandardCharsets.UTF_8);
        cur.p = q + 1;
        return value + "|" + cur.p;
      }
      if (c == '\\' || (c >= 0 && c < 0x20 && c != '\t' && c != '\r' && c != '\n') || c == 0x7f) {
        break;
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    while (cur.p < e) {
      byte c = b[cur.p++];
      if (c == '"') {
        return out.toString(StandardCharsets.UTF_8) + "|" + cur.p;
      }
      if (c == '\\') {
        if (cur.p >= e || b[cur.p] == '\r' || b[cur.p] == '\n' || b[cur.p] < 0) {
          throw cur.fail("bad quoted pair");
        }
        out.write(b[cur.p++]);
      } else if ((c >= 0 && c < 0x20 && c != '\t' && c != '\r' && c != '\n') || c == 0x7f) {
        cur.p--;
        throw cur.fail("control character in quoted string");
      } else {
        out.write(c);
      }
    }
    cur.p = s;
    throw cur.fail("unterminated quoted string");
  }
}
