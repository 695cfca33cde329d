package org.trunkline.media;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A file written at positions on one I/O thread, in the order the writes were handed over. The
 * first failure is logged once and later writes are skipped; {@link #close} then fails.
 */
final class FileSink {
  private static final Logger LOG = LoggerFactory.getLogger(FileSink.class);
  private final Path path;
  private final Executor io;
  private FileChannel file; // I/O thread only
  private IOException failure; // I/O thread only

  FileSink(Path path, Executor io) {
    this.path = path;
    this.io = io;
  }

  Path path() {
    return path;
  }

  /** Writes {@code bytes} (now owned by the sink) at {@code position}. */
  void write(long position, byte[] bytes, int length) {
    io.execute(() -> {
      if (failure != null) {
        return;
      }
      try {
        if (file == null) {
          java.nio.file.Files.createDirectories(path.toAbsolutePath().getParent());
          file =
              FileChannel.open(
                  path,
                  StandardOpenOption.CREATE,
                  StandardOpenOption.WRITE,
                  StandardOpenOption.TRUNCATE_EXISTING);
        }
        ByteBuffer b = ByteBuffer.wrap(bytes, 0, length);
        long at = position;
        while (b.hasRemaining()) {
          at += file.write(b, at);
        }
      } catch (IOException e) {
        failure = e;
        LOG.warn("recording {}: write failed, the rest is lost: {}", path, e.toString());
      }
    });
  }

  /** Closes the file after the writes handed over before. */
  CompletableFuture<Path> close() {
    CompletableFuture<Path> done = new CompletableFuture<>();
    io.execute(() -> {
      try {
        if (file != null) {
          file.close();
        }
        if (failure != null) {
          done.completeExceptionally(failure);
        } else {
          done.complete(path);
        }
      } catch (IOException e) {
        done.completeExceptionally(e);
      }
    });
    return done;
  }
}
