package org.trunkline.core.trunk;

/**
 * What a call does with a REFER (RFC 3515, call transfer) sent in the dialog of a trunk's leg.
 *
 * <p>The default is {@link #REJECT}: a REFER asks the other side to call a URI the referrer chose,
 * so passing it lets one customer make a carrier's or another customer's equipment place calls that
 * bypass our routing, limits and CDRs, and its Refer-To carries the referrer's addresses across. A
 * PBX whose REFER is refused does the transfer itself (it bridges the two calls), which is what
 * operators expect of a trunk.
 */
public enum ReferPolicy {
  /**
   * Answered {@code 403 Forbidden} at once (a policy refusal, not a user's decline: 603 is a global
   * failure meant for the user's decision, 405 would claim the method is unknown here).
   */
  REJECT("reject"),
  /**
   * Relayed to the other side of the call in its dialog (Refer-To and Referred-By unchanged), its
   * answers and NOTIFYs relayed back, when the other side's trunk passes REFER too.
   */
  PASS("pass");

  private final String token;

  ReferPolicy(String token) {
    this.token = token;
  }

  /** As written in the config file. */
  public String token() {
    return token;
  }
}
