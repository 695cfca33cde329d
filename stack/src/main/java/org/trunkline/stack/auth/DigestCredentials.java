package org.trunkline.stack.auth;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;

/**
 * The parameters of one Digest credentials value that {@link DigestChallenger} checks (RFC 7616
 * §3.4), taken from a parsed {@link AuthHeader} ({@link #of}) or read straight from a message's
 * bytes ({@link #read}) without the value's String, a list or an {@link AuthParam} per parameter:
 * there each value is an {@link Ascii} view of the message's bytes, not a String of its own. A
 * value is a String or such a view; compare it with {@code contentEquals}, never {@code equals}.
 * Not shared: made per check and read by the thread that made it. What {@link #read} gives is its
 * thread's one instance, views and all, reused by that thread's next {@code read}: a check takes
 * what it needs from it (Strings are copies) before it reads another value.
 */
final class DigestCredentials {
  /** The names {@link #read} takes, RFC 7616 §3.3-§3.4, in the order of the fields below. */
  private static final String[] NAMES = {
    "realm",
    "username",
    "nonce",
    "uri",
    "response",
    "userhash",
    "algorithm",
    "qop",
    "nc",
    "cnonce",
    "opaque",
    "stale",
    "domain",
    "charset"
  };

  /** Whether the scheme is Digest; {@link #scheme} as written, for the message when it is not. */
  boolean digest;

  CharSequence scheme;
  CharSequence realm;
  CharSequence username;
  CharSequence nonce;
  CharSequence uri;
  CharSequence response;
  CharSequence userhash;
  CharSequence algorithm;
  CharSequence qop;
  CharSequence nc;
  CharSequence cnonce;
  CharSequence opaque;

  /** For {@link #read}: one view per field of {@link #set} and the scheme's, reused. */
  private final Ascii[] views;

  /** The scheme's view in {@link #views}. */
  private static final int SCHEME = NAMES.length;

  /** Per thread, what {@link #read} fills: no object per check. */
  private static final ThreadLocal<DigestCredentials> READ =
      ThreadLocal.withInitial(() -> new DigestCredentials(true));

  private DigestCredentials() {
    this(false);
  }

  private DigestCredentials(boolean reader) {
    if (reader) {
      views = new Ascii[NAMES.length + 1];
      for (int k = 0; k < views.length; k++) {
        views[k] = new Ascii();
      }
    } else {
      views = null;
    }
  }

  /** This thread's instance for {@link #read}, every field cleared. */
  private static DigestCredentials reader() {
    DigestCredentials c = READ.get();
    c.scheme = null;
    for (int k = 0; k < NAMES.length; k++) {
      c.set(k, null);
    }
    return c;
  }

  /** View {@code k} of {@link #views} set to {@code b[a, z)}. */
  private CharSequence view(int k, byte[] b, int a, int z) {
    return views[k].of(b, a, z);
  }

  /** The parameters of a parsed header (any scheme). */
  static DigestCredentials of(AuthHeader h) {
    DigestCredentials c = new DigestCredentials();
    c.digest = h.isDigest();
    c.scheme = h.scheme();
    for (int k = 0; k < NAMES.length; k++) {
      c.set(k, h.param(NAMES[k]));
    }
    return c;
  }

  /**
   * The credentials in {@code b[s, e)} (a header value, LWS around it stepped over) when they are a
   * Digest parameter list of the plain kind every client sends: printable ASCII or tab, each name
   * one of RFC 7616's at most once, each value a token or a quoted-string without a quoted-pair,
   * one comma between two parameters. Anything else gives null, and the caller parses the value's
   * String with {@link AuthHeaderParser}, which takes what this leaves (escapes, folds, other
   * parameters, empty list elements, other schemes) or says what is wrong. Where this gives
   * credentials, they are what {@code AuthHeaderParser.parse} makes of the same text.
   */
  static DigestCredentials read(byte[] b, int s, int e) {
    if (e - s > AuthHeaderParser.MAX_LENGTH) {
      return null;
    }
    for (int p = s; p < e; p++) {
      if ((b[p] < 0x20 && b[p] != '\t') || b[p] == 0x7f) {
        return null; // a byte above 0x7f is negative; CR and LF (folds) are below 0x20
      }
    }
    int p = tokenEnd(b, s, e);
    if (p - s != 6 || !matches(b, s, "digest") || p == e || !space(b[p])) {
      return null;
    }
    p = skipSpace(b, p, e);
    if (p == e) {
      return null; // no parameters: not ours to judge here
    }
    DigestCredentials c = reader();
    c.digest = true;
    c.scheme = c.view(SCHEME, b, s, s + 6); // read only for a scheme that is not Digest
    int seen = 0;
    while (true) {
      int nameAt = p;
      p = tokenEnd(b, p, e);
      int k = known(b, nameAt, p);
      if (k < 0 || (seen & 1 << k) != 0) {
        return null; // another parameter, or a duplicate (which the parser refuses)
      }
      seen |= 1 << k;
      p = skipSpace(b, p, e);
      if (p == e || b[p] != '=') {
        return null;
      }
      p = skipSpace(b, p + 1, e);
      CharSequence value;
      if (p < e && b[p] == '"') {
        int q = p + 1;
        while (q < e && b[q] != '"') {
          if (b[q] == '\\') {
            return null;
          }
          q++;
        }
        if (q == e) {
          return null;
        }
        value = c.view(k, b, p + 1, q);
        p = q + 1;
      } else {
        int q = tokenEnd(b, p, e);
        if (q == p) {
          return null;
        }
        value = c.view(k, b, p, q);
        p = q;
      }
      c.set(k, value);
      p = skipSpace(b, p, e);
      if (p == e) {
        return c;
      }
      if (b[p] != ',') {
        return null;
      }
      p = skipSpace(b, p + 1, e);
      if (p == e || b[p] == ',') {
        return null; // an empty list element
      }
    }
  }

  private void set(int k, CharSequence v) {
    switch (k) {
      case 0 -> realm = v;
      case 1 -> username = v;
      case 2 -> nonce = v;
      case 3 -> uri = v;
      case 4 -> response = v;
      case 5 -> userhash = v;
      case 6 -> algorithm = v;
      case 7 -> qop = v;
      case 8 -> nc = v;
      case 9 -> cnonce = v;
      case 10 -> opaque = v;
      default -> {} // stale, domain, charset: taken, not checked
    }
  }

  /** The index in {@link #NAMES} of the name {@code b[a, z)} in any case, or -1. */
  private static int known(byte[] b, int a, int z) {
    for (int k = 0; k < NAMES.length; k++) {
      if (NAMES[k].length() == z - a && matches(b, a, NAMES[k])) {
        return k;
      }
    }
    return -1;
  }

  /** Whether {@code b} at {@code a} holds {@code lower} (lower-case ASCII) in any case. */
  private static boolean matches(byte[] b, int a, String lower) {
    for (int i = 0; i < lower.length(); i++) {
      int c = b[a + i];
      if (c >= 'A' && c <= 'Z') {
        c += 'a' - 'A';
      }
      if (c != lower.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private static int tokenEnd(byte[] b, int p, int e) {
    while (p < e && AuthHeaderParser.isTokenChar((char) b[p])) {
      p++;
    }
    return p;
  }

  private static int skipSpace(byte[] b, int p, int e) {
    while (p < e && space(b[p])) {
      p++;
    }
    return p;
  }

  private static boolean space(byte c) {
    return c == ' ' || c == '\t';
  }

  /**
   * Whether {@code v} is {@code lower} (lower-case ASCII) in any case: a String as {@code
   * v.toLowerCase(Locale.ROOT).equals(lower)} judges it, a view of ASCII bytes byte by byte (the
   * same answer for ASCII). False for null.
   */
  static boolean is(CharSequence v, String lower) {
    if (v instanceof String str) {
      return str.toLowerCase(Locale.ROOT).equals(lower);
    }
    if (v == null || v.length() != lower.length()) {
      return false;
    }
    for (int i = 0; i < lower.length(); i++) {
      char c = v.charAt(i);
      if (c >= 'A' && c <= 'Z') {
        c += 'a' - 'A';
      }
      if (c != lower.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /** Whether the view of ASCII bytes {@code v} is the ASCII {@code token} in any case. */
  static boolean isIgnoreCase(CharSequence v, String token) {
    if (v.length() != token.length()) {
      return false;
    }
    for (int i = 0; i < token.length(); i++) {
      char c = v.charAt(i);
      char t = token.charAt(i);
      if (c >= 'A' && c <= 'Z') {
        c += 'a' - 'A';
      }
      if (t >= 'A' && t <= 'Z') {
        t += 'a' - 'A';
      }
      if (c != t) {
        return false;
      }
    }
    return true;
  }

  /** The value as a String (null stays null). */
  static String text(CharSequence v) {
    return v == null ? null : v.toString();
  }

  /**
   * A value read from a message: its bytes {@code b[a, z)}, ASCII (checked by {@link #read}), as
   * chars. Used for the time of one check only: nothing that outlives it keeps the view (its
   * thread's next {@link #read} points it elsewhere); until then it holds the message's buffer.
   */
  static final class Ascii implements CharSequence {
    private byte[] b;
    private int a;
    private int z;

    /** This view, pointed at {@code b[a, z)}. */
    Ascii of(byte[] b, int a, int z) {
      this.b = b;
      this.a = a;
      this.z = z;
      return this;
    }

    @Override
    public int length() {
      return z - a;
    }

    @Override
    public char charAt(int i) {
      return (char) b[a + Objects.checkIndex(i, z - a)];
    }

    @Override
    public CharSequence subSequence(int from, int to) {
      return toString().substring(from, to);
    }

    @Override
    public String toString() {
      return new String(b, a, z - a, StandardCharsets.ISO_8859_1);
    }
  }
}
