package org.trunkline.sip;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A {@code sip:} or {@code sips:} URI (RFC 3261 §19.1). Parts are kept as written, escapes
 * included; {@link #userDecoded()} unescapes. IPv6 hosts keep their brackets (RFC 5118). Immutable.
 *
 * @param secure whether the scheme is {@code sips}
 * @param user the user part as written, or {@code null}
 * @param password the password as written, or {@code null}
 * @param host the host: a name, an IPv4 address or a bracketed IPv6 reference
 * @param port the port, or -1 when absent
 * @param params the uri-parameters in order
 * @param headers the {@code ?name=value} headers in order
 * @param text the whole URI as written
 */
public record SipUri(
    boolean secure,
    String user,
    String password,
    String host,
    int port,
    List<Param> params,
    List<Param> headers,
    String text)
    implements Uri {

  @Override
  public String scheme() {
    return secure ? "sips" : "sip";
  }

  /** The user part with %HH escapes decoded as UTF-8 (RFC 4475 esc01, escnull), or null. */
  public String userDecoded() {
    return user == null ? null : unescape(user);
  }

  /**
   * The value of the named uri-parameter (any case), "" for a flag, null if absent. The name is
   * matched after %HH decoding ({@code ;%6C%72} is {@code lr}, RFC 4475 esc01); the value is
   * returned as written.
   */
  public String param(String name) {
    for (Param p : params) {
      if (unescape(p.name()).equalsIgnoreCase(name)) {
        return p.value() == null ? "" : p.value();
      }
    }
    return null;
  }

  /** Whether the {@code lr} parameter (loose routing, §19.1.1) is present. */
  public boolean looseRouting() {
    return param("lr") != null;
  }

  @Override
  public String toString() {
    return text;
  }

  static String unescape(String s) {
    if (s.indexOf('%') < 0) {
      return s;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%' && i + 2 < s.length()) {
        int h = Chars.hexValue((byte) s.charAt(i + 1));
        int l = Chars.hexValue((byte) s.charAt(i + 2));
        if (h >= 0 && l >= 0) {
          out.write(h * 16 + l);
          i += 2;
          continue;
        }
      }
      out.write(c);
    }
    return out.toString(StandardCharsets.UTF_8);
  }
}
