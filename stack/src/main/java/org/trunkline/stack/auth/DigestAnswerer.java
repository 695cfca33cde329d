package org.trunkline.stack.auth;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The client side of digest authentication for one peer relationship (a trunk's registration, or
 * one B-leg dialog): answers 401/407 challenges with the configured credentials (RFC 3261 §22.2,
 * §22.3, RFC 7616 §3.4), and remembers each realm's nonce and nonce count so later requests can be
 * authorized without a new challenge ({@link #authorize}).
 *
 * <p>Each outgoing request and its retries use one {@link AuthAttempt} from {@link #newAttempt()},
 * which owns the retry policy: one answer per challenge, never a loop on a wrong password.
 *
 * <p>Not thread-safe: use it from the event loop that owns the dialog or registration.
 */
public final class DigestAnswerer {
  private static final HexFormat HEX = HexFormat.of();

  /** What we last answered in one protection space (kind + realm). */
  static final class Session {
    final Challenge challenge;
    final ClientCredential credential;
    long nc;

    Session(Challenge challenge, ClientCredential credential) {
      this.challenge = challenge;
      this.credential = credential;
    }
  }

  private final ClientCredentials credentials;
  private final Supplier<String> cnonces;
  private final Map<String, Session> sessions = new LinkedHashMap<>();

  /** Answers with {@code credentials} and random 16-hex-digit cnonces. */
  public DigestAnswerer(ClientCredentials credentials) {
    this(credentials, randomCnonces());
  }

  /** As {@link #DigestAnswerer(ClientCredentials)} with a given cnonce source (for tests). */
  public DigestAnswerer(ClientCredentials credentials, Supplier<String> cnonces) {
    this.credentials = credentials;
    this.cnonces = cnonces;
  }

  /** A retry policy for one request and its authenticated retries. */
  public AuthAttempt newAttempt() {
    return new AuthAttempt(this);
  }

  /**
   * Credentials for a new request from the challenges answered before (RFC 3261 §22.3 allows
   * reusing them; the nonce count goes up). Empty before the first challenge. If the server has
   * since expired the nonce it answers stale=true, which an {@link AuthAttempt} retries.
   */
  public List<AuthorizationLine> authorize(String method, String uri) {
    List<AuthorizationLine> out = new ArrayList<>(sessions.size());
    for (Session s : sessions.values()) {
      out.add(line(s, method, uri));
    }
    return out;
  }

  ClientCredentials credentials() {
    return credentials;
  }

  /** Starts or continues the session for this challenge; a new nonce restarts the count. */
  Session session(Challenge c, ClientCredential credential) {
    Session s = sessions.get(c.space());
    if (s == null || !s.challenge.equals(c) || !s.credential.equals(credential)) {
      s = new Session(c, credential);
      sessions.put(c.space(), s);
    }
    return s;
  }

  /** The Authorization/Proxy-Authorization line for the next request in session {@code s}. */
  AuthorizationLine line(Session s, String method, String uri) {
    Challenge c = s.challenge;
    String user = s.credential.username();
    String ha1 = DigestMath.ha1(c.algorithm(), user, c.realm(), s.credential.password());
    AuthWriter w =
        new AuthWriter("Digest")
            .quoted("username", user)
            .quoted("realm", c.realm())
            .quoted("nonce", c.nonce())
            .quoted("uri", uri);
    String response;
    if (c.qopAuth()) {
      s.nc++;
      String nc = DigestMath.nc(s.nc);
      String cnonce = cnonces.get();
      response =
          DigestMath.response(c.algorithm(), ha1, method, uri, c.nonce(), nc, cnonce, "auth");
      w.quoted("response", response).token("qop", "auth").token("nc", nc).quoted("cnonce", cnonce);
    } else {
      // RFC 2069 style (RFC 3261 §22.4): no qop, so no nc and no cnonce
      response = DigestMath.response(c.algorithm(), ha1, method, uri, c.nonce(), null, null, null);
      w.quoted("response", response);
    }
    if (c.algorithmGiven()) {
      w.token("algorithm", c.algorithm().token()); // RFC 7616 §3.4: as the challenge had it
    }
    if (c.opaque() != null) {
      w.quoted("opaque", c.opaque());
    }
    return new AuthorizationLine(c.kind().credentialsHeader(), w.toString());
  }

  private static Supplier<String> randomCnonces() {
    SecureRandom random = new SecureRandom();
    return () -> {
      byte[] b = new byte[8];
      random.nextBytes(b);
      return HEX.formatHex(b);
    };
  }
}
