package org.trunkline.stack.auth;

import java.util.Map;
import java.util.Optional;

/** Which credential answers a realm's challenge (a trunk usually has one for any realm). */
@FunctionalInterface
public interface ClientCredentials {
  /** The credential for {@code realm}, or empty if we have none (then we give up). */
  Optional<ClientCredential> forRealm(String realm);

  /** One credential for every realm. */
  static ClientCredentials of(String username, String password) {
    ClientCredential c = new ClientCredential(username, password);
    return realm -> Optional.of(c);
  }

  /** One credential per realm; other realms are not answered. */
  static ClientCredentials perRealm(Map<String, ClientCredential> byRealm) {
    Map<String, ClientCredential> copy = Map.copyOf(byRealm);
    return realm -> Optional.ofNullable(copy.get(realm));
  }
}
