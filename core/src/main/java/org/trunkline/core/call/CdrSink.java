package org.trunkline.core.call;

/**
 * Where ended calls' records go (ARCHITECTURE.md, Storage: core owns the interface, server writes
 * it to the database). Called on event loops: must not block (queue the write).
 */
@FunctionalInterface
public interface CdrSink {
  void write(Cdr cdr);

  /** Keeps CDRs in memory only. */
  CdrSink NONE = cdr -> {};
}
