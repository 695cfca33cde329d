package org.trunkline.sip;

/**
 * A URI as SIP carries it: a {@link SipUri}, a {@link TelUri}, or any other {@link AbsoluteUri}.
 */
public sealed interface Uri permits SipUri, TelUri, AbsoluteUri {
  /** The scheme in lower case: {@code sip}, {@code sips}, {@code tel}, ... */
  String scheme();

  /** The URI as it was written (or as it would be written, for a built one). */
  @Override
  String toString();
}
