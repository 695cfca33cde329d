package org.trunkline.stack.auth;

import org.trunkline.sip.HeaderName;

/** A header to add to the retried request: Authorization or Proxy-Authorization and its value. */
public record AuthorizationLine(HeaderName name, String value) {}
