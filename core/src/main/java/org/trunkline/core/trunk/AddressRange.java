package org.trunkline.core.trunk;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A set of source addresses: one IPv4/IPv6 address or a CIDR block, optionally with a port. Written
 * {@code 203.0.113.10}, {@code 203.0.113.10:5060}, {@code 198.51.100.0/28}, {@code ::1}, {@code
 * [2001:db8::1]:5060} or {@code 2001:db8::/32}. Literal addresses only: nothing here ever looks a
 * name up in DNS. Immutable and thread-safe.
 *
 * @param network the first address of the block (host bits zero)
 * @param prefixLength how many leading bits must match: 0..32 for IPv4, 0..128 for IPv6 (a single
 *     address has 32 or 128)
 * @param port the source port that must match, or 0 for any port (only single addresses have one)
 */
public record AddressRange(InetAddress network, int prefixLength, int port) {
  private static final Pattern IPV4 =
      Pattern.compile("([0-9]{1,3})\\.([0-9]{1,3})\\.([0-9]{1,3})\\.([0-9]{1,3})");
  private static final Pattern IPV6_CHARS = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");
  private static final Pattern DECIMAL = Pattern.compile("[0-9]{1,5}");

  public AddressRange {
    Objects.requireNonNull(network, "network");
    int bits = network.getAddress().length * 8;
    if (prefixLength < 0 || prefixLength > bits) {
      throw new IllegalArgumentException(
          "prefix length must be 0.." + bits + ", got " + prefixLength);
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0..65535, got " + port);
    }
    if (port != 0 && prefixLength != bits) {
      throw new IllegalArgumentException("only a single address can have a port");
    }
    if (!sameBits(network.getAddress(), masked(network.getAddress(), prefixLength), bits)) {
      throw new IllegalArgumentException(
          "host bits set in " + network.getHostAddress() + "/" + prefixLength);
    }
  }

  /** A single address, any port. */
  public static AddressRange of(InetAddress address) {
    return new AddressRange(address, address.getAddress().length * 8, 0);
  }

  /**
   * Parses the forms in the class comment.
   *
   * @throws IllegalArgumentException with a message fit for a config error, naming the text: {@code
   *     not an address or CIDR: 198.51.100.0/33}, {@code 198.51.100.1/28 has host bits set; did you
   *     mean 198.51.100.0/28?}
   */
  public static AddressRange parse(String text) {
    Objects.requireNonNull(text, "text");
    if (text.startsWith("[")) {
      int close = text.indexOf(']');
      if (close < 0) {
        throw notARange(text);
      }
      InetAddress address = ipv6(text.substring(1, close), text);
      String rest = text.substring(close + 1);
      if (rest.isEmpty()) {
        return of(address);
      }
      if (rest.startsWith("/")) {
        throw new IllegalArgumentException(
            "not an address or CIDR: " + text + " (write IPv6 CIDRs without brackets)");
      }
      if (!rest.startsWith(":")) {
        throw notARange(text);
      }
      return new AddressRange(address, 128, port(rest.substring(1), text));
    }
    int slash = text.indexOf('/');
    if (slash >= 0) {
      return cidr(text, text.substring(0, slash), text.substring(slash + 1));
    }
    int colon = text.indexOf(':');
    if (colon >= 0 && colon == text.lastIndexOf(':')) {
      InetAddress address = ipv4(text.substring(0, colon), text);
      return new AddressRange(address, 32, port(text.substring(colon + 1), text));
    }
    return of(colon >= 0 ? ipv6(text, text) : ipv4(text, text));
  }

  private static AddressRange cidr(String text, String addressText, String prefixText) {
    InetAddress address =
        addressText.indexOf(':') >= 0 ? ipv6(addressText, text) : ipv4(addressText, text);
    int bits = address.getAddress().length * 8;
    if (!DECIMAL.matcher(prefixText).matches() || Integer.parseInt(prefixText) > bits) {
      throw notARange(text);
    }
    int prefix = Integer.parseInt(prefixText);
    byte[] network = masked(address.getAddress(), prefix);
    if (!sameBits(address.getAddress(), network, bits)) {
      throw new IllegalArgumentException(
          text
              + " has host bits set; did you mean "
              + format(byAddress(network))
              + "/"
              + prefix
              + "?");
    }
    return new AddressRange(address, prefix, 0);
  }

  private static int port(String portText, String text) {
    if (!DECIMAL.matcher(portText).matches()) {
      throw notARange(text);
    }
    int port = Integer.parseInt(portText);
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException(
          "not an address or CIDR: " + text + " (port must be 1..65535)");
    }
    return port;
  }

  /** Dotted-quad only: no leading zeros (which some parsers read as octal), no short forms. */
  private static InetAddress ipv4(String address, String text) {
    Matcher m = IPV4.matcher(address);
    if (!m.matches()) {
      if (address.chars().anyMatch(Character::isLetter)) {
        throw new IllegalArgumentException(
            "not an address or CIDR: " + text + " (host names are not allowed here)");
      }
      throw notARange(text);
    }
    byte[] bytes = new byte[4];
    for (int i = 0; i < 4; i++) {
      String part = m.group(i + 1);
      int value = Integer.parseInt(part);
      if (value > 255 || (part.length() > 1 && part.charAt(0) == '0')) {
        throw notARange(text);
      }
      bytes[i] = (byte) value;
    }
    return byAddress(bytes);
  }

  private static InetAddress ipv6(String address, String text) {
    // Only hex digits, ':' and '.', and at least one ':': InetAddress then parses the literal and
    // never asks DNS (it resolves only text that cannot be a literal).
    if (!IPV6_CHARS.matcher(address).matches()) {
      throw notARange(text);
    }
    InetAddress parsed;
    try {
      parsed = InetAddress.getByName(address);
    } catch (UnknownHostException e) {
      throw notARange(text);
    }
    if (parsed instanceof Inet4Address) {
      // ::ffff:a.b.c.d comes back as IPv4; say so rather than silently change the family.
      throw new IllegalArgumentException(
          "not an address or CIDR: "
              + text
              + " (write the IPv4-mapped address as "
              + parsed.getHostAddress()
              + ")");
    }
    return parsed;
  }

  private static IllegalArgumentException notARange(String text) {
    return new IllegalArgumentException("not an address or CIDR: " + text);
  }

  /**
   * Whether a packet from {@code source} belongs to this range. An IPv4-mapped IPv6 source ({@code
   * ::ffff:203.0.113.10}, as a dual-stack socket reports IPv4 peers) matches IPv4 ranges. An
   * unresolved address never matches.
   */
  public boolean matches(InetSocketAddress source) {
    if (port != 0 && source.getPort() != port) {
      return false;
    }
    InetAddress address = source.getAddress();
    if (address == null) {
      return false;
    }
    byte[] candidate = unmapped(address.getAddress());
    byte[] net = network.getAddress();
    return candidate.length == net.length && sameBits(candidate, net, prefixLength);
  }

  /**
   * How narrow the range is, for "most specific match wins": the prefix length, plus 1 when a port
   * is given. Compare only ranges that both match one source.
   */
  public int specificity() {
    return prefixLength + (port != 0 ? 1 : 0);
  }

  /** Whether this is IPv6 (else IPv4). */
  public boolean isIpv6() {
    return network.getAddress().length == 16;
  }

  /** Canonical text: IPv4 dotted quad, IPv6 per RFC 5952, as {@link #parse} reads it. */
  @Override
  public String toString() {
    String address = format(network);
    int bits = network.getAddress().length * 8;
    if (prefixLength != bits) {
      return address + "/" + prefixLength;
    }
    if (port == 0) {
      return address;
    }
    return (isIpv6() ? "[" + address + "]" : address) + ":" + port;
  }

  private static byte[] unmapped(byte[] address) {
    if (address.length != 16 || address[10] != (byte) 0xff || address[11] != (byte) 0xff) {
      return address;
    }
    for (int i = 0; i < 10; i++) {
      if (address[i] != 0) {
        return address;
      }
    }
    return new byte[] {address[12], address[13], address[14], address[15]};
  }

  private static byte[] masked(byte[] address, int prefix) {
    byte[] result = address.clone();
    for (int i = 0; i < result.length; i++) {
      int keep = Math.max(0, Math.min(8, prefix - i * 8));
      result[i] &= (byte) (0xff00 >> keep);
    }
    return result;
  }

  /** Whether the first {@code bits} bits of two equally long addresses agree. */
  private static boolean sameBits(byte[] a, byte[] b, int bits) {
    int whole = bits / 8;
    for (int i = 0; i < whole; i++) {
      if (a[i] != b[i]) {
        return false;
      }
    }
    int rest = bits % 8;
    if (rest == 0) {
      return true;
    }
    int mask = 0xff00 >> rest;
    return ((a[whole] ^ b[whole]) & mask) == 0;
  }

  private static InetAddress byAddress(byte[] bytes) {
    try {
      return InetAddress.getByAddress(bytes);
    } catch (UnknownHostException e) {
      throw new IllegalStateException("4 or 16 bytes always make an address", e);
    }
  }

  /**
   * RFC 5952 §4: lower case, leading zeros dropped, the longest run (>= 2) of zero groups as ::.
   */
  static String format(InetAddress address) {
    byte[] b = address.getAddress();
    if (b.length == 4) {
      return address.getHostAddress();
    }
    int[] groups = new int[8];
    for (int i = 0; i < 8; i++) {
      groups[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
    }
    int bestStart = -1;
    int bestLength = 1;
    for (int i = 0; i < 8; ) {
      if (groups[i] != 0) {
        i++;
        continue;
      }
      int j = i;
      while (j < 8 && groups[j] == 0) {
        j++;
      }
      if (j - i > bestLength) {
        bestStart = i;
        bestLength = j - i;
      }
      i = j;
    }
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        text.append("::");
        i += bestLength - 1;
        continue;
      }
      if (!text.isEmpty() && text.charAt(text.length() - 1) != ':') {
        text.append(':');
      }
      text.append(Integer.toHexString(groups[i]));
    }
    return text.toString();
  }
}
