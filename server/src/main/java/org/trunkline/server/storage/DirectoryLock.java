package org.trunkline.server.storage;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive lock on a directory that one server writes alone (the trace segments): a {@code
 * .lock} file in it, locked with the operating system's file lock, so a second server given the
 * same directory fails at start with a clear message instead of racing the first for its files. The
 * lock goes with the process, so a crashed server leaves nothing to clean up.
 */
final class DirectoryLock implements AutoCloseable {
  static final String FILE = ".lock";

  private final FileChannel channel;
  private final FileLock lock;

  private DirectoryLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Locks {@code dir} (which must exist).
   *
   * @param what the config key that named the directory, for the message ({@code traces.path})
   * @throws IOException when another server (or this one) holds it, naming the directory
   */
  static DirectoryLock acquire(Path dir, String what) throws IOException {
    Path file = dir.resolve(FILE);
    FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock l;
    try {
      l = ch.tryLock();
    } catch (OverlappingFileLockException e) {
      l = null; // held in this process already
    } catch (IOException e) {
      ch.close();
      throw e;
    }
    if (l == null) {
      ch.close();
      throw new IOException(
          what
              + " "
              + dir.toAbsolutePath()
              + " is in use by another Trunkline server (it holds "
              + file.getFileName()
              + "); give each server its own "
              + what);
    }
    return new DirectoryLock(ch, l);
  }

  @Override
  public void close() throws IOException {
    try {
      lock.release();
    } finally {
      channel.close();
    }
  }
}
