package org.trunkline.sip;

import java.util.List;

/**
 * A {@code tel:} URI (RFC 3966): a global ({@code +}) or local number with its parameters.
 * Immutable.
 *
 * @param number the number as written, visual separators included
 * @param params the parameters in order ({@code phone-context}, {@code ext}, ...)
 * @param text the whole URI as written
 */
public record TelUri(String number, List<Param> params, String text) implements Uri {
  @Override
  public String scheme() {
    return "tel";
  }

  /** Whether the number is global (starts with {@code +}). */
  public boolean global() {
    return number.startsWith("+");
  }

  /** The number without visual separators ({@code -.()}). */
  public String digits() {
    return number.replaceAll("[-.()]", "");
  }

  @Override
  public String toString() {
    return text;
  }
}
