package org.trunkline.server.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * Syntax checks for addresses in the config. Never resolves a name: a config check must not depend
 * on DNS.
 */
final class HostNames {
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final Pattern ALL_NUMERIC = Pattern.compile("[0-9.]+");
  private static final Pattern IPV6_CHARS = Pattern.compile("[0-9A-Fa-f:.]+");
  // RFC 1123 §2.1: letters, digits and hyphens, not starting or ending with a hyphen.
  private static final Pattern LABEL =
      Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");

  private HostNames() {}

  /** True for an IPv4 literal, an IPv6 literal (without brackets) or an RFC 1123 host name. */
  static boolean isValid(String address) {
    if (address.indexOf(':') >= 0) {
      return isIpv6Literal(address);
    }
    if (ALL_NUMERIC.matcher(address).matches()) {
      return isIpv4Literal(address);
    }
    return isHostName(address);
  }

  static boolean isIpv4Literal(String address) {
    if (!IPV4.matcher(address).matches()) {
      return false;
    }
    for (String part : address.split("\\.")) {
      if (Integer.parseInt(part) > 255) {
        return false;
      }
    }
    return true;
  }

  static boolean isIpv6Literal(String address) {
    // The character check keeps InetAddress on its literal-parsing path: it only looks a name up in
    // DNS when the text does not start with a hex digit or ':'.
    if (!IPV6_CHARS.matcher(address).matches()) {
      return false;
    }
    try {
      InetAddress.getByName(address);
      return true;
    } catch (UnknownHostException e) {
      return false;
    }
  }

  static boolean isHostName(String address) {
    String name = address.endsWith(".") ? address.substring(0, address.length() - 1) : address;
    if (name.isEmpty() || name.length() > 253) {
      return false;
    }
    for (String label : name.split("\\.", -1)) {
      if (!LABEL.matcher(label).matches()) {
        return false;
      }
    }
    return true;
  }
}
