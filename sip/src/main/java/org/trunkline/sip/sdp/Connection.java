package org.trunkline.sip.sdp;

import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * A {@code c=} line (RFC 8866 §5.7): where media goes. Immutable and thread-safe.
 *
 * <p>Built strictly: an address is checked for its type (dotted quad without leading zeros, IPv6
 * literal or host name), because a wrong reading here sends a call's audio elsewhere. Address types
 * other than {@code IP4}/{@code IP6} are carried, not interpreted.
 *
 * @param netType {@code IN}
 * @param addrType {@link #IP4}, {@link #IP6}, or another token carried as is
 * @param address the address without the {@code /ttl/count} suffix
 * @param ttl IPv4 multicast TTL, 0 to 255
 * @param count number of multicast addresses, at least 1
 */
public record Connection(
    String netType, String addrType, String address, OptionalInt ttl, OptionalInt count) {

  /** Network type Internet. */
  public static final String IN = "IN";

  /** Address type IPv4. */
  public static final String IP4 = "IP4";

  /** Address type IPv6. */
  public static final String IP6 = "IP6";

  /**
   * @throws IllegalArgumentException if a field is malformed or the address is not valid for its
   *     type
   */
  public Connection {
    Objects.requireNonNull(netType, "netType");
    Objects.requireNonNull(addrType, "addrType");
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(ttl, "ttl");
    Objects.requireNonNull(count, "count");
    if (!Tokens.field(netType) || !Tokens.field(addrType)) {
      throw new IllegalArgumentException(
          "c= nettype and addrtype must be fields, got "
              + Tokens.quote(netType)
              + " "
              + Tokens.quote(addrType));
    }
    String why = Addresses.check(addrType, address);
    if (why != null) {
      throw new IllegalArgumentException("c= " + why);
    }
    if (ttl.isPresent() && (!addrType.equals(IP4) || ttl.getAsInt() < 0 || ttl.getAsInt() > 255)) {
      throw new IllegalArgumentException("c= TTL must be 0-255 and only for IP4, got " + ttl);
    }
    if (count.isPresent() && count.getAsInt() < 1) {
      throw new IllegalArgumentException("c= address count must be >= 1, got " + count);
    }
  }

  /** {@code IN IP4 address} or {@code IN IP6 address}, chosen by whether it holds a colon. */
  public static Connection of(String address) {
    String type = address.indexOf(':') >= 0 ? IP6 : IP4;
    return new Connection(IN, type, address, OptionalInt.empty(), OptionalInt.empty());
  }

  /** The text after {@code c=}. */
  String value() {
    StringBuilder b = new StringBuilder(netType).append(' ').append(addrType).append(' ');
    b.append(address);
    ttl.ifPresent(t -> b.append('/').append(t));
    count.ifPresent(c -> b.append('/').append(c));
    return b.toString();
  }

  static FieldResult<Connection> parse(String value) {
    List<Tokens.Token> t = Tokens.split(value);
    if (t.size() != 3) {
      int at = t.size() > 3 ? t.get(3).offset() : value.length();
      return bad(at, "c= needs 3 fields (nettype addrtype address), got " + t.size());
    }
    String addrType = t.get(1).text();
    Tokens.Token addr = t.get(2);
    String[] parts =
        addrType.equals(IP4) || addrType.equals(IP6)
            ? addr.text().split("/", -1)
            : new String[] {addr.text()};
    int maxParts = addrType.equals(IP4) ? 3 : 2;
    if (parts.length > maxParts) {
      return bad(addr.offset(), "c= address has too many '/' parts: " + Tokens.quote(addr.text()));
    }
    String why = Addresses.check(addrType, parts[0]);
    if (why != null) {
      return bad(addr.offset(), "c= " + why);
    }
    OptionalInt ttl = OptionalInt.empty();
    OptionalInt count = OptionalInt.empty();
    int suffix = addr.offset() + parts[0].length() + 1;
    if (parts.length >= 2 && addrType.equals(IP4)) {
      int v = Tokens.parseUnsigned(parts[1], 255);
      if (v < 0) {
        return bad(suffix, "c= TTL must be 0-255, got " + Tokens.quote(parts[1]));
      }
      ttl = OptionalInt.of(v);
      suffix += parts[1].length() + 1;
    }
    String countText = addrType.equals(IP4) ? (parts.length == 3 ? parts[2] : null) : null;
    if (addrType.equals(IP6) && parts.length == 2) {
      countText = parts[1];
    }
    if (countText != null) {
      int v = Tokens.parseUnsigned(countText, 65535);
      if (v < 1) {
        return bad(suffix, "c= address count must be 1-65535, got " + Tokens.quote(countText));
      }
      count = OptionalInt.of(v);
    }
    return FieldResult.ok(new Connection(t.get(0).text(), addrType, parts[0], ttl, count));
  }

  private static FieldResult<Connection> bad(int offset, String message) {
    return FieldResult.bad(SdpError.Kind.BAD_CONNECTION, offset, message);
  }
}
