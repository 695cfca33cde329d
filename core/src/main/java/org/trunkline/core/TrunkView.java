package org.trunkline.core;

import java.time.Instant;
import java.util.List;

/**
 * One trunk as {@code ./trunkline trunks} shows it.
 *
 * @param name the trunk's name
 * @param mode {@code register-in}, {@code register-out}, {@code ip} or {@code cross-connect}
 * @param state one word: {@code up}, {@code down}, {@code registered}, {@code failed}, ...
 * @param reason why, e.g. {@code 403 Forbidden from udp:192.0.2.1:5060}
 * @param since when the state began, or null if it never changed
 * @param reasonAt when the reason last changed, or null if unknown
 * @param endpoints registered contacts (with source and expiry), peers, or registrar
 * @param calls calls in progress on the trunk
 */
public record TrunkView(
    String name,
    String mode,
    String state,
    String reason,
    Instant since,
    Instant reasonAt,
    List<String> endpoints,
    int calls) {}
