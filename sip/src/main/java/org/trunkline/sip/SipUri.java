package org.trunkline.sip;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A {@code sip:} or {@code sips:} URI (RFC 3261 §19.1). Parts are kept as written, escapes
 * included; {@link #userDecoded()} unescapes. IPv6 hosts keep their brackets (RFC 5118). Immutable
 * and safe to share between threads.
 *
 * <p>A parsed URI keeps where it and each of its parts are in the bytes it was parsed from (a
 * message's buffer, which it holds); its text, the part Strings and parameter lists are made when
 * first asked for (most routing decisions read one or two parts, many none). The accessors and
 * {@code equals}/{@code hashCode} are those of the record this class was: two URIs are equal when
 * every part is.
 */
public final class SipUri implements Uri {
  private final boolean secure;
  private final int port;
  // the bytes a parsed URI was read from and where it is in them; null for one built from parts
  private final byte[] buf;
  private final int textStart;
  private final int textEnd;
  // where the parts are in the text (parsed URIs only): -1 start for an absent user or password
  private final int userStart;
  private final int userEnd;
  private final int passwordStart;
  private final int passwordEnd;
  private final int hostStart;
  private final int hostEnd;
  // 4 ints a parameter (name start, name end, value start or -1, value end): params, then headers;
  // null for a URI built from its parts
  private final int[] spans;
  private final int paramCount;
  private final int headerCount;
  // made when first asked for; a race makes equal copies, and a String or an unmodifiable List is
  // safe to publish without a lock (final fields)
  private String text;
  private String user;
  private String password;
  private String host;
  private List<Param> params;
  private List<Param> headers;

  /**
   * A URI from its parts.
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
  public SipUri(
      boolean secure,
      String user,
      String password,
      String host,
      int port,
      List<Param> params,
      List<Param> headers,
      String text) {
    this.secure = secure;
    this.text = text;
    this.port = port;
    this.user = user;
    this.password = password;
    this.host = host;
    this.params = params;
    this.headers = headers;
    this.buf = null;
    this.textStart = -1;
    this.textEnd = -1;
    this.userStart = -1;
    this.userEnd = -1;
    this.passwordStart = -1;
    this.passwordEnd = -1;
    this.hostStart = -1;
    this.hostEnd = -1;
    this.spans = null;
    this.paramCount = 0;
    this.headerCount = 0;
  }

  /**
   * A parsed URI: the bytes {@code [start, end)} of {@code buf} (not to be changed afterwards) and
   * where {@link UriParser} found its parts in them ({@code parts.base} is {@code start}).
   */
  SipUri(boolean secure, byte[] buf, int start, int end, UriParser.SipParts parts) {
    this.secure = secure;
    this.buf = buf;
    this.textStart = start;
    this.textEnd = end;
    this.port = parts.port;
    this.userStart = parts.userStart;
    this.userEnd = parts.userEnd;
    this.passwordStart = parts.passwordStart;
    this.passwordEnd = parts.passwordEnd;
    this.hostStart = parts.hostStart;
    this.hostEnd = parts.hostEnd;
    this.spans = parts.spans;
    this.paramCount = parts.paramCount;
    this.headerCount = parts.headerCount;
  }

  /** Whether the scheme is {@code sips}. */
  public boolean secure() {
    return secure;
  }

  /** The user part as written, or {@code null}. */
  public String user() {
    String u = user;
    if (u == null && userStart >= 0) {
      user = u = part(userStart, userEnd);
    }
    return u;
  }

  /** The password as written, or {@code null}. */
  public String password() {
    String p = password;
    if (p == null && passwordStart >= 0) {
      password = p = part(passwordStart, passwordEnd);
    }
    return p;
  }

  /** The host: a name, an IPv4 address or a bracketed IPv6 reference. */
  public String host() {
    String h = host;
    if (h == null && hostStart >= 0) {
      host = h = part(hostStart, hostEnd);
    }
    return h;
  }

  /** The port, or -1 when absent. */
  public int port() {
    return port;
  }

  /** The uri-parameters in order (unmodifiable). */
  public List<Param> params() {
    List<Param> p = params;
    if (p == null && spans != null) {
      params = p = list(0, paramCount);
    }
    return p;
  }

  /** The {@code ?name=value} headers in order (unmodifiable). */
  public List<Param> headers() {
    List<Param> h = headers;
    if (h == null && spans != null) {
      headers = h = list(paramCount, headerCount);
    }
    return h;
  }

  /** The whole URI as written. */
  public String text() {
    String t = text;
    if (t == null && buf != null) {
      text = t = new String(buf, textStart, textEnd - textStart, StandardCharsets.ISO_8859_1);
    }
    return t;
  }

  /**
   * The part at {@code [s, e)} of the text (a parsed URI), made from the bytes: the String {@code
   * text().substring(s, e)} is, without making the text.
   */
  private String part(int s, int e) {
    return new String(buf, textStart + s, e - s, StandardCharsets.ISO_8859_1);
  }

  /** Parameters {@code from} .. {@code from + n - 1} of {@link #spans}, as parsing made them. */
  private List<Param> list(int from, int n) {
    if (n == 0) {
      return List.of();
    }
    if (n == 1) {
      return List.of(param(from));
    }
    if (n == 2) {
      return List.of(param(from), param(from + 1));
    }
    List<Param> out = new ArrayList<>(n);
    for (int i = from; i < from + n; i++) {
      out.add(param(i));
    }
    return List.copyOf(out);
  }

  private Param param(int i) {
    int o = i * 4;
    int vs = spans[o + 2];
    return new Param(part(spans[o], spans[o + 1]), vs < 0 ? null : part(vs, spans[o + 3]));
  }

  @Override
  public String scheme() {
    return secure ? "sips" : "sip";
  }

  /** The user part with %HH escapes decoded as UTF-8 (RFC 4475 esc01, escnull), or null. */
  public String userDecoded() {
    String u = user();
    return u == null ? null : unescape(u);
  }

  /**
   * The value of the named uri-parameter (any case), "" for a flag, null if absent. The name is
   * matched after %HH decoding ({@code ;%6C%72} is {@code lr}, RFC 4475 esc01); the value is
   * returned as written.
   */
  public String param(String name) {
    for (Param p : params()) {
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

  /** Equal when every part is equal, as for a record of the parts. */
  @Override
  public boolean equals(Object o) {
    return o == this
        || (o instanceof SipUri u
            && secure == u.secure
            && port == u.port
            && Objects.equals(text(), u.text())
            && Objects.equals(user(), u.user())
            && Objects.equals(password(), u.password())
            && Objects.equals(host(), u.host())
            && Objects.equals(params(), u.params())
            && Objects.equals(headers(), u.headers()));
  }

  /** Combines the parts' hash codes in their order, as a record of the parts does. */
  @Override
  public int hashCode() {
    int h = Boolean.hashCode(secure);
    h = 31 * h + Objects.hashCode(user());
    h = 31 * h + Objects.hashCode(password());
    h = 31 * h + Objects.hashCode(host());
    h = 31 * h + Integer.hashCode(port);
    h = 31 * h + Objects.hashCode(params());
    h = 31 * h + Objects.hashCode(headers());
    return 31 * h + Objects.hashCode(text());
  }

  @Override
  public String toString() {
    return text();
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
