package org.trunkline.stack.auth;

import java.util.Objects;

/** A user name and password to answer challenges with. {@link #toString()} hides the password. */
public record ClientCredential(String username, String password) {
  public ClientCredential {
    Objects.requireNonNull(username, "username");
    Objects.requireNonNull(password, "password");
  }

  @Override
  public String toString() {
    return "ClientCredential[" + username + "]";
  }
}
