package org.trunkline.core.registrar;

import java.net.InetSocketAddress;
import java.util.Objects;
import org.trunkline.stack.Transport;

/**
 * One registered contact of a {@code register-in} trunk (RFC 3261 §10.3), with where the REGISTER
 * came from: calls to the trunk go to that source (NAT), over the same connection for TCP/TLS.
 * Immutable; a refresh makes a new one.
 *
 * @param trunk the trunk's name
 * @param contact the Contact URI as the PBX wrote it
 * @param expiresAt when it lapses, epoch milliseconds
 * @param transport the transport the REGISTER came over
 * @param source the address it came from (after NAT)
 * @param listenPoint the name of our listen point it arrived on, or null
 * @param callId the REGISTER's Call-ID
 * @param cseq its CSeq number
 * @param userAgent its User-Agent, or ""
 * @param registeredAt when this binding was first made, epoch milliseconds
 */
public record Binding(
    String trunk,
    String contact,
    long expiresAt,
    Transport transport,
    InetSocketAddress source,
    String listenPoint,
    String callId,
    long cseq,
    String userAgent,
    long registeredAt) {
  public Binding {
    Objects.requireNonNull(trunk, "trunk");
    Objects.requireNonNull(contact, "contact");
    Objects.requireNonNull(transport, "transport");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(callId, "callId");
    userAgent = userAgent == null ? "" : userAgent;
  }

  /** Seconds left at {@code nowMillis}, never negative. */
  public long secondsLeft(long nowMillis) {
    return Math.max(0, (expiresAt - nowMillis + 999) / 1000);
  }
}
