package org.trunkline.stack.auth;

import java.util.List;
import java.util.Locale;

/**
 * One usable Digest challenge as the client sees it (RFC 7616 §3.3).
 *
 * @param algorithmGiven whether the challenge named its algorithm (we echo it only then)
 * @param qopAuth whether qop offered "auth"; if not, the answer is RFC 2069 style
 */
record Challenge(
    ChallengeKind kind,
    String realm,
    String nonce,
    String opaque,
    DigestAlgorithm algorithm,
    boolean algorithmGiven,
    boolean qopAuth,
    boolean stale) {

  /** The challenge in {@code value}, or null with the reason added to {@code skipped}. */
  static Challenge read(String value, ChallengeKind kind, List<String> skipped) {
    String where = kind.challengeHeader().name() + " '" + clip(value) + "'";
    AuthParse parse = AuthHeaderParser.parse(value);
    if (parse instanceof AuthParse.Malformed m) {
      skipped.add(where + ": " + m);
      return null;
    }
    AuthHeader h = ((AuthParse.Parsed) parse).header();
    if (!h.isDigest()) {
      skipped.add(where + ": unsupported scheme " + h.scheme());
      return null;
    }
    String realm = h.param("realm");
    String nonce = h.param("nonce");
    if (realm == null || nonce == null) {
      skipped.add(where + ": realm and nonce are required");
      return null;
    }
    String algName = h.param("algorithm");
    DigestAlgorithm alg =
        algName == null ? DigestAlgorithm.MD5 : DigestAlgorithm.fromToken(algName);
    if (alg == null) {
      skipped.add(where + ": algorithm " + algName + " not supported");
      return null;
    }
    String qop = h.param("qop");
    boolean auth = false;
    if (qop != null) {
      for (String q : qop.split(",")) {
        auth |= q.trim().toLowerCase(Locale.ROOT).equals("auth");
      }
      if (!auth) {
        // RFC 7616 §3.3: qop is given and we support none of its values (auth-int needs the body)
        skipped.add(where + ": qop " + qop + " not supported");
        return null;
      }
    }
    boolean stale = "true".equalsIgnoreCase(h.param("stale"));
    return new Challenge(kind, realm, nonce, h.param("opaque"), alg, algName != null, auth, stale);
  }

  /** Key of the protection space: one answer per kind and realm (RFC 3261 §22.3). */
  String space() {
    return kind + " " + realm;
  }

  private static String clip(String s) {
    return s.length() <= 60 ? s : s.substring(0, 57) + "...";
  }
}
