package org.trunkline.core.ingress;

/** One named step of ingress. Called on event loops concurrently; must not block. */
public interface IngressStage {
  /** The stage's name in logs and traces, e.g. {@code cross-connect}. */
  String name();

  Verdict apply(Inbound in);
}
