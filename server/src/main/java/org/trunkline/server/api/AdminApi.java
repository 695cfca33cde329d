package org.trunkline.server.api;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trunkline.server.StartupException;
import org.trunkline.server.TrunklineServer;
import org.trunkline.server.config.ApiConfig;
import org.trunkline.server.config.TrunklineConfig;

/**
 * The admin side of a running server: the {@link Reloader} (used by the HTTP API and SIGHUP) and,
 * unless {@code api.enabled} is false, the HTTP API on its own virtual threads.
 *
 * <p>Started by {@link TrunklineServer#start} once SIP is up; {@link #close} is idempotent.
 */
public final class AdminApi implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AdminApi.class);

  private final Reloader reloader;
  private final HttpServer http;
  private final ExecutorService executor;
  private final String url;

  private AdminApi(Reloader reloader, HttpServer http, ExecutorService executor, String url) {
    this.reloader = reloader;
    this.http = http;
    this.executor = executor;
    this.url = url;
  }

  /**
   * Binds the API (if enabled) to the configured address only.
   *
   * @throws StartupException one line naming the address that could not be bound
   */
  public static AdminApi start(TrunklineConfig config, TrunklineServer server)
      throws StartupException {
    Reloader reloader = new Reloader(config, server.core());
    ApiConfig api = config.api();
    if (!api.enabled()) {
      log.info("admin API disabled (api.enabled: false)");
      return new AdminApi(reloader, null, null, null);
    }
    ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    HttpServer http;
    try {
      http =
          HttpServer.create(
              new InetSocketAddress(InetAddress.getByName(api.address()), api.port()), 0);
    } catch (IOException e) {
      executor.shutdownNow();
      String why = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
      throw new StartupException("cannot bind API " + api.url() + ": " + why, e);
    }
    http.setExecutor(executor);
    http.createContext(
        "/",
        new ApiHandler(
            server.core(),
            server.sip()::snapshot,
            reloader,
            server.database().cdrStore()::find,
            server.traces()));
    http.start();
    String url = ApiConfig.url(api.address(), http.getAddress().getPort());
    log.info("admin API on {}", url);
    return new AdminApi(reloader, http, executor, url);
  }

  /** Reloads the config file the server was started with. */
  public ReloadResult reload() {
    return reloader.reload();
  }

  /** {@code http://ADDRESS:PORT} as bound (the chosen port when the config asked for 0). */
  public Optional<String> url() {
    return Optional.ofNullable(url);
  }

  @Override
  public synchronized void close() {
    if (http != null && !executor.isShutdown()) {
      http.stop(0);
      executor.shutdownNow();
    }
  }
}
