package org.trunkline.stack.auth;

/**
 * One {@code auth-param} of a challenge or credentials header (RFC 3261 §25.1): the name in lower
 * case, the value with quotes and quoted-pair escapes removed, and whether it was quoted.
 */
public record AuthParam(String name, String value, boolean quoted) {}
