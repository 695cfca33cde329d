package org.trunkline.core.trace;

import java.net.InetSocketAddress;
import org.trunkline.stack.TraceTap;
import org.trunkline.stack.Transport;

/**
 * One SIP message as the trace tap saw it (issue 7): its exact bytes, which way it went, the
 * transport and both addresses, when, and the id of the call or trunk trace it belongs to.
 *
 * @param epochMicros when it was received or handed to the socket, microseconds since the epoch
 * @param direction {@code IN} when we received it, {@code OUT} when we sent it
 * @param transport UDP, TCP or TLS
 * @param local our socket's address
 * @param remote the peer's address
 * @param bytes the message exactly as on the wire (never changed after construction)
 * @param correlationId the call id (the CDR id) or the trunk trace id it belongs to, or "" when not
 *     known (yet)
 */
public record TracedMessage(
    long epochMicros,
    TraceTap.Direction direction,
    Transport transport,
    InetSocketAddress local,
    InetSocketAddress remote,
    byte[] bytes,
    String correlationId) {}
