package org.trunkline.server.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class H2FilesTest {
  private static final Path CWD = Path.of("").toAbsolutePath();

  @Test
  void findsTheDirectoryOfAFileUrl() {
    assertThat(H2Files.directory("jdbc:h2:file:./data/trunkline")).contains(CWD.resolve("data"));
    assertThat(H2Files.directory("jdbc:h2:./data/trunkline;MODE=PostgreSQL"))
        .contains(CWD.resolve("data"));
    assertThat(H2Files.directory("jdbc:h2:file:/var/lib/trunkline/db;AUTO_SERVER=TRUE"))
        .contains(Path.of("/var/lib/trunkline"));
    assertThat(H2Files.directory("jdbc:h2:~/trunkline/db"))
        .contains(Path.of(System.getProperty("user.home"), "trunkline"));
  }

  @Test
  void ignoresUrlsWithoutALocalFile() {
    assertThat(H2Files.directory("jdbc:h2:mem:test;DB_CLOSE_DELAY=-1")).isEmpty();
    assertThat(H2Files.directory("jdbc:h2:tcp://db.example.com/trunkline")).isEmpty();
    assertThat(H2Files.directory("jdbc:postgresql://db.example.com/trunkline")).isEmpty();
  }
}
