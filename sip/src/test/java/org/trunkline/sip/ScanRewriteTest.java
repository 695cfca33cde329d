package org.trunkline.sip;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The walks rewritten for speed in the fifth parser session give what the straightforward walks
 * they replaced gave. Each reference below is the replaced code as it was on main at 956cd0f, run
 * over random inputs made mostly of the bytes the walks decide on.
 */
class ScanRewriteTest {
  private static final String[] HEADER_NAMES = {
    "Via",
    "v",
    "VIA",
    "From",
    "f",
    "To",
    "t",
    "Call-ID",
    "i",
    "CSeq",
    "Max-Forwards",
    "Content-Length",
    "l",
    "Content-Type",
    "Route",
    "ROUTE",
    "Contact",
    "X-Unknown",
    "P-Asserted-Identity",
    "Na me",
    "",
    "Content-LengthX",
    "a\u00e9",
    "@"
  };
  private static final String[] SEPARATORS = {":", ": ", " :", ":  \t", ":\t", ":\r\n ", " \t: "};
  private static final String[] VALUE_PIECES = {
    "SIP/2.0/UDP h;branch=z9hG4bK1",
    "<sip:a@b>",
    ";tag=x",
    "1 INVITE",
    "70",
    "0",
    "abc@def",
    "\"q,\\\" d\"",
    ",",
    " ",
    "\t",
    "\r\n ",
    "\r\n\t",
    "\r",
    "\u000b",
    "@",
    "é"
  };
  private static final String[] LINE_ENDS = {"\r\n", "\r\n", "\n", " \r\n", "\t\r\n"};

  private static byte[] randomMessage(Random random) {
    StringBuilder s = new StringBuilder("INVITE sip:a@b SIP/2.0\r\n");
    int lines = random.nextInt(12);
    for (int i = 0; i < lines; i++) {
      s.append(HEADER_NAMES[random.nextInt(HEADER_NAMES.length)]);
      s.append(SEPARATORS[random.nextInt(SEPARATORS.length)]);
      int pieces = random.nextInt(5);
      for (int k = 0; k < pieces; k++) {
        s.append(VALUE_PIECES[random.nextInt(VALUE_PIECES.length)]);
      }
      s.append(LINE_ENDS[random.nextInt(LINE_ENDS.length)]);
    }
    if (random.nextInt(8) != 0) {
      s.append("\r\n");
    }
    if (random.nextBoolean()) {
      s.append("body");
    }
    return s.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** Every indexed line: the same spans and the same name as the old scan loop found. */
  @Test
  void theHeaderIndexIsWhatTheOldScanLoopBuilt() {
    Random random = new Random(11);
    SipParser parser = new SipParser();
    for (int round = 0; round < 50_000; round++) {
      assertIndexIsTheOldLoops(parser, randomMessage(random));
    }
  }

  /**
   * The scan's branch-free colon search in the first 24 bytes of a line (the masks and the name
   * length from one pass over three words): names of every length from 0 to 30, known or not, in
   * any case, with the colon directly after them, after whitespace, missing, or with look-alike
   * bytes (0xba, ';') around it, and lines cut short near the end of the message.
   */
  @Test
  void theColonSearchOfTheFirst24BytesIsWhatTheOldScanLoopFound() {
    Random random = new Random(37);
    SipParser parser = new SipParser();
    String[] known = {"Via", "From", "To", "Call-ID", "CSeq", "Max-Forwards", "Content-Length"};
    String[] known2 = {"P-Asserted-Identity", "Authentication-Info", "Proxy-Authorization"};
    String alphabet = "abcXYZ-._!%*+`'~09:;\u00ba ";
    for (int round = 0; round < 100_000; round++) {
      StringBuilder s = new StringBuilder("OPTIONS sip:a@b SIP/2.0\r\n");
      int lines = 1 + random.nextInt(4);
      for (int i = 0; i < lines; i++) {
        int kind = random.nextInt(4);
        String name;
        if (kind == 0) {
          name = known[random.nextInt(known.length)];
        } else if (kind == 1) {
          name = known2[random.nextInt(known2.length)];
        } else {
          int len = random.nextInt(31);
          StringBuilder n = new StringBuilder();
          for (int k = 0; k < len; k++) {
            n.append(alphabet.charAt(random.nextInt(alphabet.length() - (kind == 2 ? 4 : 0))));
          }
          name = n.toString();
        }
        StringBuilder line = new StringBuilder();
        for (char c : name.toCharArray()) {
          line.append(random.nextInt(3) == 0 ? Character.toUpperCase(c) : c);
        }
        s.append(line).append(random.nextInt(8) == 0 ? " :" : random.nextInt(16) == 0 ? "" : ":");
        s.append(" 1").append(random.nextInt(10) == 0 ? "" : "\r\n");
      }
      if (random.nextBoolean()) {
        s.append("\r\n");
      }
      assertIndexIsTheOldLoops(parser, s.toString().getBytes(StandardCharsets.UTF_8));
    }
  }

  private static void assertIndexIsTheOldLoops(SipParser parser, byte[] b) {
    String text = new String(b, StandardCharsets.UTF_8);
    SipMessage m = parser.parseDatagram(b);
    List<int[]> expected = oldIndex(b, m.startLineEnd, b.length, ParseLimits.DEFAULT);
    assertThat(m.headerCount()).as(text).isEqualTo(expected.size());
    // vias() and routes() start from the scan's first Via and Route lines instead of a search
    assertThat(m.via).as(text).isEqualTo(m.indexOf(HeaderName.VIA));
    assertThat(m.route).as(text).isEqualTo(m.indexOf(HeaderName.ROUTE));
    for (int i = 0; i < expected.size(); i++) {
      int[] row = expected.get(i);
      // the value bounds are found when asked (SipMessage.valueStart), not kept by the scan
      assertThat(
              new int[] {
                m.lineStart(i), m.nameEnd(i), m.valueStart(i), m.valueEnd(i), m.lineEnd(i)
              })
          .as(text + " line " + i)
          .containsExactly(row[0], row[1], row[2], row[3], row[4]);
      HeaderName name = HeaderName.lookup(b, row[0], row[1] - row[0]);
      assertThat(m.knownName(i)).as(text + " line " + i).isSameAs(name);
      assertThat(m.headerName(i).name())
          .as(text)
          .isEqualTo(
              name != null
                  ? name.name()
                  : new String(b, row[0], row[1] - row[0], StandardCharsets.ISO_8859_1));
    }
  }

  /** The old scan loop's index rows {lineStart, nameEnd, valueStart, valueEnd, lineEnd}. */
  private static List<int[]> oldIndex(byte[] b, int p, int end, ParseLimits limits) {
    List<int[]> rows = new ArrayList<>();
    while (true) {
      if (p >= end) {
        return rows;
      }
      byte c = b[p];
      if (c == '\n' || (c == '\r' && p + 1 < end && b[p + 1] == '\n')) {
        return rows;
      }
      int lineStart = p;
      while (p < end && Chars.isToken(b[p])) {
        p++;
      }
      int nameEnd = p;
      while (p < end && Chars.isWs(b[p])) {
        p++;
      }
      int colon = p;
      boolean good = nameEnd > lineStart && p < end && b[p] == ':';
      if (good) {
        p++;
      }
      int nl;
      while (true) {
        nl = oldIndexOfLf(b, p, end);
        if (nl < 0) {
          return rows;
        }
        if (nl + 1 < end && Chars.isWs(b[nl + 1])) {
          p = nl + 1;
          continue;
        }
        break;
      }
      int lineEnd = nl + 1;
      if (good && rows.size() < limits.maxHeaders()) {
        int vs = SipParser.skipLws(b, colon + 1, nl);
        int ve = nl;
        while (ve > vs && (b[ve - 1] == '\r' || Chars.isWs(b[ve - 1]))) {
          ve--;
        }
        rows.add(new int[] {lineStart, nameEnd, vs, ve, lineEnd});
      }
      p = lineEnd;
    }
  }

  private static int oldIndexOfLf(byte[] b, int p, int end) {
    for (; p < end; p++) {
      if (b[p] == '\n') {
        return p;
      }
    }
    return -1;
  }

  /** The Call-ID check: the branch-free table pass and '@' search against the old byte loop. */
  /**
   * The 8-bytes-a-step test of the usual Call-ID bytes is exactly "every byte is one of
   * -./0-9@A-Z`a-z" (and all of those are Call-ID bytes), and the Call-ID check that tries it first
   * still agrees with the old byte loop, over spans of 0-64 bytes made mostly of those bytes, with
   * their neighbours in the byte order and any byte sprinkled in.
   */
  @Test
  void theUsualCallIdBytesTestIsExactAndTheCheckStillAgrees() {
    Random random = new Random(43);
    String common = "0123456789abcdefXYZ-.@/`";
    String neighbours = ",/:?@[`{ \u007f\u0080\u00ba\u00e0\u00fa#;=|^";
    int usual = 0;
    for (int round = 0; round < 200_000; round++) {
      byte[] b = new byte[random.nextInt(65)];
      int odd = 1 + random.nextInt(80);
      for (int i = 0; i < b.length; i++) {
        int r = random.nextInt(odd);
        b[i] =
            r == 0
                ? (byte) random.nextInt(256)
                : r == 1
                    ? (byte) neighbours.charAt(random.nextInt(neighbours.length()))
                    : (byte) common.charAt(random.nextInt(common.length()));
      }
      int s = b.length == 0 ? 0 : random.nextInt(b.length + 1);
      int e = s + random.nextInt(b.length - s + 1);
      boolean expected = e - s >= 8;
      for (int p = s; p < e; p++) {
        int c = b[p] & 0xff;
        expected &=
            c == '-'
                || c == '.'
                || c == '/'
                || c == '@'
                || c == '`'
                || Character.isLetterOrDigit(c) && c < 0x80;
      }
      String text = new String(b, StandardCharsets.ISO_8859_1) + " [" + s + "," + e + ")";
      assertThat(Swar.isCommonCallId(b, s, e)).as(text).isEqualTo(expected);
      int ats = 0;
      for (int p = s; p < e; p++) {
        ats += b[p] == '@' ? 1 : 0;
      }
      assertThat(Swar.commonCallId(b, s, e))
          .as(text)
          .isEqualTo(expected ? Math.min(ats, Swar.CALL_ID_MORE_ATS) : -1);
      if (expected) {
        usual++;
        assertThat(Chars.all(b, s, e, Chars.WORD_OR_AT)).as(text).isTrue();
      }
      assertThat(RoutingIndex.isCallId(b, s, e)).as(text).isEqualTo(oldIsCallId(b, s, e));
    }
    assertThat(usual).isBetween(20_000, 180_000);
  }

  @Test
  void theCallIdCheckAgreesWithTheByteLoop() {
    Random random = new Random(13);
    String bytes = "ab09-.!%*_+`'~()<>:\\\"/[]?{}@@@ #$&,;=^|\u007f\r\n\t";
    for (int round = 0; round < 200_000; round++) {
      byte[] b = new byte[random.nextInt(20)];
      for (int i = 0; i < b.length; i++) {
        b[i] =
            random.nextInt(16) == 0
                ? (byte) random.nextInt(256)
                : (byte) bytes.charAt(random.nextInt(random.nextBoolean() ? 10 : bytes.length()));
      }
      int s = b.length == 0 ? 0 : random.nextInt(b.length + 1);
      int e = s + random.nextInt(b.length - s + 1);
      assertThat(RoutingIndex.isCallId(b, s, e))
          .as(new String(b, StandardCharsets.ISO_8859_1) + " [" + s + "," + e + ")")
          .isEqualTo(oldIsCallId(b, s, e));
    }
  }

  private static boolean oldIsCallId(byte[] b, int s, int e) {
    int at = 0;
    boolean ok = e > s;
    for (int p = s; p < e && ok; p++) {
      if (b[p] == '@') {
        ok = ++at == 1 && p > s && p < e - 1;
      } else {
        ok = Chars.is(b[p], Chars.WORD);
      }
    }
    return ok;
  }

  /** The list split of the accessors (8 bytes a step) against the old byte-wise split. */
  @Test
  void theAccessorsCommaSplitAgreesWithTheByteLoop() {
    Random random = new Random(17);
    String[] pieces = {"\"", "\\", ",", "<", ">", " ", "a", "sip:x@h", "abcdefghij", ";q=1", "é"};
    for (int round = 0; round < 200_000; round++) {
      StringBuilder s = new StringBuilder();
      int n = random.nextInt(20);
      for (int i = 0; i < n; i++) {
        s.append(pieces[random.nextInt(pieces.length)]);
      }
      byte[] b = s.toString().getBytes(StandardCharsets.UTF_8);
      for (int p = 0; p <= b.length; p += 1 + random.nextInt(4)) {
        assertThat(HeaderValues.nextComma(b, p, b.length))
            .as(s + " from " + p)
            .isEqualTo(oldNextComma(b, p, b.length));
      }
    }
  }

  private static int oldNextComma(byte[] b, int p, int e) {
    boolean quoted = false;
    int angle = 0;
    for (; p < e; p++) {
      byte c = b[p];
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
      } else if (c == ',' && angle == 0) {
        return p;
      }
    }
    return e;
  }

  /** The case-insensitive prefix test with ASCII lowering, against Character.toLowerCase. */
  @Test
  void startsWithIgnoreCaseAgreesWithCharacterToLowerCase() {
    Random random = new Random(19);
    String[] keys = {"SIP/", "SIP/2.0", "branch", "tag", "sip", "sips", "tel", "content-length"};
    for (int round = 0; round < 100_000; round++) {
      String key = keys[random.nextInt(keys.length)];
      byte[] b = new byte[random.nextInt(key.length() + 3)];
      for (int i = 0; i < b.length; i++) {
        b[i] =
            random.nextInt(4) == 0
                ? (byte) random.nextInt(256)
                : (byte)
                    (i < key.length()
                        ? (random.nextBoolean()
                            ? key.charAt(i)
                            : Character.toUpperCase(key.charAt(i)))
                        : 'x');
      }
      int p = b.length == 0 ? 0 : random.nextInt(b.length);
      assertThat(StartLine.startsWithIgnoreCase(b, p, key))
          .isEqualTo(oldStartsWithIgnoreCase(b, p, key));
    }
  }

  private static boolean oldStartsWithIgnoreCase(byte[] b, int p, String s) {
    if (p + s.length() > b.length) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      if (Chars.lower(b[p + i]) != Character.toLowerCase(s.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  /** Via parameters are checked by name in any case, as toLowerCase(Locale.ROOT) matched them. */
  @Test
  void viaParameterChecksMatchNamesInAnyCase() {
    String[] names = {"ttl", "TTL", "Received", "rPort", "BRANCH", "maddr", "MADDR", "x", "ttlx"};
    String[] values = {"", "=1", "=300", "=1.2.3.4", "=abc", "=70000", "=z9hG4bK"};
    for (String name : names) {
      for (String value : values) {
        String via = "SIP/2.0/UDP h;" + name + value;
        String expected = oldViaOutcome(name, value.isEmpty() ? null : value.substring(1));
        String actual;
        try {
          Via.parse(via);
          actual = "ok";
        } catch (SipParseException x) {
          actual = x.getMessage();
        }
        assertThat(actual).as(via).isEqualTo(expected);
      }
    }
  }

  /** What the old Via.check said for one parameter: "ok" or its exception message. */
  private static String oldViaOutcome(String name, String v) {
    switch (name.toLowerCase(Locale.ROOT)) {
      case "ttl" -> {
        if (v == null || !v.matches("[0-9]{1,3}") || Integer.parseInt(v) > 255) {
          return "bad Via ttl";
        }
      }
      case "received" -> {
        byte[] r = v == null ? new byte[0] : v.getBytes(StandardCharsets.ISO_8859_1);
        if (!Hosts.isIpv4(r, 0, r.length) && !Hosts.isIpv6(r, 0, r.length)) {
          return "bad Via received";
        }
      }
      case "rport" -> {
        if (v != null && (!v.matches("[0-9]{1,5}") || Integer.parseInt(v) > 65535)) {
          return "bad Via rport";
        }
      }
      case "branch" -> {
        if (v == null || !Chars.isToken(v)) {
          return "Via branch is not a token";
        }
      }
      case "maddr" -> {
        if (v == null || v.isEmpty()) {
          return "empty Via " + name;
        }
      }
      default -> {}
    }
    return "ok";
  }

  /**
   * A parsed SIP URI that makes its parts when asked for them has the parts, equality and hash code
   * of the record that the old walk built with every part made at once.
   */
  @Test
  void lazySipUriPartsAreWhatTheEagerWalkMade() {
    Random random = new Random(23);
    String[] schemes = {"sip:", "sips:", "SIP:", "sIpS:"};
    String[] users = {"", "alice@", "+4930123@", "a%20b@", "a:pw@", "a:@", "@", "%zz@", "a b@"};
    String[] hosts = {"h.example.com", "203.0.113.10", "[2001:db8::1]", "h", "1.2.3.4.5", "-x", ""};
    String[] tails = {
      ":5060",
      ":",
      ":99999",
      ";user=phone",
      ";lr",
      ";transport=udp",
      ";a=%41",
      ";",
      ";=x",
      "?h=v",
      "&x=y",
      "?",
      ";maddr=[::1]",
      " ",
      "<",
      ";a=b;c",
      "?a=b&c"
    };
    for (int round = 0; round < 100_000; round++) {
      StringBuilder u = new StringBuilder(schemes[random.nextInt(schemes.length)]);
      u.append(users[random.nextInt(users.length)]).append(hosts[random.nextInt(hosts.length)]);
      int n = random.nextInt(5);
      for (int i = 0; i < n; i++) {
        u.append(tails[random.nextInt(tails.length)]);
      }
      String text = u.toString();
      byte[] b = ("x" + text + "y").getBytes(StandardCharsets.ISO_8859_1);
      String expected;
      SipUri eager = null;
      try {
        eager = oldParse(b, 1, b.length - 1);
        expected = "ok";
      } catch (SipParseException x) {
        expected = x.getMessage() + " at " + x.offset();
      }
      String actual;
      Uri lazy = null;
      try {
        lazy = UriParser.parse(b, 1, b.length - 1);
        actual = "ok";
      } catch (SipParseException x) {
        actual = x.getMessage() + " at " + x.offset();
      }
      assertThat(actual).as(text).isEqualTo(expected);
      if (eager == null) {
        continue;
      }
      SipUri l = (SipUri) lazy;
      assertThat(l.hashCode()).as(text).isEqualTo(eager.hashCode());
      // the parts one by one, and equality both ways, each on a fresh parse (nothing made yet)
      assertThat(((SipUri) UriParser.parse(b, 1, b.length - 1)).user()).isEqualTo(eager.user());
      assertThat(((SipUri) UriParser.parse(b, 1, b.length - 1)).password())
          .isEqualTo(eager.password());
      assertThat(((SipUri) UriParser.parse(b, 1, b.length - 1)).host()).isEqualTo(eager.host());
      assertThat(((SipUri) UriParser.parse(b, 1, b.length - 1)).params())
          .as(text)
          .isEqualTo(eager.params());
      assertThat(((SipUri) UriParser.parse(b, 1, b.length - 1)).headers())
          .as(text)
          .isEqualTo(eager.headers());
      assertThat(UriParser.parse(b, 1, b.length - 1)).isEqualTo(eager);
      assertThat(eager).isEqualTo(UriParser.parse(b, 1, b.length - 1));
      assertThat(l.port()).isEqualTo(eager.port());
      assertThat(l.secure()).isEqualTo(eager.secure());
      assertThat(l.text()).isEqualTo(eager.text());
      assertThat(l.toString()).isEqualTo(text);
    }
  }

  /** UriParser.parse for sip/sips as it was: every part made as a String while walking. */
  private static SipUri oldParse(byte[] b, int s, int e) {
    int colon = UriParser.schemeEnd(b, s, e);
    if (colon < 0) {
      throw new SipParseException("no URI scheme", s);
    }
    String text = new String(b, s, e - s, StandardCharsets.ISO_8859_1);
    long userinfo = UriParser.userinfo(b, colon + 1, e);
    int at = userinfo == UriParser.NO_USERINFO ? -1 : Params.start(userinfo);
    int pw = userinfo == UriParser.NO_USERINFO ? -1 : Params.end(userinfo);
    int p = colon + 1;
    String user = null;
    String password = null;
    if (at >= 0) {
      int userEnd = pw < 0 ? at : pw;
      if (userEnd == p) {
        throw new SipParseException("empty user in SIP URI", p);
      }
      user = UriParser.ascii(b, p, userEnd);
      password = pw < 0 ? null : UriParser.ascii(b, pw + 1, at);
      p = at + 1;
    }
    int hs = p;
    p = Hosts.hostEnd(b, p, e);
    String host = UriParser.ascii(b, hs, p);
    int port = -1;
    if (p < e && b[p] == ':') {
      int ps = ++p;
      long v = 0;
      while (p < e && Chars.isDigit(b[p]) && v <= 65535) {
        v = v * 10 + (b[p++] - '0');
      }
      if (p == ps || v > 65535) {
        throw new SipParseException("bad port in SIP URI", ps);
      }
      port = (int) v;
    }
    List<Param> params = new ArrayList<>();
    while (p < e && b[p] == ';') {
      p = oldParam(b, p + 1, e, params, Chars.PARAM_UNRESERVED, ';', '?');
    }
    List<Param> headers = new ArrayList<>();
    if (p < e && b[p] == '?') {
      p = oldParam(b, p + 1, e, headers, Chars.HNV_UNRESERVED, '&', '\0');
      while (p < e && b[p] == '&') {
        p = oldParam(b, p + 1, e, headers, Chars.HNV_UNRESERVED, '&', '\0');
      }
    }
    if (p != e) {
      throw new SipParseException("unexpected character in SIP URI", p);
    }
    return new SipUri(
        colon - s == 4,
        user,
        password,
        host,
        port,
        List.copyOf(params),
        List.copyOf(headers),
        text);
  }

  private static int oldParam(
      byte[] b, int p, int e, List<Param> out, int extra, char sep, char stop) {
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
        if (p + 2 >= e || Chars.hexValue(b[p + 1]) < 0 || Chars.hexValue(b[p + 2]) < 0) {
          throw new SipParseException("bad % escape in URI", p);
        }
        p += 2;
      } else if (!Chars.is(c, Chars.UNRESERVED | extra)) {
        throw new SipParseException("bad character in URI parameter", p);
      }
    }
    int nameEnd = eq < 0 ? p : eq;
    if (nameEnd == ns) {
      throw new SipParseException("empty URI parameter name", ns);
    }
    out.add(
        new Param(UriParser.ascii(b, ns, nameEnd), eq < 0 ? null : UriParser.ascii(b, eq + 1, p)));
    return p;
  }
}
