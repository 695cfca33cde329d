package org.trunkline.sip;

/**
 * SIP-date = rfc1123-date: {@code wkday "," SP 2DIGIT SP month SP 4DIGIT SP time SP "GMT"} (§25.1;
 * RFC 4475 baddate: any other zone is an error).
 */
final class Dates {
  private static final String DAYS = "Mon Tue Wed Thu Fri Sat Sun";
  private static final String MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec";

  private Dates() {}

  static void check(byte[] b, int s, int e) {
    String v = new String(b, s, e - s, java.nio.charset.StandardCharsets.ISO_8859_1);
    // "Sat, 13 Nov 2010 23:29:00 GMT"
    if (v.length() != 29
        || !in(DAYS, v.substring(0, 3))
        || !v.startsWith(", ", 3)
        || !digits(v, 5, 7)
        || v.charAt(7) != ' '
        || !in(MONTHS, v.substring(8, 11))
        || v.charAt(11) != ' '
        || !digits(v, 12, 16)
        || v.charAt(16) != ' '
        || !digits(v, 17, 19)
        || v.charAt(19) != ':'
        || !digits(v, 20, 22)
        || v.charAt(22) != ':'
        || !digits(v, 23, 25)
        || !v.startsWith(" GMT", 25)) {
      throw new SipParseException("bad SIP-date (RFC 1123 form in GMT)", s);
    }
  }

  private static boolean in(String list, String word) {
    return list.contains(word) && word.length() == 3 && word.indexOf(' ') < 0;
  }

  private static boolean digits(String v, int from, int to) {
    for (int i = from; i < to; i++) {
      if (!Character.isDigit(v.charAt(i))) {
        return false;
      }
    }
    return true;
  }
}
