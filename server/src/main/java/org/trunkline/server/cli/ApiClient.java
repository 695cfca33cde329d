package org.trunkline.server.cli;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.trunkline.server.api.Json;
import org.trunkline.server.config.ApiConfig;
import org.trunkline.server.config.ConfigException;
import org.trunkline.server.config.ConfigLoader;

/**
 * How {@code trunks} and {@code reload} reach the running server: the {@code api} section of the
 * config file names the address. Every way of not getting an answer becomes one line and an exit
 * code ({@link Failure}).
 */
final class ApiClient {
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(30);

  /** An answer: its HTTP status and its JSON, raw and parsed. */
  record Reply(int status, String body, Object json) {
    /** The JSON object's member {@code key}, or null. */
    Object get(String key) {
      return json instanceof Map<?, ?> m ? m.get(key) : null;
    }
  }

  /** No usable answer; the message is the one line to print. */
  static final class Failure extends Exception {
    private static final long serialVersionUID = 1L;
    private final int exitCode;

    Failure(String message, int exitCode) {
      super(message);
      this.exitCode = exitCode;
    }

    int exitCode() {
      return exitCode;
    }
  }

  private final String url;

  private ApiClient(String url) {
    this.url = url;
  }

  /**
   * The client for {@code api} if given, else for the API that {@code file} configures (only its
   * {@code api} section is read).
   */
  static ApiClient forConfig(Path file, String api) throws Failure {
    if (api != null) {
      String url = api.replaceAll("/+$", "");
      try {
        URI uri = new URI(url);
        if ("http".equals(uri.getScheme()) && uri.getHost() != null && uri.getPath().isEmpty()) {
          return new ApiClient(url);
        }
      } catch (URISyntaxException e) {
        // reported below
      }
      throw new Failure(
          "--api: must be a URL like http://127.0.0.1:8060, got " + api,
          TrunklineCommand.EXIT_NO_SERVER);
    }
    return forConfig(file);
  }

  private static ApiClient forConfig(Path file) throws Failure {
    ApiConfig api;
    try {
      api = ConfigLoader.loadApi(file);
    } catch (ConfigException e) {
      throw new Failure(e.getMessage(), TrunklineCommand.EXIT_FAILED);
    }
    if (!api.enabled()) {
      throw new Failure(
          "the API is off in " + file + " (api.enabled: false): trunkline cannot reach the server",
          TrunklineCommand.EXIT_NO_SERVER);
    }
    if (api.port() == 0) {
      throw new Failure(
          file + ": api.port is 0 (any free port): name the server's API with --api URL",
          TrunklineCommand.EXIT_NO_SERVER);
    }
    return new ApiClient(ApiConfig.url(connectable(api.address()), api.port()));
  }

  /** A server bound to every interface is reached over loopback. */
  private static String connectable(String address) {
    return switch (address) {
      case "0.0.0.0" -> "127.0.0.1";
      case "::", "0:0:0:0:0:0:0:0" -> "::1";
      default -> address;
    };
  }

  String url() {
    return url;
  }

  Reply get(String path) throws Failure {
    return send(HttpRequest.newBuilder(URI.create(url + path)).GET());
  }

  Reply post(String path) throws Failure {
    return send(
        HttpRequest.newBuilder(URI.create(url + path)).POST(HttpRequest.BodyPublishers.noBody()));
  }

  private Reply send(HttpRequest.Builder request) throws Failure {
    HttpResponse<String> response;
    try (HttpClient client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(CONNECT_TIMEOUT)
            .build()) {
      response =
          client.send(
              request.timeout(ANSWER_TIMEOUT).header("Accept", "application/json").build(),
              HttpResponse.BodyHandlers.ofString());
    } catch (ConnectException e) {
      throw new Failure(
          "no Trunkline running at " + url + " (connection refused); start it with ./trunkline run",
          TrunklineCommand.EXIT_NO_SERVER);
    } catch (HttpConnectTimeoutException e) {
      throw new Failure(
          "no Trunkline reachable at "
              + url
              + " (no connection within "
              + CONNECT_TIMEOUT.toSeconds()
              + " s)",
          TrunklineCommand.EXIT_NO_SERVER);
    } catch (HttpTimeoutException e) {
      throw new Failure(
          "Trunkline at " + url + " did not answer within " + ANSWER_TIMEOUT.toSeconds() + " s",
          TrunklineCommand.EXIT_NO_SERVER);
    } catch (IOException e) {
      throw new Failure(
          "no Trunkline answering at " + url + " (" + describe(e) + ")",
          TrunklineCommand.EXIT_NO_SERVER);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Failure("interrupted", TrunklineCommand.EXIT_FAILED);
    }
    Object json;
    try {
      json = Json.parse(response.body());
    } catch (IllegalArgumentException e) {
      throw new Failure(
          "something at "
              + url
              + " answered HTTP "
              + response.statusCode()
              + ", but not as Trunkline's API does (not JSON)",
          TrunklineCommand.EXIT_NO_SERVER);
    }
    return new Reply(response.statusCode(), response.body(), json);
  }

  private static String describe(IOException e) {
    String message = e.getMessage();
    if (message == null || message.isBlank()) {
      return e.getClass().getSimpleName();
    }
    return message;
  }
}
