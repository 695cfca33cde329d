package org.trunkline.server.config;

import java.util.Objects;
import org.trunkline.stack.Transport;

/**
 * {@code traces: {hep: ...}}: where every traced SIP message is also streamed as HEPv3 (Homer).
 *
 * @param transport {@link Transport#UDP} or {@link Transport#TCP}
 * @param host the collector's IP literal or host name, as written (IPv6 without brackets)
 * @param port the collector's port, 1..65535
 * @param nodeId the capture agent id Homer shows for this server, 0..4294967295
 * @param password the collector's authentication key, or empty for none
 * @param queue how many messages may wait for the sender; more are dropped and counted
 */
public record HepConfig(
    Transport transport, String host, int port, long nodeId, String password, int queue) {
  public static final long DEFAULT_NODE_ID = 2001;
  public static final int DEFAULT_QUEUE = 10_000;

  public HepConfig {
    Objects.requireNonNull(transport, "transport");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(password, "password");
    if (transport == Transport.TLS) {
      throw new IllegalArgumentException("HEP goes over udp or tcp, not tls");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("hep collector port out of range: " + port);
    }
    if (nodeId < 0 || nodeId > 0xffff_ffffL) {
      throw new IllegalArgumentException("hep node-id out of range: " + nodeId);
    }
    if (queue < 1) {
      throw new IllegalArgumentException("hep queue must be >= 1, got " + queue);
    }
  }

  /** {@code udp:127.0.0.1:9060}, {@code tcp:[::1]:9061}: the collector as written in the file. */
  public String collector() {
    return transport.token()
        + ":"
        + (host.indexOf(':') >= 0 ? "[" + host + "]" : host)
        + ":"
        + port;
  }
}
