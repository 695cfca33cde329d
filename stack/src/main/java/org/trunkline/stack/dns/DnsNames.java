package org.trunkline.stack.dns;

import java.util.Locale;

/** Name spelling shared by the cache and the record readers. */
final class DnsNames {
  private DnsNames() {}

  /** Lower case, no trailing dot: DNS names compare case-insensitively (RFC 4343). */
  static String normalize(String name) {
    String n =
        name.endsWith(".") && name.length() > 1 ? name.substring(0, name.length() - 1) : name;
    return n.toLowerCase(Locale.ROOT);
  }
}
