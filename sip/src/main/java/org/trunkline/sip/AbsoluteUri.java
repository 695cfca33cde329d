package org.trunkline.sip;

/**
 * A URI of a scheme SIP does not interpret (RFC 3261 §25.1 absoluteURI), carried as text, e.g. the
 * {@code http:} or {@code urn:} of RFC 4475 unksm2.
 */
public record AbsoluteUri(String scheme, String text) implements Uri {
  @Override
  public String toString() {
    return text;
  }
}
