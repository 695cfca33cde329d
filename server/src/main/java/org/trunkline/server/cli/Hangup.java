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

  /**
   * Replaces the JVM's default SIGHUP action (shutdown) by a reload; logs if it cannot. A SIGHUP
   * that this process inherited as ignored (started under {@code nohup}, or by a build that was)
   * stays ignored: the JVM then installs no handler and says nothing, so this says it.
   */
  static void reloadOnHangup(AdminApi admin) {
    if (ignoredAtStart(procStatus())) {
      log.warn(
          "SIGHUP is ignored by this process (inherited, e.g. from nohup): it will not reload the"
              + " config; use trunkline reload");
      return;
    }
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

  /** Linux's {@code /proc/self/status}; empty where there is none. */
  private static String procStatus() {
    try {
      return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/self/status"));
    } catch (java.io.IOException | RuntimeException e) {
      return "";
    }
  }

  /** Whether {@code status} (as {@code /proc/PID/status}) has SIGHUP (1) in its ignored set. */
  static boolean ignoredAtStart(String status) {
    for (String line : status.split("\n")) {
      if (line.startsWith("SigIgn:")) {
        return (Long.parseUnsignedLong(line.substring(7).trim(), 16) & 1L) != 0;
      }
    }
    return false;
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
