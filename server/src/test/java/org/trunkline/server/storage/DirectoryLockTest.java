package org.trunkline.server.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectoryLockTest {
  @TempDir Path dir;

  @Test
  void aSecondHolderIsRefusedWithTheDirectoryNamedUntilTheFirstLetsGo() throws Exception {
    DirectoryLock first = DirectoryLock.acquire(dir, "traces.path");
    assertThatThrownBy(() -> DirectoryLock.acquire(dir, "traces.path"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("traces.path " + dir.toAbsolutePath())
        .hasMessageContaining("in use by another Trunkline server")
        .hasMessageEndingWith("give each server its own traces.path");
    first.close();

    try (DirectoryLock again = DirectoryLock.acquire(dir, "traces.path")) {
      assertThat(dir.resolve(DirectoryLock.FILE)).exists();
    }
  }
}
