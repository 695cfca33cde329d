package org.trunkline.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the shaded {@code trunkline.jar} as the launcher does: a separate JVM, real exit codes. */
class TrunklineJarIT {
  private static final Path JAR =
      Path.of(System.getProperty("trunkline.jar", "target/trunkline.jar"));

  @TempDir Path dir;

  record Result(int exitCode, String out, String err) {}

  private Result trunkline(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("--enable-native-access=ALL-UNNAMED");
    command.add("-jar");
    command.add(JAR.toAbsolutePath().toString());
    command.addAll(List.of(args));
    Path out = dir.resolve("stdout.txt");
    Path err = dir.resolve("stderr.txt");
    Process process =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      throw new AssertionError(
          "trunkline "
              + String.join(" ", args)
              + " still running after 60 s; stderr:\n"
              + Files.readString(err));
    }
    return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
  }

  @Test
  void printsItsVersion() throws Exception {
    Result result = trunkline("--version");

    assertThat(result.exitCode()).isZero();
    assertThat(result.out()).isEqualTo("trunkline " + Version.current() + "\n");
  }

  @Test
  void checkAcceptsTheDemoConfig() throws Exception {
    Path demo = Path.of("../conf/trunkline.yaml").toAbsolutePath().normalize();
    Result result = trunkline("check", "--config", demo.toString());

    assertThat(result.err()).isEmpty();
    assertThat(result.out())
        .isEqualTo(demo + ": ok (2 listen points, database jdbc:h2:file:./data/trunkline)\n");
    assertThat(result.exitCode()).isZero();
  }

  @Test
  void checkRejectsABadConfig() throws Exception {
    Files.writeString(
        dir.resolve("bad.yaml"), "lisen:\n  - {transport: sctp, address: 127.0.0.1}\n");

    Result result = trunkline("check", "-c", "bad.yaml");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.out()).isEmpty();
    assertThat(result.err())
        .isEqualTo(
            "bad.yaml:1: unknown key 'lisen' (did you mean 'listen'?)\n"
                + "bad.yaml:1: listen: missing (required)\n");
  }

  @Test
  void runExitsWhenItsConfigIsBad() throws Exception {
    Result result = trunkline("run");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err()).isEqualTo("conf/trunkline.yaml: cannot read: no such file\n");
  }

  @Test
  void runExitsWithOneLineWhenTheDatabaseIsLocked() throws Exception {
    String url = "jdbc:h2:file:" + dir.resolve("data/trunkline");
    Files.writeString(
        dir.resolve("locked.yaml"),
        "listen: [{transport: udp, address: 127.0.0.1, port: 0}]\n"
            + "database: {url: \""
            + url
            + "\"}\n");

    // An embedded H2 database is locked by the process that has it open: this test JVM.
    try (Connection holder = DriverManager.getConnection(url)) {
      Result result = trunkline("run", "--config", "locked.yaml");

      assertThat(result.exitCode()).isEqualTo(1);
      assertThat(result.out()).isEmpty();
      assertThat(result.err().lines().filter(line -> !line.matches("^\\d\\d:\\d\\d:.*")))
          .singleElement()
          .asString()
          .startsWith("cannot open database " + url + ": Database may be already in use");
      assertThat(holder.isValid(1)).isTrue();
    }
  }
}
