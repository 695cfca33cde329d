package org.trunkline.server.config;

import java.util.Objects;

/**
 * The {@code api:} section: where the admin HTTP API listens.
 *
 * @param enabled false when the file says {@code enabled: false}; then nothing listens
 * @param address the local address to bind, an IP literal or a host name, as written
 * @param port 1..65535, or 0 for any free port
 */
public record ApiConfig(boolean enabled, String address, int port) {
  public static final String DEFAULT_ADDRESS = "127.0.0.1";
  public static final int DEFAULT_PORT = 8060;

  /** No API: what configs built in code get unless they ask for one. */
  public static final ApiConfig DISABLED = new ApiConfig(false, DEFAULT_ADDRESS, DEFAULT_PORT);

  public ApiConfig {
    Objects.requireNonNull(address, "address");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("api port out of range: " + port);
    }
  }

  /** What a config file without an {@code api} section gets: 127.0.0.1:8060. */
  public static ApiConfig defaults() {
    return new ApiConfig(true, DEFAULT_ADDRESS, DEFAULT_PORT);
  }

  /** {@code http://ADDRESS:PORT} as configured (IPv6 in brackets). */
  public String url() {
    return url(address, port);
  }

  /** {@code http://HOST:PORT}, with an IPv6 literal in brackets. */
  public static String url(String host, int port) {
    return "http://" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }
}
