package org.trunkline.sip;

/** Byte classes of the RFC 3261 §25 grammar, as bit flags in one 256-entry table. */
final class Chars {
  static final int ALPHA = 1;
  static final int DIGIT = 1 << 1;
  static final int HEX = 1 << 2;

  /** token = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~") */
  static final int TOKEN = 1 << 3;

  /** unreserved = alphanum / mark */
  static final int UNRESERVED = 1 << 4;

  /** user-unreserved = "&" / "=" / "+" / "$" / "," / ";" / "?" / "/" */
  static final int USER_UNRESERVED = 1 << 5;

  /** password extra chars: "&" / "=" / "+" / "$" / "," */
  static final int PASSWORD = 1 << 6;

  /** param-unreserved = "[" / "]" / "/" / ":" / "&" / "+" / "$" */
  static final int PARAM_UNRESERVED = 1 << 7;

  /** hnv-unreserved = "[" / "]" / "/" / "?" / ":" / "+" / "$" */
  static final int HNV_UNRESERVED = 1 << 8;

  /** word (Call-ID): token chars plus ( ) < > : \ " / [ ] ? { } */
  static final int WORD = 1 << 9;

  /** SP or HT */
  static final int WS = 1 << 10;

  /** uric (RFC 2396) for absolute URIs of other schemes: reserved / unreserved / escaped */
  static final int URIC = 1 << 11;

  /** Ends an unquoted parameter value in the scanner's quick look: ; , SP HT CR LF */
  static final int PARAM_VALUE_END = 1 << 12;

  /** word or "@": the bytes a Call-ID may hold (callid = word [ "@" word ]) */
  static final int WORD_OR_AT = 1 << 13;

  /** A byte of a host name or IPv4 address: alphanum / "-" / "." / "_" (see Hosts) */
  static final int HOST = 1 << 14;

  /**
   * A byte of a quoted string that needs no decision: anything but the quote, the backslash of a
   * quoted-pair and the control bytes (0x00-0x1f except HT, CR, LF; 0x7f); bytes above 0x7f are
   * UTF-8 and kept.
   */
  static final int QUOTED_PLAIN = 1 << 15;

  /** LWS bytes one at a time: SP, HT, CR, LF (SipParser.skipLws) */
  static final int LWS = 1 << 16;

  /** A byte of an unquoted gen-value: token bytes and ':' (an IPv6 address without brackets) */
  static final int TOKEN_OR_COLON = 1 << 17;

  private static final int[] TABLE = new int[256];

  static {
    for (int c = 'a'; c <= 'z'; c++) {
      TABLE[c] |= ALPHA | TOKEN | UNRESERVED | WORD | URIC;
      TABLE[c - 32] |= ALPHA | TOKEN | UNRESERVED | WORD | URIC;
    }
    for (int c = '0'; c <= '9'; c++) {
      TABLE[c] |= DIGIT | HEX | TOKEN | UNRESERVED | WORD | URIC;
    }
    for (int c = 'a'; c <= 'f'; c++) {
      TABLE[c] |= HEX;
      TABLE[c - 32] |= HEX;
    }
    set("-.!%*_+`'~", TOKEN | WORD);
    set("-_.!~*'()", UNRESERVED);
    set("&=+$,;?/", USER_UNRESERVED);
    set("&=+$,", PASSWORD);
    set("[]/:&+$", PARAM_UNRESERVED);
    set("[]/?:+$", HNV_UNRESERVED);
    set("()<>:\\\"/[]?{}", WORD);
    set(" \t", WS);
    set(" \t\r\n", LWS);
    set(";, \t\r\n", PARAM_VALUE_END);
    set(";/?:@&=+$,-_.!~*'()%[]", URIC);
    for (int c = 0; c < 256; c++) {
      if ((TABLE[c] & WORD) != 0 || c == '@') {
        TABLE[c] |= WORD_OR_AT;
      }
      if ((TABLE[c] & TOKEN) != 0 || c == ':') {
        TABLE[c] |= TOKEN_OR_COLON;
      }
      if ((TABLE[c] & (ALPHA | DIGIT)) != 0 || c == '-' || c == '.' || c == '_') {
        TABLE[c] |= HOST;
      }
      boolean control = (c < 0x20 && c != '\t' && c != '\r' && c != '\n') || c == 0x7f;
      if (c != '"' && c != '\\' && !control) {
        TABLE[c] |= QUOTED_PLAIN;
      }
    }
  }

  private static void set(String chars, int flags) {
    for (int i = 0; i < chars.length(); i++) {
      TABLE[chars.charAt(i)] |= flags;
    }
  }

  private Chars() {}

  static boolean is(byte b, int flags) {
    return (TABLE[b & 0xff] & flags) != 0;
  }

  /**
   * Whether every byte of {@code [s, e)} is in class {@code flag} (one flag): the table entries are
   * ANDed without an early exit, so the loop's only branch is its own.
   */
  static boolean all(byte[] b, int s, int e, int flag) {
    // two accumulators: two chains of ANDs that the CPU runs side by side, not one twice as long
    int acc0 = flag;
    int acc1 = flag;
    int p = s;
    for (; p + 1 < e; p += 2) {
      acc0 &= TABLE[b[p] & 0xff];
      acc1 &= TABLE[b[p + 1] & 0xff];
    }
    if (p < e) {
      acc0 &= TABLE[b[p] & 0xff];
    }
    return (acc0 & acc1) != 0;
  }

  static boolean isToken(byte b) {
    return (TABLE[b & 0xff] & TOKEN) != 0;
  }

  /** Whether {@code s} is a token: not empty, token characters only. */
  static boolean isToken(String s) {
    if (s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c > 0x7f || !isToken((byte) c)) {
        return false;
      }
    }
    return true;
  }

  static boolean isDigit(byte b) {
    return b >= '0' && b <= '9';
  }

  static boolean isWs(byte b) {
    return b == ' ' || b == '\t';
  }

  static int hexValue(byte b) {
    if (b >= '0' && b <= '9') {
      return b - '0';
    }
    int c = b | 0x20;
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
  }

  static byte lower(byte b) {
    return b >= 'A' && b <= 'Z' ? (byte) (b | 0x20) : b;
  }
}
