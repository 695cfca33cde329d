package org.trunkline.media;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Which codecs an offer sent to a trunk may carry, and in which order: applied to every offer the
 * relay writes for that leg (answers only ever narrow what was offered). Names are encoding names
 * as in {@code a=rtpmap} ({@code PCMU}, {@code telephone-event}), compared ignoring case.
 * Immutable.
 *
 * @param remove encodings taken out of every offer
 * @param allow if not empty, the only encodings kept (list {@code telephone-event} to keep DTMF)
 * @param prefer encodings moved to the front of the {@code m=} line in this order; the others keep
 *     their order behind them
 */
public record CodecPolicy(List<String> remove, List<String> allow, List<String> prefer) {

  /** Everything offered goes through unchanged. */
  public static final CodecPolicy ANY = new CodecPolicy(List.of(), List.of(), List.of());

  public CodecPolicy {
    remove = lower(remove, "remove");
    allow = lower(allow, "allow");
    prefer = lower(prefer, "prefer");
  }

  private static List<String> lower(List<String> names, String what) {
    Objects.requireNonNull(names, what);
    return names.stream().map(n -> n.toLowerCase(Locale.ROOT)).toList();
  }

  /** Whether an encoding may be offered. */
  boolean admits(String encoding) {
    String e = encoding.toLowerCase(Locale.ROOT);
    return !remove.contains(e) && (allow.isEmpty() || allow.contains(e));
  }

  /** The rank of an encoding: its place in {@link #prefer}, else after all of them. */
  int rank(String encoding) {
    int i = prefer.indexOf(encoding.toLowerCase(Locale.ROOT));
    return i < 0 ? prefer.size() : i;
  }

  /** True when nothing is filtered or reordered. */
  boolean isAny() {
    return remove.isEmpty() && allow.isEmpty() && prefer.isEmpty();
  }
}
