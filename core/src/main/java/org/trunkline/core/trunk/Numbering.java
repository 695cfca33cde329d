package org.trunkline.core.trunk;

import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A trunk's number rewriting (issue 6, "Numbering"): {@code in} rules turn the numbers of calls
 * from the trunk into our form (E.164 with {@code +}), {@code out} rules turn ours into the trunk's
 * (national, tech prefix, ...). In each list the first rule whose pattern matches the whole number
 * applies; no match leaves the number as it is. Immutable.
 *
 * @param in rules for numbers in calls from the trunk
 * @param out rules for numbers in calls to the trunk
 */
public record Numbering(List<Rule> in, List<Rule> out) {
  /** Numbers pass unchanged. */
  public static final Numbering NONE = new Numbering(List.of(), List.of());

  /**
   * One rewrite: {@code match} must match the whole number; {@code replace} may use {@code $1}...
   *
   * @param match the pattern, as written in the config
   * @param replace the replacement, {@link Matcher#replaceFirst(String)} syntax
   */
  public record Rule(Pattern match, String replace) {
    public Rule {
      Objects.requireNonNull(match, "match");
      Objects.requireNonNull(replace, "replace");
    }

    /** The rewritten number, or null when {@code match} does not match it whole. */
    public String apply(String number) {
      Matcher m = match.matcher(number);
      return m.matches() ? m.replaceFirst(replace) : null;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Rule r
          && r.match.pattern().equals(match.pattern())
          && r.replace.equals(replace);
    }

    @Override
    public int hashCode() {
      return match.pattern().hashCode() * 31 + replace.hashCode();
    }
  }

  public Numbering {
    in = List.copyOf(in);
    out = List.copyOf(out);
  }

  /** {@code number} of a call from the trunk, in our form. */
  public String in(String number) {
    return apply(in, number);
  }

  /** {@code number} of a call to the trunk, in the trunk's form. */
  public String out(String number) {
    return apply(out, number);
  }

  private static String apply(List<Rule> rules, String number) {
    if (number == null) {
      return null;
    }
    for (Rule r : rules) {
      String s = r.apply(number);
      if (s != null) {
        return s;
      }
    }
    return number;
  }
}
