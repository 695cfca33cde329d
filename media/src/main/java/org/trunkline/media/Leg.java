package org.trunkline.media;

/** A side of a call: A is the caller's leg, B the callee's. */
public enum Leg {
  A,
  B;

  /** The other side. */
  public Leg other() {
    return this == A ? B : A;
  }

  /** The flow of packets that this leg sends. */
  public Flow sending() {
    return this == A ? Flow.A_TO_B : Flow.B_TO_A;
  }
}
