package org.trunkline.stack.auth;

import org.trunkline.sip.HeaderName;

/**
 * Who challenges: a UAS or registrar answers 401 with WWW-Authenticate and reads Authorization; a
 * proxy answers 407 with Proxy-Authenticate and reads Proxy-Authorization (RFC 3261 §22.2, §22.3).
 */
public enum ChallengeKind {
  UAS(401, "Unauthorized", HeaderName.WWW_AUTHENTICATE, HeaderName.AUTHORIZATION),
  PROXY(
      407,
      "Proxy Authentication Required",
      HeaderName.PROXY_AUTHENTICATE,
      HeaderName.PROXY_AUTHORIZATION);

  private final int status;
  private final String reason;
  private final HeaderName challengeHeader;
  private final HeaderName credentialsHeader;

  ChallengeKind(int status, String reason, HeaderName challenge, HeaderName credentials) {
    this.status = status;
    this.reason = reason;
    this.challengeHeader = challenge;
    this.credentialsHeader = credentials;
  }

  /** 401 or 407. */
  public int status() {
    return status;
  }

  /** The reason phrase of {@link #status()}. */
  public String reason() {
    return reason;
  }

  /** WWW-Authenticate or Proxy-Authenticate. */
  public HeaderName challengeHeader() {
    return challengeHeader;
  }

  /** Authorization or Proxy-Authorization. */
  public HeaderName credentialsHeader() {
    return credentialsHeader;
  }
}
