package org.trunkline.media;

/** A direction of media through the relay. */
public enum Flow {
  /** From the caller (leg A) to the callee (leg B). */
  A_TO_B,
  /** From the callee (leg B) to the caller (leg A). */
  B_TO_A;

  /** The leg that sends this flow. */
  public Leg from() {
    return this == A_TO_B ? Leg.A : Leg.B;
  }

  /** The opposite flow. */
  public Flow reversed() {
    return this == A_TO_B ? B_TO_A : A_TO_B;
  }
}
