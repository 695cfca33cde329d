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
}
