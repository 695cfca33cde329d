package org.trunkline.sip;

/**
 * The quick look at a From/To value the scanner needs: where its header parameters start (after
 * {@code >} for a name-addr, after the first {@code ;} for an addr-spec, §20.10) and its tag.
 */
final class NameAddressScan {
  /** Returned when the value is structurally broken (unbalanced quotes or brackets). */
  static final long BAD = -2L;

  private NameAddressScan() {}

  /**
   * The tag value as a {@link Params#span}, {@link Params#ABSENT} if none, {@link #BAD} if the
   * value is broken.
   */
  static long tag(byte[] b, int s, int e) {
    int params = paramsStart(b, s, e);
    if (params < 0) {
      return BAD;
    }
    return Params.find(b, params, e, "tag", false);
  }

  /** Where header parameters may begin, or -1 if quotes or brackets are unbalanced. */
  static int paramsStart(byte[] b, int s, int e) {
    for (int p = s; p < e; p++) {
      byte c = b[p];
      if (c == '"') {
        p = Params.skipQuoted(b, p, e);
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
