package org.trunkline.stack.auth;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.trunkline.sip.HeaderName;
import org.trunkline.sip.SipMessage;

/**
 * The server side of digest authentication for one realm (RFC 3261 §22.1-§22.4, RFC 7616, RFC
 * 8760): builds challenges and verifies credentials against a {@link CredentialLookup}.
 *
 * <p>Nonces are stateless (see {@link NonceCodec}): they carry their issue time and an HMAC under
 * the configured secret, expire after {@link DigestConfig#nonceLifetime()} and are then answered
 * {@code stale=true} if the response was otherwise right (RFC 7616 §3.3). Nonce counts are checked
 * against a bounded replay window. Time comes from the injected {@link InstantSource}.
 *
 * <p>Thread-safe: any event loop may call {@link #challenges} and {@link #verify} concurrently.
 */
public final class DigestChallenger {
  /**
   * How long a copy of a request challenged without a transaction gets the same nonce: 64*T1 with
   * RFC 3261's T1 of 500 ms, as long as a client retransmits a non-INVITE request over UDP (Timer
   * F) and as long as its server transaction would have absorbed copies (Timer J).
   */
  public static final long RETRANSMISSION_WINDOW_MILLIS = 32_000;

  /**
   * At most this many such challenges are remembered (32 bytes each, 8 MB at most): at 4,000
   * challenged REGISTERs a second about 128,000 are within the window.
   */
  static final int MAX_REMEMBERED_CHALLENGES = 1 << 18;

  /** The header values {@code Responses.build} copies into a response, after the Vias. */
  private static final HeaderName[] ECHOED = {
    HeaderName.FROM, HeaderName.TO, HeaderName.CALL_ID, HeaderName.CSEQ
  };

  private final DigestConfig config;
  private final CredentialLookup users;
  private final InstantSource clock;
  private final NonceCodec nonces;
  private final NonceCounts counts;
  private final RecentChallenges recent;

  /** The key of request ids ({@link #challengeLinesForCopies}): random, they never leave here. */
  private final long idKey0;

  private final long idKey1;

  private final String opaque;
  private final long lifetimeMillis;
  private final String beforeNonce;

  /** Per {@link ChallengeKind} (ordinal): its header's name, ": ", then {@link #beforeNonce}. */
  private final String[] lineBeforeNonce;

  private final String[] afterNonce;
  private final String[] afterNonceStale;

  /**
   * With one offered algorithm (the usual), per {@link ChallengeKind} (ordinal) the line's text
   * around the nonce ({@code [0]}: not stale, {@code [1]}: stale), so a challenge is one String
   * with no String of its nonce ({@link NonceCodec#encode(long, long, NonceCodec.Frame)}); null
   * with several algorithms or a realm beyond Latin-1.
   */
  private final NonceCodec.Frame[][] frames;

  /** A stand-in HA1 per algorithm, hashed for unknown users. */
  private final Map<DigestAlgorithm, byte[]> unknownUserHa1 = new EnumMap<>(DigestAlgorithm.class);

  public DigestChallenger(DigestConfig config, CredentialLookup users, InstantSource clock) {
    this(config, users, clock, RETRANSMISSION_WINDOW_MILLIS);
  }

  /**
   * @param retransmissionWindowMillis how long a copy of a request challenged without a transaction
   *     gets the same nonce: 64*T1 of the transaction timers in use ({@link
   *     #RETRANSMISSION_WINDOW_MILLIS} with RFC 3261's)
   */
  public DigestChallenger(
      DigestConfig config,
      CredentialLookup users,
      InstantSource clock,
      long retransmissionWindowMillis) {
    if (retransmissionWindowMillis <= 0) {
      throw new IllegalArgumentException(
          "retransmission window: must be > 0 ms, got " + retransmissionWindowMillis);
    }
    this.recent = new RecentChallenges(retransmissionWindowMillis, MAX_REMEMBERED_CHALLENGES);
    this.config = config;
    this.users = users;
    this.clock = clock;
    this.nonces = new NonceCodec(config.secret(), config.realm());
    this.counts = new NonceCounts(config.maxTrackedNonces());
    this.opaque = nonces.opaque();
    this.lifetimeMillis = config.nonceLifetime().toMillis();
    String head =
        new AuthWriter("Digest").quoted("realm", config.realm()).quoted("nonce", "").toString();
    this.beforeNonce = head.substring(0, head.length() - 1);
    this.lineBeforeNonce = new String[ChallengeKind.values().length];
    for (ChallengeKind k : ChallengeKind.values()) {
      lineBeforeNonce[k.ordinal()] = k.challengeHeader().name() + ": " + beforeNonce;
    }
    this.afterNonce = afterNonce(config, opaque, false);
    this.afterNonceStale = afterNonce(config, opaque, true);
    this.frames = frames(lineBeforeNonce, afterNonce, afterNonceStale);
    for (DigestAlgorithm a : DigestAlgorithm.values()) {
      unknownUserHa1.put(a, DigestMath.ha1Hex(a, "", config.realm(), ""));
    }
    SecureRandom random = new SecureRandom();
    this.idKey0 = random.nextLong();
    this.idKey1 = random.nextLong();
  }

  public String realm() {
    return config.realm();
  }

  /**
   * The values of the WWW-Authenticate or Proxy-Authenticate headers to send, one per offered
   * algorithm, strongest first (RFC 8760 §2.4: the client takes the first it supports), all with
   * the same fresh nonce.
   *
   * @param stale {@code true} after a {@link AuthResult.Stale} result (RFC 7616 §3.3)
   */
  public List<String> challenges(boolean stale) {
    String nonce = nonces.issue(clock.millis());
    String[] after = stale ? afterNonceStale : afterNonce;
    List<String> out = new ArrayList<>(after.length);
    for (String a : after) {
      out.add(beforeNonce + nonce + a);
    }
    return out;
  }

  /**
   * {@link #challenges} as whole header lines of the {@code kind}'s challenge header ({@code
   * WWW-Authenticate: Digest ...}), each made by one concatenation of prepared parts around the
   * nonce.
   */
  public List<String> challengeLines(ChallengeKind kind, boolean stale) {
    NonceCodec.Frame f = frame(kind, stale);
    if (f != null) {
      return List.of(nonces.encode(clock.millis(), nonces.nextSequence(), f));
    }
    return lines(kind, stale, nonces.issue(clock.millis()));
  }

  /**
   * {@link #challengeLines} ({@code stale=false}) for a request answered without a transaction over
   * UDP (RFC 3261 §8.2.7), which the client may retransmit: every copy of it that comes within
   * {@link #RETRANSMISSION_WINDOW_MILLIS} of the first gets the same nonce, so the same response
   * (§17.2.2), not a second 401 with another nonce that a client such as SIPp takes for an
   * unexpected answer. A copy is found by a keyed 64-bit hash of every header value the response
   * echoes (Via, From, To, Call-ID, CSeq; {@code Responses.build}) and of the source address the
   * top Via's received and rport name: the same id means the same echoed bytes. Costs 32 bytes of
   * heap per challenge for the window ({@link RecentChallenges}) and no object.
   *
   * <p>Two different requests would share a nonce only if their ids collide (2^-64 per pair; the
   * key is random and the ids never leave the server). A shared nonce is still one we issued;
   * replay protection (nonce count, lifetime) is unchanged.
   *
   * @param source where the request came from (its address and port)
   */
  public List<String> challengeLinesForCopies(
      ChallengeKind kind, SipMessage request, InetSocketAddress source) {
    long id = requestId(request, source);
    NonceCodec.Frame f = frame(kind, false);
    if (f != null) {
      return List.of(recent.nonce(id, clock.millis(), nonces, f));
    }
    return lines(kind, false, recent.nonce(id, clock.millis(), nonces));
  }

  /** Challenges remembered for copies of their request ({@link #challengeLinesForCopies}). */
  public int rememberedChallenges() {
    return recent.size();
  }

  /** What identifies a request's copies: the values the response echoes, and its source. */
  private long requestId(SipMessage m, InetSocketAddress source) {
    SipHash.Parts h = new SipHash.Parts(idKey0, idKey1);
    byte[] a = m.array();
    for (int i = m.indexOf(HeaderName.VIA); i >= 0; i = m.indexOf(HeaderName.VIA, i + 1)) {
      h.add(a, m.rawValueStart(i), m.rawValueEnd(i));
    }
    h.add(-1L); // the Vias end here
    for (HeaderName n : ECHOED) {
      int i = m.indexOf(n);
      if (i >= 0) {
        h.add(a, m.rawValueStart(i), m.rawValueEnd(i));
      } else {
        h.add(-1L);
      }
    }
    InetAddress ip = source.getAddress();
    if (ip instanceof Inet4Address) {
      h.add(ip.hashCode()); // the address itself
    } else if (ip != null) {
      byte[] b = ip.getAddress();
      h.add(b, 0, b.length);
    } else {
      h.add(source.getHostString().hashCode());
    }
    return h.add(source.getPort()).finish();
  }

  /** The one line's frame for {@code kind}, or null when the lines are made around the nonce. */
  private NonceCodec.Frame frame(ChallengeKind kind, boolean stale) {
    return frames == null ? null : frames[kind.ordinal()][stale ? 1 : 0];
  }

  /** {@link #frames} of the prepared parts; null unless one algorithm is offered. */
  private static NonceCodec.Frame[][] frames(
      String[] lineBeforeNonce, String[] afterNonce, String[] afterNonceStale) {
    if (afterNonce.length != 1) {
      return null;
    }
    NonceCodec.Frame[][] out = new NonceCodec.Frame[lineBeforeNonce.length][];
    for (int k = 0; k < out.length; k++) {
      out[k] =
          new NonceCodec.Frame[] {
            NonceCodec.Frame.of(lineBeforeNonce[k], afterNonce[0]),
            NonceCodec.Frame.of(lineBeforeNonce[k], afterNonceStale[0])
          };
      if (out[k][0] == null || out[k][1] == null) {
        return null;
      }
    }
    return out;
  }

  /** The challenge lines around {@code nonce}. */
  private List<String> lines(ChallengeKind kind, boolean stale, String nonce) {
    String[] after = stale ? afterNonceStale : afterNonce;
    String before = lineBeforeNonce[kind.ordinal()];
    String[] out = new String[after.length];
    for (int i = 0; i < after.length; i++) {
      out[i] = before + nonce + after[i];
    }
    return List.of(out);
  }

  /**
   * The parts of each challenge around its nonce, the same for every challenge: per offered
   * algorithm, {@code Digest realm="r", nonce="} + nonce + {@code ", opaque="o", algorithm=A,
   * qop="auth"} (+ {@code , stale=true}). The nonce (base64url) needs no escaping.
   */
  private static String[] afterNonce(DigestConfig config, String opaque, boolean stale) {
    List<DigestAlgorithm> algs = config.algorithms();
    String[] out = new String[algs.size()];
    for (int i = 0; i < out.length; i++) {
      AuthWriter w =
          new AuthWriter("Digest")
              .quoted("realm", config.realm())
              .quoted("nonce", "")
              .quoted("opaque", opaque)
              .token("algorithm", algs.get(i).token())
              .quoted("qop", "auth");
      if (stale) {
        w.token("stale", "true");
      }
      String full = w.toString();
      out[i] = full.substring(full.indexOf("nonce=\"\"") + "nonce=\"".length());
    }
    return out;
  }

  /**
   * Verifies the request's credentials for this realm in the {@code kind}'s header (Authorization
   * or Proxy-Authorization). Credentials for other realms and other schemes are ignored (RFC 3261
   * §22.3: several proxies may each have their own), so a request with none for us is {@link
   * AuthResult.Missing}.
   */
  public AuthResult verify(SipMessage request, ChallengeKind kind) {
    String method = request.method().name();
    HeaderName name = kind.credentialsHeader();
    AuthResult.Malformed unparsable = null;
    // one value per line (credentials are not split at commas, §7.3.1): the usual one is read from
    // the message's bytes, any other is parsed from its String
    for (int i = request.indexOf(name); i >= 0; i = request.indexOf(name, i + 1)) {
      DigestCredentials c =
          DigestCredentials.read(request.array(), request.rawValueStart(i), request.rawValueEnd(i));
      if (c == null) {
        AuthParse parse = AuthHeaderParser.parse(request.headerValue(i));
        if (parse instanceof AuthParse.Malformed m) {
          unparsable = new AuthResult.Malformed(config.realm(), m.toString());
          continue;
        }
        c = DigestCredentials.of(((AuthParse.Parsed) parse).header());
      }
      if (c.digest && c.realm != null && config.realm().contentEquals(c.realm)) {
        return verify(method, c);
      }
    }
    // an unparsable header may have been meant for us; say so rather than "missing"
    return unparsable != null ? unparsable : new AuthResult.Missing(config.realm());
  }

  /** Verifies one credentials value (without the header name) for a request of {@code method}. */
  public AuthResult verify(String method, String credentials) {
    AuthParse parse = AuthHeaderParser.parse(credentials);
    if (parse instanceof AuthParse.Malformed m) {
      return new AuthResult.Malformed(config.realm(), m.toString());
    }
    return verify(method, DigestCredentials.of(((AuthParse.Parsed) parse).header()));
  }

  private AuthResult verify(String method, DigestCredentials h) {
    String realm = config.realm();
    if (!h.digest) {
      return new AuthResult.Malformed(realm, "unsupported auth-scheme " + h.scheme);
    }
    if (h.realm == null || !realm.contentEquals(h.realm)) {
      return new AuthResult.Malformed(realm, "credentials are for realm " + h.realm);
    }
    CharSequence nonce = h.nonce;
    CharSequence uri = h.uri;
    CharSequence response = h.response;
    if (h.username == null || nonce == null || uri == null || response == null) {
      return new AuthResult.Malformed(realm, "username, nonce, uri and response are required");
    }
    if (h.userhash instanceof String u
        ? "true".equalsIgnoreCase(u)
        : DigestCredentials.is(h.userhash, "true")) {
      return new AuthResult.Malformed(realm, "userhash is not supported (not offered)");
    }
    CharSequence algName = h.algorithm;
    // RFC 7616 §3.4: no algorithm parameter means MD5
    DigestAlgorithm alg = algName == null ? DigestAlgorithm.MD5 : algorithm(algName);
    if (alg == null || !config.algorithms().contains(alg)) {
      return new AuthResult.Malformed(
          realm, "algorithm " + (algName == null ? "MD5 (default)" : algName) + " not offered");
    }
    CharSequence qop = h.qop;
    CharSequence nc = h.nc;
    CharSequence cnonce = h.cnonce;
    long count = 0;
    if (qop != null) {
      if (!DigestCredentials.is(qop, "auth")) {
        return new AuthResult.Malformed(realm, "qop " + qop + " not offered");
      }
      count = parseNc(nc);
      if (count < 0 || cnonce == null) {
        return new AuthResult.Malformed(realm, "qop=auth needs nc (8 hex digits) and cnonce");
      }
    } else if (config.requireQop()) {
      return new AuthResult.Malformed(realm, "qop missing (RFC 2069 answers are refused)");
    }
    // the one String of the check: the user's name is looked up and reported
    String username = h.username.toString();
    UserSecret secret = users.secret(realm, username);
    byte[] ha1 = secret == null ? null : secret.ha1Hex(alg, username, realm);
    // an unknown user costs the same hashing as a known one (whose HA1 is kept by its secret), so
    // timing does not tell them apart
    boolean right =
        DigestMath.responseMatches(
            alg,
            ha1 != null ? ha1 : unknownUserHa1.get(alg),
            method,
            uri,
            nonce,
            nc,
            cnonce,
            qop == null ? null : "auth",
            response);
    if (ha1 == null) {
      return new AuthResult.BadCredentials(
          realm, username, secret == null ? "unknown user" : "no HA1 stored for " + alg);
    }
    if (!right) {
      return new AuthResult.BadCredentials(realm, username, "wrong response");
    }
    // The response is right: from here on the client knows the password, and only the nonce or
    // the count can be wrong, which RFC 7616 §3.3 answers with stale=true so it retries silently.
    long now = clock.millis();
    long issued = nonces.issuedAt(nonce);
    if (issued < 0) {
      return new AuthResult.Stale(realm, username, "nonce not issued by us");
    }
    // checked only now: after a secret change both nonce and opaque differ, which is stale
    CharSequence theirOpaque = h.opaque;
    if (theirOpaque != null && !opaque.contentEquals(theirOpaque)) {
      return new AuthResult.Malformed(realm, "opaque does not match");
    }
    if (now - issued > lifetimeMillis || issued - now > lifetimeMillis) {
      return new AuthResult.Stale(realm, username, "nonce expired");
    }
    if (qop != null) {
      switch (counts.check(NonceCodec.sequence(nonce), issued, count, now - lifetimeMillis)) {
        case REPLAY:
          return new AuthResult.Replay(realm, username, DigestCredentials.text(nc));
        case FORGOTTEN:
          return new AuthResult.Stale(realm, username, "nonce evicted from the replay window");
        case FRESH:
          break;
      }
    }
    return new AuthResult.Ok(realm, username, alg);
  }

  /**
   * The algorithm an {@code algorithm} parameter names, as {@link DigestAlgorithm#fromToken} finds
   * it; a view of ASCII bytes without making its String.
   */
  private static DigestAlgorithm algorithm(CharSequence name) {
    if (name instanceof String s) {
      return DigestAlgorithm.fromToken(s);
    }
    for (DigestAlgorithm a : DigestAlgorithm.values()) {
      if (DigestCredentials.isIgnoreCase(name, a.token())) {
        return a;
      }
    }
    return null;
  }

  /** The nc-value (RFC 7616 §3.4: 8LHEX; upper case accepted), or -1. */
  private static long parseNc(CharSequence nc) {
    if (nc == null || nc.length() != 8) {
      return -1;
    }
    long v = 0;
    for (int i = 0; i < 8; i++) {
      char c = nc.charAt(i);
      // ASCII only (HexFormat), where Character.digit would also take other scripts' digits
      if (!HexFormat.isHexDigit(c)) {
        return -1;
      }
      v = v << 4 | HexFormat.fromHexDigit(c);
    }
    return v;
  }
}
