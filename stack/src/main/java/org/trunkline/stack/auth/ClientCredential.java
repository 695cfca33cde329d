package org.trunkline.stack.auth;

import java.util.Objects;

/** A user name and password to answer challenges with. {@link #toString()} hides the password. */
public record ClientCredential(String username, String password) {
  public ClientCredential {
    Objects.requireNonNull(username, "username");
    Objects.requireNonNull(password, "password");
    // they end up inside a quoted-string of a header line (username) or its hash (password)
    if (username.isEmpty() || username.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      throw new IllegalArgumentException(
          "username: must be non-empty without control characters, got '" + username + "'");
    }
  }

  @Override
  public String toString() {
    return "ClientCredential[" + username + "]";
  }
}
