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
    return Params.find(b, params, e, Params.TAG, false);
  }

  /** Where header parameters may begin, or -1 if quotes or brackets are unbalanced. */
  static int paramsStart(byte[] b, int s, int e) {
    int p = s;
    while (true) {
      p = Swar.indexOfAngleOr(b, p, e, Params.QUOTES, Params.SEMIS);
      if (p >= e) {
        return e;
      }
      byte c = b[p];
      if (c == '"') {
        p = Params.skipQuoted(b, p, e);
        if (p < 0) {
          return -1;
        }
      } else if (c == '<') {
        int q = Swar.indexOfAngle(b, p + 1, e);
        return q < e && b[q] == '>' ? q + 1 : -1;
      } else if (c == '>') {
        return -1;
      } else {
        return p;
      }
    }
  }
}
