package org.trunkline.server.cli;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trunkline.server.api.AdminApi;
import org.trunkline.server.api.ReloadResult;
import sun.misc.Signal;

/**
 * SIGHUP reloads the config, as {@code trunkline reload} does. The outcome is logged by the
 * reloader; nothing a reload does can stop the server.
 */
final class Hangup {
  private static final Logger log = LoggerFactory.getLogger(Hangup.class);

  private Hangup() {}

  /** Replaces the JVM's default SIGHUP action (shutdown) by a reload; logs if it cannot. */
  static void reloadOnHangup(AdminApi admin) {
    try {
      Signal.handle(
          new Signal("HUP"),
          signal ->
              // Off the signal dispatcher: a reload reads a file and may log at length.
              Thread.ofVirtual().name("reload-on-hup").start(() -> reload(admin)));
    } catch (IllegalArgumentException | UnsupportedOperationException e) {
      // -Xrs, or a platform without SIGHUP
      log.warn("SIGHUP will not reload the config: {}", e.getMessage());
    }
  }

  private static void reload(AdminApi admin) {
    try {
      log.info("SIGHUP: reloading the config");
      if (admin.reload() instanceof ReloadResult.Rejected) {
        log.warn("SIGHUP: reload rejected, see the problems above");
      }
    } catch (RuntimeException e) {
      log.error("SIGHUP: reload failed, the running config stays", e);
    }
  }
}
