package org.trunkline.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trunkline.server.Version;

/** Runs the command line in-process, as {@code Main} does, minus {@code System.exit}. */
class TrunklineCommandTest {
  @TempDir Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    Clock clock = Clock.fixed(Instant.parse("2026-11-27T08:00:00Z"), ZoneOffset.UTC);
    return TrunklineCommand.commandLine(new PrintWriter(out), new PrintWriter(err), clock)
        .execute(args);
  }

  private Path file(String name, String text) throws Exception {
    return Files.writeString(dir.resolve(name), text);
  }

  @Test
  void checkAcceptsAValidConfig() throws Exception {
    Path config =
        file(
            "ok.yaml",
            """
            listen:
              - {transport: udp, address: 127.0.0.1}
              - {transport: tcp, address: 127.0.0.1}
            database: {url: "jdbc:h2:mem:x;PASSWORD=secret"}
            """);

    assertThat(run("check", "--config", config.toString())).isZero();
    assertThat(out.toString())
        .isEqualTo(config + ": ok (2 listen points, database jdbc:h2:mem:x;PASSWORD=***)\n");
    assertThat(err.toString()).isEmpty();
  }

  @Test
  void checkTakesTheFileAsAnArgumentToo() throws Exception {
    Path good = file("one.yaml", "listen: [{transport: udp, address: 127.0.0.1}]\n");
    Path bad = file("bad.yaml", "listen: [{transport: udp, address: 127.0.0.1, port: 70000}]\n");

    assertThat(run("check", good.toString())).isZero();
    assertThat(out.toString()).startsWith(good + ": ok (1 listen point");
    assertThat(run("check", bad.toString())).isEqualTo(1);
    assertThat(err.toString()).startsWith(bad + ":1: listen[0].port: ");
  }

  @Test
  void checkRefusesTwoDifferentFiles() throws Exception {
    Path a = file("a.yaml", "listen: [{transport: udp, address: 127.0.0.1}]\n");
    Path b = file("b.yaml", "listen: [{transport: udp, address: 127.0.0.1}]\n");

    assertThat(run("check", a.toString(), "--config", b.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("two config files given");
  }

  @Test
  void checkSaysListenPointInTheSingular() throws Exception {
    Path config = file("one.yaml", "listen: [{transport: udp, address: 127.0.0.1}]\n");

    assertThat(run("check", "-c", config.toString())).isZero();
    assertThat(out.toString())
        .isEqualTo(config + ": ok (1 listen point, database jdbc:h2:file:./data/trunkline)\n");
  }

  @Test
  void checkRejectsABadConfigWithEveryProblemOnStderr() throws Exception {
    Path config =
        file(
            "bad.yaml",
            """
            listen:
              - {transport: sctp, address: 127.0.0.1}
              - {transport: udp, address: 127.0.0.1, port: 70000}
            """);

    assertThat(run("check", "--config", config.toString())).isEqualTo(1);
    assertThat(err.toString())
        .isEqualTo(
            config
                + ":2: listen[0].transport: must be udp, tcp or tls, got sctp\n"
                + config
                + ":3: listen[1].port: must be 1..65535 (or 0 for any free port), got 70000\n");
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void checkReadsConfTrunklineYamlByDefault() {
    // Surefire runs in the server module, which has no conf/ directory.
    assertThat(run("check")).isEqualTo(1);
    assertThat(err.toString()).isEqualTo("conf/trunkline.yaml: cannot read: no such file\n");
  }

  @Test
  void runRejectsABadConfigBeforeOpeningAnything() throws Exception {
    Path config = file("bad.yaml", "listen: []\n");

    assertThat(run("run", "--config", config.toString())).isEqualTo(1);
    assertThat(err.toString())
        .isEqualTo(config + ":1: listen: must have at least one listen point\n");
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void runNamesTheDatabaseThatCannotOpen() throws Exception {
    Files.writeString(dir.resolve("data"), "a file where the directory should be");
    Path config =
        file(
            "db.yaml",
            "listen: [{transport: udp, address: 127.0.0.1}]\n"
                + "database: {url: \"jdbc:h2:file:"
                + dir.resolve("data/nested/trunkline")
                + "\"}\n");

    assertThat(run("run", "--config", config.toString())).isEqualTo(1);
    assertThat(err.toString())
        .startsWith("cannot create database directory " + dir.resolve("data/nested") + ": ")
        .hasLineCount(1);
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void printsTheVersion() {
    assertThat(run("--version")).isZero();
    assertThat(Version.current()).matches("\\d+\\.\\d+\\.\\d+(-SNAPSHOT)?");
    assertThat(out.toString()).isEqualTo("trunkline " + Version.current() + "\n");
  }

  @Test
  void helpListsTheSubcommandsAndTheirConfigOption() {
    assertThat(run("--help")).isZero();
    assertThat(out.toString()).contains("run ", "check ");

    out.getBuffer().setLength(0);
    assertThat(run("help", "run")).isZero();
    assertThat(out.toString()).contains("--config=FILE", "default: conf/trunkline.yaml");
  }

  @Test
  void usageMistakesExitWithTwo() {
    assertThat(run()).isEqualTo(2);
    assertThat(err.toString())
        .startsWith("Missing required subcommand: run, check, trunks, cdr, trace or reload");

    err.getBuffer().setLength(0);
    assertThat(run("check", "--bogus")).isEqualTo(2);
    assertThat(err.toString()).startsWith("Unknown option: '--bogus'");
  }
}
