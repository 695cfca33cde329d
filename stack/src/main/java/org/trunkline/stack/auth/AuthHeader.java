package org.trunkline.stack.auth;

import java.util.List;
import java.util.Locale;

/**
 * A parsed {@code WWW-Authenticate}, {@code Proxy-Authenticate}, {@code Authorization} or {@code
 * Proxy-Authorization} value: an auth-scheme and its parameters (RFC 3261 §25.1, RFC 7235 §2.1).
 * Schemes other than Digest are kept as they came, so a caller can say "unsupported scheme" rather
 * than "garbage". Immutable.
 *
 * @param scheme the auth-scheme as written, e.g. {@code Digest}
 * @param params the auth-params in order, names lower-cased, no duplicates
 * @param token68 the token68 form of credentials (RFC 7235 §2.1, e.g. Basic), or {@code null}
 */
public record AuthHeader(String scheme, List<AuthParam> params, String token68) {
  public AuthHeader {
    params = List.copyOf(params);
  }

  /** {@code true} for the Digest scheme (case-insensitive, RFC 7235 §2.1). */
  public boolean isDigest() {
    return "digest".equalsIgnoreCase(scheme);
  }

  /** The unquoted value of the named parameter (case-insensitive), or {@code null}. */
  public String param(String name) {
    AuthParam p = find(name);
    return p == null ? null : p.value();
  }

  /** The parameter itself, to see whether it was quoted, or {@code null}. */
  public AuthParam find(String name) {
    // the names are kept lower-cased, and callers ask with lower-case constants: found as given,
    // without lower-casing the name first (a server checks about ten per REGISTER)
    AuthParam p = named(name);
    if (p != null) {
      return p;
    }
    String n = name.toLowerCase(Locale.ROOT);
    return n.equals(name) ? null : named(n);
  }

  private AuthParam named(String lowerCase) {
    for (int i = 0; i < params.size(); i++) {
      AuthParam p = params.get(i);
      if (p.name().equals(lowerCase)) {
        return p;
      }
    }
    return null;
  }
}
