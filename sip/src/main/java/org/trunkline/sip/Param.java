package org.trunkline.sip;

/**
 * One {@code name[=value]} parameter of a URI or header, as written (escapes not decoded).
 *
 * @param name the parameter name as written
 * @param value the value, {@code null} for a flag parameter such as {@code lr}; quotes kept
 */
public record Param(String name, String value) {
  @Override
  public String toString() {
    return value == null ? name : name + "=" + value;
  }
}
