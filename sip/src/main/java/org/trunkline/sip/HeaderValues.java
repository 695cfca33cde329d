package org.trunkline.sip;

import java.util.ArrayList;
import java.util.List;

/** Splits comma-separated header values (§7.3.1) outside quoted strings and angle brackets. */
final class HeaderValues {
  private HeaderValues() {}

  static void split(SipMessage m, int i, List<String> out) {
    split(m.value(i), out);
  }

  static List<String> split(String v) {
    List<String> out = new ArrayList<>(2);
    split(v, out);
    return out;
  }

  static void split(String v, List<String> out) {
    boolean quoted = false;
    int angle = 0;
    int s = 0;
    for (int p = 0; p < v.length(); p++) {
      char c = v.charAt(p);
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
        out.add(v.substring(s, p).strip());
        s = p + 1;
      }
    }
    out.add(v.substring(s).strip());
  }

  private static final long QUOTES = Swar.of('"');
  private static final long LTS = Swar.of('<');
  private static final long GTS = Swar.of('>');
  private static final long COMMAS = Swar.of(',');

  /**
   * In bytes: the offset of the next comma in {@code [p, e)} outside quoted strings and angle
   * brackets, or {@code e}; the same rule as {@link #split(String, List)}. Jumps from one quote,
   * bracket or comma to the next 8 bytes at a time ({@link Swar}); a quoted string is skipped by
   * {@link Params#skipQuoted} (a backslash takes the byte after it), an unclosed one runs to the
   * end.
   */
  static int nextComma(byte[] b, int p, int e) {
    int angle = 0;
    while ((p = Swar.indexOfAny(b, p, e, QUOTES, LTS, GTS, COMMAS)) < e) {
      byte c = b[p];
      if (c == '"') {
        p = Params.skipQuoted(b, p, e);
        if (p < 0) {
          return e;
        }
        continue;
      }
      if (c == '<') {
        angle++;
      } else if (c == '>') {
        if (angle > 0) {
          angle--;
        }
      } else if (angle == 0) {
        return p;
      }
      p++;
    }
    return e;
  }

  /** The first offset in {@code [p, e)} that {@link String#strip} keeps (ASCII bytes), or e. */
  static int stripStart(byte[] b, int p, int e) {
    while (p < e && isStripped(b[p])) {
      p++;
    }
    return p;
  }

  /** The end of {@code [s, e)} after {@link String#strip} (ASCII bytes). */
  static int stripEnd(byte[] b, int s, int e) {
    while (e > s && isStripped(b[e - 1])) {
      e--;
    }
    return e;
  }

  /** {@link Character#isWhitespace} for an ASCII byte: HT, LF, VT, FF, CR, FS..US, SP. */
  private static boolean isStripped(byte c) {
    return (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x20);
  }
}
