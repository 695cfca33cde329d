package org.trunkline.sip;

import java.util.Arrays;
import java.util.Locale;

/** Finds a {@code ;name=value} parameter in raw header bytes without allocating. */
final class Params {
  /** What {@link #find} returns when the parameter is absent. */
  static final long ABSENT = -1L;

  /** What {@link #paramAt} returns for the named parameter with an unclosed quoted value. */
  static final long UNTERMINATED = -3L;

  static final long QUOTES = Swar.of('"');
  static final long COMMAS = Swar.of(',');
  static final long SEMIS = Swar.of(';');
  static final long BACKSLASHES = Swar.of('\\');

  private Params() {}

  /** A {@code [start, end)} span packed in a long, so that finding one allocates nothing. */
  static long span(int start, int end) {
    return (long) start << 32 | (end & 0xffffffffL);
  }

  static int start(long span) {
    return (int) (span >>> 32);
  }

  static int end(long span) {
    return (int) span;
  }

  /**
   * The {@code [start, end)} of the value of the first parameter named {@code name} (any case) in
   * {@code [s, e)}, looking only at parameters after a {@code ;} outside quotes; stops at the first
   * comma outside quotes when {@code firstValueOnly}, as a {@link #span}. {@link #ABSENT} if
   * absent; an empty span for a parameter without a value.
   */
  static long find(byte[] b, int s, int e, String name, boolean firstValueOnly) {
    return find(b, s, e, new Name(name), firstValueOnly);
  }

  /**
   * A parameter name the scanner looks for, with {@code ;name=} in lower case as one word for the
   * fast path of {@link #paramAt(byte[], int, int, Name)} (names of up to 6 bytes of letters,
   * digits and {@code -.!%*+'}; any other name always takes the byte walk).
   */
  static final class Name {
    final String name;
    final int keyLength;
    final long key;
    final long mask;

    Name(String name) {
      this.name = name;
      String k = ";" + name.toLowerCase(Locale.ROOT) + "=";
      long word = 0;
      for (int i = k.length() - 1; i >= 0 && k.length() <= Long.BYTES; i--) {
        word = word << 8 | (k.charAt(i) & 0xff);
      }
      // the word compare is exact only for lower-case letters and bytes without bit 0x40
      boolean exact = k.length() <= Long.BYTES;
      for (int i = 0; i < k.length(); i++) {
        char c = k.charAt(i);
        exact &= (c >= 'a' && c <= 'z') || (c < 0x40 && c > ' ');
      }
      this.keyLength = exact ? k.length() : 0;
      this.key = word;
      this.mask = keyLength == Long.BYTES ? -1L : (1L << (keyLength * 8)) - 1;
    }
  }

  static final Name TAG = new Name("tag");
  static final Name BRANCH = new Name("branch");

  /** {@link #find(byte[], int, int, String, boolean)} for a {@link Name}. */
  static long find(byte[] b, int s, int e, Name name, boolean firstValueOnly) {
    int p = s;
    while (true) {
      p =
          firstValueOnly
              ? Swar.indexOfAny(b, p, e, QUOTES, SEMIS, COMMAS)
              : Swar.indexOfAny(b, p, e, QUOTES, SEMIS);
      if (p >= e) {
        return ABSENT;
      }
      byte c = b[p];
      if (c == '"') {
        // an unclosed quote runs to the end: nothing after it is a parameter
        p = skipQuoted(b, p, e);
        if (p < 0) {
          return ABSENT;
        }
        continue;
      }
      if (c == ',') {
        return ABSENT;
      }
      long span = paramAt(b, p, e, name);
      if (span != ABSENT) {
        // the named parameter ends the search, even when its quoted value is unclosed
        return span == UNTERMINATED ? ABSENT : span;
      }
      p++;
    }
  }

  /**
   * {@link #paramAt(byte[], int, int, String)}; the usual {@code ;name=value}, without LWS around
   * the name and an unquoted value, is decided with one word compare ({@link Swar#foldCase}, exact
   * for the key's bytes) and the value's end found 8 bytes at a time. Anything else (LWS, a quote,
   * fewer than 8 bytes left, another name) takes the byte walk, which gives the same span for the
   * usual case.
   */
  static long paramAt(byte[] b, int p, int e, Name name) {
    if (name.keyLength > 0
        && p + Long.BYTES <= e
        && (Swar.foldCase(Swar.word(b, p)) & name.mask) == name.key) {
      int vs = p + name.keyLength;
      if (vs < e) {
        byte c = b[vs];
        if (c != '"' && c != ' ' && c != '\t' && c != '\r' && c != '\n') {
          return span(vs, Swar.paramValueEnd(b, vs, e));
        }
      }
    }
    return paramAt(b, p, e, name.name);
  }

  /**
   * At the {@code ;} at {@code p}: the value span of the parameter if it is named {@code name} (any
   * case), else {@link #ABSENT}; {@link #UNTERMINATED} if it is that parameter but its quoted value
   * has no closing quote. This is the step {@link #find} takes at each {@code ;}; a caller that
   * walks the bytes itself (the scan's one pass over the top Via) uses it directly.
   */
  static long paramAt(byte[] b, int p, int e, String name) {
    int n = SipParser.skipLws(b, p + 1, e);
    if (n + name.length() <= e && StartLine.startsWithIgnoreCase(b, n, name)) {
      int q = SipParser.skipLws(b, n + name.length(), e);
      if (q == e || b[q] == ';' || b[q] == ',') {
        return span(q, q);
      }
      if (b[q] == '=') {
        int vs = SipParser.skipLws(b, q + 1, e);
        if (vs < e && b[vs] == '"') {
          int ve = skipQuoted(b, vs, e);
          return ve < 0 ? UNTERMINATED : span(vs + 1, ve - 1);
        }
        return span(vs, Swar.paramValueEnd(b, vs, e));
      }
    }
    return ABSENT;
  }

  // The parameter names nearly every message carries, by length, for knownName.
  private static final String[][] KNOWN_NAMES = new String[10][];

  static {
    String[] names = {
      "q",
      "lr",
      "tag",
      "ttl",
      "user",
      "rport",
      "maddr",
      "branch",
      "method",
      "expires",
      "received",
      "transport"
    };
    for (String n : names) {
      String[] old = KNOWN_NAMES[n.length()];
      String[] grown = old == null ? new String[1] : Arrays.copyOf(old, old.length + 1);
      grown[grown.length - 1] = n;
      KNOWN_NAMES[n.length()] = grown;
    }
  }

  /**
   * The constant String of a usual parameter name if {@code [s, e)} is exactly its bytes (case
   * matters: the String must be what the bytes decode to), else {@code null}.
   */
  static String knownName(byte[] b, int s, int e) {
    int len = e - s;
    String[] candidates = len < KNOWN_NAMES.length ? KNOWN_NAMES[len] : null;
    if (candidates == null) {
      return null;
    }
    for (String k : candidates) {
      int i = 0;
      while (i < len && b[s + i] == k.charAt(i)) {
        i++;
      }
      if (i == len) {
        return k;
      }
    }
    return null;
  }

  /** From an opening quote at {@code p}, the offset after the closing quote, or -1. */
  static int skipQuoted(byte[] b, int p, int e) {
    for (p++; ; p += 2) {
      p = Swar.indexOfAny(b, p, e, QUOTES, BACKSLASHES);
      if (p >= e) {
        return -1;
      }
      if (b[p] == '"') {
        return p + 1;
      }
      // a backslash: the byte after it is taken as it is
    }
  }
}
