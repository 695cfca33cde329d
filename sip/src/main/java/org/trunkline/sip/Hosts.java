package org.trunkline.sip;

/**
 * host = hostname / IPv4address / IPv6reference (RFC 3261 §25.1, RFC 5118 for IPv6 references and
 * the IPv4-mapped forms).
 */
final class Hosts {
  private Hosts() {}

  /** Validates the host starting at {@code s}; returns the offset just after it. */
  static int hostEnd(byte[] b, int s, int e) {
    if (s < e && b[s] == '[') {
      int close = -1;
      for (int p = s + 1; p < e; p++) {
        if (b[p] == ']') {
          close = p;
          break;
        }
      }
      if (close < 0 || !isIpv6(b, s + 1, close)) {
        throw new SipParseException("bad IPv6 reference", s);
      }
      return close + 1;
    }
    // The usual carrier host is a dotted quad: read it once. It is the host when the run of host
    // bytes ends right after it, which is what the general path below would find, in two walks.
    int quad = dottedQuadEnd(b, s, e);
    if (quad >= 0 && (quad == e || !isHostByte(b[quad]))) {
      return quad;
    }
    int p = s;
    while (p < e && isHostByte(b[p])) {
      p++;
    }
    // IPv4 first: it is what carriers put in URIs and Vias, and fails fast on a name.
    if (!isIpv4(b, s, p) && !isHostname(b, s, p)) {
      throw new SipParseException("bad host", s);
    }
    return p;
  }

  private static boolean isHostByte(byte c) {
    return Chars.is(c, Chars.HOST);
  }

  // The longest dotted quad, 255.255.255.255: with this many bytes left, every read below is in
  // bounds without a test.
  private static final int LONGEST_QUAD = 15;

  /**
   * The end of an IPv4address (4 parts of 1 to 3 digits, each at most 255) starting at {@code p},
   * or -1; what follows it is not looked at.
   *
   * <p>Each part is read as its next three bytes at once, without a branch per digit: the digit
   * count is where the run of digits stops (at most 3), the value the matching sum. A per-digit
   * loop mispredicts at the end of nearly every part (parts of 1, 2 and 3 digits alternate in real
   * addresses).
   */
  static int dottedQuadEnd(byte[] b, int p, int e) {
    if (e - p < LONGEST_QUAD) {
      return dottedQuadEndNearTheEnd(b, p, e);
    }
    // every part starts at most 4 bytes after the previous one, so the last starts at p + 12 at
    // the latest and every read is below p + 15
    int bad = 0;
    int q = p;
    for (int part = 0; part < 4; part++) {
      int v0 = b[q] - '0';
      int v1 = b[q + 1] - '0';
      int v2 = b[q + 2] - '0';
      int d0 = digit(v0);
      int d1 = d0 & digit(v1);
      int d2 = d1 & digit(v2);
      // exactly one of the three products is taken when there is a digit (d2 <= d1 <= d0)
      int v = d2 * (v0 * 100 + v1 * 10 + v2) + (d1 - d2) * (v0 * 10 + v1) + (d0 - d1) * v0;
      bad |= (d0 ^ 1) | ((255 - v) >>> 31);
      q += d0 + d1 + d2;
      if (part < 3) {
        bad |= b[q] == '.' ? 0 : 1;
        q++;
      }
    }
    return bad == 0 ? q : -1;
  }

  /** 1 if {@code v} (a byte minus {@code '0'}) is 0..9, else 0; no branch. */
  private static int digit(int v) {
    return ((v | (9 - v)) >>> 31) ^ 1;
  }

  /** {@link #dottedQuadEnd} fewer than 15 bytes before {@code e}: digit by digit. */
  private static int dottedQuadEndNearTheEnd(byte[] b, int p, int e) {
    for (int part = 0; part < 4; part++) {
      if (part > 0) {
        if (p >= e || b[p] != '.') {
          return -1;
        }
        p++;
      }
      int v = 0;
      int n = 0;
      while (p < e && n < 3 && Chars.isDigit(b[p])) {
        v = v * 10 + (b[p++] - '0');
        n++;
      }
      if (n == 0 || v > 255) {
        return -1;
      }
    }
    return p;
  }

  /** IPv4address = 1*3DIGIT "." 1*3DIGIT "." 1*3DIGIT "." 1*3DIGIT, each at most 255. */
  static boolean isIpv4(byte[] b, int s, int e) {
    int parts = 0;
    int p = s;
    while (p < e) {
      int v = 0;
      int n = 0;
      while (p < e && Chars.isDigit(b[p]) && n < 4) {
        v = v * 10 + (b[p++] - '0');
        n++;
      }
      if (n == 0 || n > 3 || v > 255) {
        return false;
      }
      parts++;
      if (p < e) {
        if (b[p] != '.' || parts == 4) {
          return false;
        }
        p++;
        if (p == e) {
          return false;
        }
      }
    }
    return parts == 4;
  }

  /** hostname = *( domainlabel "." ) toplabel [ "." ]; toplabel starts with a letter. */
  static boolean isHostname(byte[] b, int s, int e) {
    if (s >= e) {
      return false;
    }
    if (b[e - 1] == '.') {
      e--;
    }
    int labelStart = s;
    int lastLabel = s;
    for (int p = s; p <= e; p++) {
      if (p == e || b[p] == '.') {
        if (p == labelStart || b[labelStart] == '-' || b[p - 1] == '-') {
          return false;
        }
        lastLabel = labelStart;
        labelStart = p + 1;
      }
    }
    return Chars.is(b[lastLabel], Chars.ALPHA);
  }

  private static boolean isIpv4Tail(byte[] b, int s, int e) {
    return isIpv4(b, s, e);
  }

  /** RFC 4291 §2.2 text forms: up to 8 hex groups, one "::", an optional trailing IPv4 address. */
  static boolean isIpv6(byte[] b, int s, int e) {
    int groups = 0;
    boolean compressed = false;
    int p = s;
    if (e - s >= 2 && b[s] == ':' && b[s + 1] == ':') {
      compressed = true;
      p = s + 2;
      if (p == e) {
        return true;
      }
    } else if (s < e && b[s] == ':') {
      return false;
    }
    while (p < e) {
      int gs = p;
      while (p < e && Chars.is(b[p], Chars.HEX) && p - gs < 5) {
        p++;
      }
      if (p < e && b[p] == '.') {
        // the last 32 bits as dotted IPv4
        return isIpv4(b, gs, e)
            && groups + 2 <= (compressed ? 7 : 8)
            && (compressed || groups + 2 == 8);
      }
      int len = p - gs;
      if (len == 0 || len > 4) {
        return false;
      }
      groups++;
      if (p == e) {
        break;
      }
      if (b[p] != ':') {
        return false;
      }
      p++;
      if (p < e && b[p] == ':') {
        if (compressed) {
          return false;
        }
        compressed = true;
        p++;
        // RFC 5118 §4.10: tolerate "2001:db8:::192.0.2.1", which RFC 3261's ABNF allowed.
        if (p < e && b[p] == ':' && isIpv4Tail(b, p + 1, e)) {
          p++;
        }
        if (p == e) {
          break;
        }
      } else if (p == e) {
        return false;
      }
    }
    return compressed ? groups <= 7 : groups == 8;
  }
}
