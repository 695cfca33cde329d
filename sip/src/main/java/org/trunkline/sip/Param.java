package org.trunkline.sip;

import java.util.List;

/**
 * One {@code name[=value]} parameter of a URI or header, as written (escapes not decoded).
 *
 * @param name the parameter name as written
 * @param value the value, {@code null} for a flag parameter such as {@code lr}; quotes kept
 */
public record Param(String name, String value) {
  /**
   * The unmodifiable list of {@code first}, {@code second}, or of {@code more} when there are more.
   */
  static List<Param> list(Param first, Param second, List<Param> more) {
    if (more != null) {
      return List.copyOf(more);
    }
    if (second != null) {
      return List.of(first, second);
    }
    return first != null ? List.of(first) : List.of();
  }

  /** An unmodifiable copy of a list built while parsing (one or two elements: no array). */
  static List<Param> freeze(List<Param> list) {
    return switch (list.size()) {
      case 0 -> List.of();
      case 1 -> List.of(list.get(0));
      case 2 -> List.of(list.get(0), list.get(1));
      default -> List.copyOf(list);
    };
  }

  @Override
  public String toString() {
    return value == null ? name : name + "=" + value;
  }
}
