package org.trunkline.server.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trunkline.core.TrunkCore;
import org.trunkline.core.trunk.Trunk;
import org.trunkline.core.trunk.TrunkAccess;
import org.trunkline.core.trunk.TrunksConfig;
import org.trunkline.server.config.ConfigException;
import org.trunkline.server.config.ConfigLoader;
import org.trunkline.server.config.ConfigProblem;
import org.trunkline.server.config.ListenConfig;
import org.trunkline.server.config.TrunklineConfig;

/**
 * Re-reads the config file the server was started with and applies its trunks (and ingress policy)
 * through {@link TrunkCore#apply}; a file with problems changes nothing. The listen points,
 * database and API stay as started: a change there is reported as needing a restart.
 *
 * <p>Thread-safe: reloads (HTTP, SIGHUP) run one at a time.
 */
public final class Reloader {
  private static final Logger log = LoggerFactory.getLogger(Reloader.class);

  private final TrunklineConfig started;
  private final TrunkCore core;
  private final Set<String> boundListenNames;
  private TrunksConfig running;

  /**
   * @param started the config the server started with; its trunks are the ones running
   */
  public Reloader(TrunklineConfig started, TrunkCore core) {
    this.started = started;
    this.core = core;
    this.boundListenNames =
        started.listen().stream().map(ListenConfig::name).collect(Collectors.toSet());
    this.running = started.trunks();
  }

  /** Reads the file again and applies it if it is valid; logs the outcome. */
  public synchronized ReloadResult reload() {
    TrunklineConfig next;
    try {
      next = ConfigLoader.load(started.source());
    } catch (ConfigException e) {
      List<String> errors = e.problems().stream().map(ConfigProblem::toString).toList();
      log.warn(
          "reload of {} rejected, the running config stays:\n  {}",
          started.source(),
          String.join("\n  ", errors));
      return new ReloadResult.Rejected(errors);
    }
    List<String> changes = TrunkChanges.between(running, next.trunks());
    if (!changes.isEmpty()) {
      core.apply(next.trunks());
      running = next.trunks();
    }
    List<String> restart = new ArrayList<>();
    if (!next.listen().equals(started.listen())) {
      restart.add("listen");
    }
    if (!next.database().equals(started.database())) {
      restart.add("database");
    }
    if (!next.api().equals(started.api())) {
      restart.add("api");
    }
    if (!next.media().equals(started.media())) {
      restart.add("media");
    }
    List<String> warnings = new ArrayList<>();
    for (Trunk t : next.trunks().trunks()) {
      if (t.access() instanceof TrunkAccess.CrossConnect xc
          && !boundListenNames.contains(xc.listen())) {
        warnings.add(
            "trunk "
                + t.name()
                + ": listen point "
                + xc.listen()
                + " is not bound until a restart; nothing arrives for it until then");
      }
    }
    log.info(
        "reloaded {}: {}{}{}",
        started.source(),
        changes.isEmpty() ? "no trunk changes" : String.join("; ", changes),
        restart.isEmpty() ? "" : "; needs a restart for " + String.join(", ", restart),
        warnings.isEmpty() ? "" : "; " + String.join("; ", warnings));
    return new ReloadResult.Applied(changes, restart, warnings);
  }
}
