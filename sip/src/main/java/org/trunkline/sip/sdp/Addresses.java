package org.trunkline.sip.sdp;

/**
 * Checks connection addresses strictly: a c= address that is read wrongly sends media to the wrong
 * place. Accepts what RFC 8866 §9 allows (IPv4 dotted quad, IPv6 literal, FQDN) and nothing else.
 * Stateless.
 */
final class Addresses {
  private Addresses() {}

  /** Null if {@code address} is valid for {@code addrType}, else why not. */
  static String check(String addrType, String address) {
    switch (addrType) {
      case Connection.IP4 -> {
        // digits and dots only: it must be a dotted quad, never a "host name" like 1.2.3
        if (numeric(address) ? ipv4(address) : hostname(address)) {
          return null;
        }
        return Tokens.quote(address) + " is not an IPv4 address or host name";
      }
      case Connection.IP6 -> {
        boolean ok =
            address.indexOf(':') >= 0 ? ipv6(address) : !numeric(address) && hostname(address);
        if (ok) {
          return null;
        }
        return Tokens.quote(address) + " is not an IPv6 address or host name";
      }
      default -> {
        // other address types (RFC 8866 §5.7 leaves them open) are carried, not interpreted
        return Tokens.field(address) ? null : "address must not be empty";
      }
    }
  }

  /** RFC 8866 §9 IP4-address: four decimal octets, no leading zeros (never read as octal). */
  static boolean ipv4(String s) {
    String[] parts = s.split("\\.", -1);
    if (parts.length != 4) {
      return false;
    }
    for (String p : parts) {
      if (p.isEmpty() || p.length() > 3 || !Tokens.digits(p)) {
        return false;
      }
      if (p.length() > 1 && p.charAt(0) == '0' || Integer.parseInt(p) > 255) {
        return false;
      }
    }
    return true;
  }

  /** RFC 4291 §2.2 text forms, without zone ids (SDP has none). */
  static boolean ipv6(String s) {
    int gap = s.indexOf("::");
    if (gap >= 0 && s.indexOf("::", gap + 1) >= 0) {
      return false;
    }
    if (gap < 0) {
      return groups(s, true) == 8;
    }
    String head = s.substring(0, gap);
    String tail = s.substring(gap + 2);
    int h = head.isEmpty() ? 0 : groups(head, false); // an IPv4 tail only ends the address
    int t = tail.isEmpty() ? 0 : groups(tail, true);
    return h >= 0 && t >= 0 && h + t <= 7;
  }

  /** Number of 16-bit groups in a colon-separated run, -1 if malformed. */
  private static int groups(String run, boolean ipv4Last) {
    String[] parts = run.split(":", -1);
    int count = 0;
    for (int i = 0; i < parts.length; i++) {
      String p = parts[i];
      if (ipv4Last && i == parts.length - 1 && p.indexOf('.') >= 0) {
        if (!ipv4(p)) {
          return -1;
        }
        count += 2;
      } else if (p.isEmpty() || p.length() > 4 || !hex(p)) {
        return -1;
      } else {
        count++;
      }
    }
    return count;
  }

  /** RFC 1123 host name: dot-separated labels of letters, digits and inner hyphens. */
  static boolean hostname(String s) {
    if (s.isEmpty() || s.length() > 253) {
      return false;
    }
    for (String label : s.split("\\.", -1)) {
      if (label.isEmpty() || label.length() > 63) {
        return false;
      }
      if (label.charAt(0) == '-' || label.charAt(label.length() - 1) == '-') {
        return false;
      }
      for (int i = 0; i < label.length(); i++) {
        char c = label.charAt(i);
        if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-')) {
          return false;
        }
      }
    }
    return true;
  }

  private static boolean numeric(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c != '.' && (c < '0' || c > '9')) {
        return false;
      }
    }
    return true;
  }

  private static boolean hex(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F')) {
        return false;
      }
    }
    return true;
  }
}
