package org.trunkline.sip.sdp;

import java.util.ArrayList;
import java.util.List;

/** Small text helpers shared by the field parsers. Stateless. */
final class Tokens {
  private Tokens() {}

  /** A space-separated field and its offset in the value it came from. */
  record Token(String text, int offset) {}

  /**
   * Splits on runs of spaces. RFC 8866 §9 asks for exactly one SP between fields; extra spaces are
   * a common sloppiness that changes no meaning, so they are tolerated.
   */
  static List<Token> split(String value) {
    List<Token> tokens = new ArrayList<>();
    int i = 0;
    int n = value.length();
    while (i < n) {
      while (i < n && value.charAt(i) == ' ') {
        i++;
      }
      int start = i;
      while (i < n && value.charAt(i) != ' ') {
        i++;
      }
      if (i > start) {
        tokens.add(new Token(value.substring(start, i), start));
      }
    }
    return tokens;
  }

  /** The number in {@code s} if it is 1 to 9 ASCII digits and at most {@code max}, else -1. */
  static int parseUnsigned(String s, int max) {
    if (s.isEmpty() || s.length() > 9 || !digits(s)) {
      return -1;
    }
    int v = Integer.parseInt(s);
    return v <= max ? v : -1;
  }

  /** True if {@code s} is one or more ASCII digits. */
  static boolean digits(String s) {
    if (s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  /** True if {@code s} is a non-empty field that can be written between spaces on one line. */
  static boolean field(String s) {
    if (s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == ' ' || c == '\r' || c == '\n' || c == 0) {
        return false;
      }
    }
    return true;
  }

  /** Adds one to a decimal number of any length: {@code "999"} becomes {@code "1000"}. */
  static String increment(String decimal) {
    char[] d = decimal.toCharArray();
    for (int i = d.length - 1; i >= 0; i--) {
      if (d[i] != '9') {
        d[i]++;
        return new String(d);
      }
      d[i] = '0';
    }
    return "1" + new String(d);
  }

  /** {@code s} quoted for an error text: control characters escaped, cut after 40 characters. */
  static String quote(String s) {
    StringBuilder b = new StringBuilder("'");
    for (int i = 0; i < s.length() && i < 40; i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        b.append(String.format("\\x%02x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.append(s.length() > 40 ? "...'" : "'").toString();
  }
}
