package org.trunkline.server.cli;

import java.io.PrintWriter;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trunkline.server.StartupException;
import org.trunkline.server.TrunklineServer;
import org.trunkline.server.config.TrunklineConfig;
import org.trunkline.server.warmup.Warmup;
import org.trunkline.stack.ListenPoint;
import org.trunkline.stack.transaction.TransactionConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code trunkline run}: starts the server and blocks until the JVM shuts down (SIGTERM, Ctrl-C),
 * when a shutdown hook stops it cleanly.
 */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Start the server. Stop it with Ctrl-C or SIGTERM.",
      "First a warm-up (the config's 'warmup' section, on by default) runs registrations and calls",
      "through a throwaway server on 127.0.0.1, so the real traffic starts on compiled code.",
      "Prints 'warming up ...', 'listening on <listen point>' per socket, 'api on <url>', then",
      "'trunkline ready'.",
      "SIGHUP reloads the trunks from the config file, as 'trunkline reload' does."
    })
final class RunCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(RunCommand.class);

  private final Clock clock;

  @Spec CommandSpec spec;
  @Mixin ConfigOption config = new ConfigOption();

  RunCommand(Clock clock) {
    this.clock = clock;
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Optional<TrunklineConfig> loaded = config.load(err);
    if (loaded.isEmpty()) {
      return TrunklineCommand.EXIT_FAILED;
    }
    TrunklineConfig settings = loaded.get();
    TrunklineServer server;
    try {
      // Once the database is open and before the listen points are: the JIT compiles the
      // server's code on throwaway traffic.
      server =
          TrunklineServer.start(
              settings,
              clock,
              TransactionConfig.DEFAULT,
              () -> {
                if (settings.warmup().enabled()) {
                  out.println(
                      "warming up (at most "
                          + settings.warmup().maxTime().toSeconds()
                          + " s; warmup: {enabled: false} in the config skips it)");
                  out.flush();
                }
                Warmup.run(settings);
              });
    } catch (StartupException e) {
      log.debug("start failed", e);
      err.println(e.getMessage());
      err.flush();
      return TrunklineCommand.EXIT_FAILED;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close();
                  out.println("trunkline stopped");
                  out.flush();
                  stopped.countDown();
                },
                "trunkline-shutdown"));
    for (ListenPoint point : server.listening()) {
      out.println("listening on " + point);
    }
    server.admin().url().ifPresent(url -> out.println("api on " + url));
    Hangup.reloadOnHangup(server.admin());
    out.println("trunkline ready");
    out.flush();
    awaitUninterruptibly(stopped);
    return 0;
  }

  private static void awaitUninterruptibly(CountDownLatch latch) {
    boolean interrupted = false;
    while (true) {
      try {
        latch.await();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
