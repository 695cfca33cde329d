package org.trunkline.server.api;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.trunkline.server.TrunklineServer;
import org.trunkline.server.config.ConfigLoader;

/**
 * A {@link TrunklineServer} started in-process from a config file in a temp directory: SIP on a
 * free UDP port, the API on a free port, H2 in the directory. For tests; close it.
 */
public final class RunningServer implements AutoCloseable {
  /** The head of every test config; {@code %s} is the directory. */
  public static final String HEAD =
      """
      listen:
        - {name: public, transport: udp, address: 127.0.0.1, port: 0}
      database: {url: "jdbc:h2:file:%s/db"}
      api: {port: 0}
      """;

  public final Path file;
  public final TrunklineServer server;
  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private RunningServer(Path file, TrunklineServer server) {
    this.file = file;
    this.server = server;
  }

  /** Writes {@link #HEAD} plus {@code rest} to {@code dir/trunkline.yaml} and starts from it. */
  public static RunningServer start(Path dir, String rest) throws Exception {
    Path file = dir.resolve("trunkline.yaml");
    Files.writeString(file, head(dir) + rest);
    return new RunningServer(
        file, TrunklineServer.start(ConfigLoader.load(file), Clock.systemUTC()));
  }

  public static String head(Path dir) {
    return HEAD.formatted(dir.toAbsolutePath());
  }

  /** The config file's text is replaced by {@link #HEAD} plus {@code rest}. */
  public void rewrite(String rest) throws Exception {
    Files.writeString(file, head(file.getParent()) + rest);
  }

  public String url() {
    return server.admin().url().orElseThrow();
  }

  public HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  public HttpResponse<String> post(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url() + path))
            .POST(HttpRequest.BodyPublishers.noBody())
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Override
  public void close() {
    http.close();
    server.close();
  }
}
