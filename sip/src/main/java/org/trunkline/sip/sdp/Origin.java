package org.trunkline.sip.sdp;

import java.util.List;
import java.util.Objects;

/**
 * The {@code o=} line (RFC 8866 §5.2): who made the description and which version it is. Immutable
 * and thread-safe.
 *
 * <p>sess-id and sess-version are kept as decimal strings: RFC 8866 only says "digits", real values
 * are NTP timestamps that overflow a {@code long}, and a relay must write them back unchanged or
 * exactly one higher (RFC 3264 §8).
 *
 * @param username the originator's login, {@code -} when there is none
 * @param sessionId the session id, written back as is
 * @param sessionVersion the version, only ASCII digits; bumped by {@link #nextVersion()}
 * @param netType {@code IN}
 * @param addrType {@code IP4} or {@code IP6}
 * @param unicastAddress where the description was made; not used to route media
 */
public record Origin(
    String username,
    String sessionId,
    String sessionVersion,
    String netType,
    String addrType,
    String unicastAddress) {

  /**
   * @throws IllegalArgumentException if a field is empty or holds a space, CR, LF or NUL, or the
   *     version is not a decimal number
   */
  public Origin {
    check("username", username);
    check("sess-id", sessionId);
    check("sess-version", sessionVersion);
    check("nettype", netType);
    check("addrtype", addrType);
    check("unicast-address", unicastAddress);
    if (!Tokens.digits(sessionVersion)) {
      throw new IllegalArgumentException(
          "o= sess-version must be digits, got " + Tokens.quote(sessionVersion));
    }
  }

  private static void check(String name, String value) {
    Objects.requireNonNull(value, name);
    if (!Tokens.field(value)) {
      throw new IllegalArgumentException(
          "o= " + name + " must be one non-empty field, got " + Tokens.quote(value));
    }
  }

  /** This origin with sess-version one higher, as RFC 3264 §8 asks of a changed offer. */
  public Origin nextVersion() {
    return new Origin(
        username, sessionId, Tokens.increment(sessionVersion), netType, addrType, unicastAddress);
  }

  /** This origin naming another address, to hide the far side's (topology hiding). */
  public Origin withUnicastAddress(String newAddrType, String newAddress) {
    return new Origin(username, sessionId, sessionVersion, netType, newAddrType, newAddress);
  }

  /** The text after {@code o=}. */
  String value() {
    return String.join(" ", username, sessionId, sessionVersion, netType, addrType, unicastAddress);
  }

  static FieldResult<Origin> parse(String value) {
    List<Tokens.Token> t = Tokens.split(value);
    if (t.size() != 6) {
      int at = t.size() > 6 ? t.get(6).offset() : value.length();
      return FieldResult.bad(
          SdpError.Kind.BAD_ORIGIN,
          at,
          "o= needs 6 fields (username sess-id sess-version nettype addrtype address), got "
              + t.size());
    }
    Tokens.Token version = t.get(2);
    if (!Tokens.digits(version.text())) {
      return FieldResult.bad(
          SdpError.Kind.BAD_ORIGIN,
          version.offset(),
          "o= sess-version must be digits, got " + Tokens.quote(version.text()));
    }
    return FieldResult.ok(
        new Origin(
            t.get(0).text(),
            t.get(1).text(),
            version.text(),
            t.get(3).text(),
            t.get(4).text(),
            t.get(5).text()));
  }
}
