package org.trunkline.core.ingress;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * A log text given, or made once by a supplier when first asked ({@link Verdict}'s {@code how} and
 * {@code why}: most are never read). Racy but benign: two threads asking at once may each make an
 * equal String, and a String is safely published.
 */
final class LazyText {
  private final String given;
  private final Supplier<String> maker;
  private String made;

  LazyText(String given) {
    this.given = Objects.requireNonNull(given, "text");
    this.maker = null;
  }

  LazyText(Supplier<String> maker) {
    this.given = null;
    this.maker = Objects.requireNonNull(maker, "maker");
  }

  String get() {
    if (given != null) {
      return given;
    }
    String t = made;
    if (t == null) {
      t = Objects.requireNonNull(maker.get(), "text");
      made = t;
    }
    return t;
  }
}
