package org.trunkline.stack.auth;

import java.util.Map;
import java.util.Optional;

/**
 * The server's user database for one realm. Called on the thread that verifies (an event loop):
 * implementations answer from memory and must not block; a database-backed one caches.
 */
@FunctionalInterface
public interface CredentialLookup {
  /** The secret of {@code username} in {@code realm}, or empty for an unknown user. */
  Optional<UserSecret> find(String realm, String username);

  /**
   * {@link #find} as the secret or null: what {@link DigestChallenger} asks once per check. A
   * lookup that holds its users in memory overrides it to answer without an {@code Optional}.
   */
  default UserSecret secret(String realm, String username) {
    return find(realm, username).orElse(null);
  }

  /** A fixed map of user name to secret, for any realm. */
  static CredentialLookup of(Map<String, UserSecret> users) {
    Map<String, UserSecret> copy = Map.copyOf(users);
    return (realm, username) -> Optional.ofNullable(copy.get(username));
  }
}
