package org.trunkline.media;

import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

/**
 * Writes a call's media to a file. Packets are handed over on the session's event loop and copied
 * there; the file is written on the relay's recording thread, never on an event loop.
 */
interface Recorder {
  /** G.711 µ-law, for {@link #packet}'s codec. */
  int PCMU = 0;

  /** G.711 A-law. */
  int PCMA = 8;

  /** Anything else. */
  int OTHER = -1;

  /**
   * A packet as it arrived (before payload type mapping); {@code rtp} is not retained.
   *
   * @param codec {@link #PCMU}, {@link #PCMA} or {@link #OTHER}
   */
  void packet(
      Flow flow,
      int stream,
      ByteBuf rtp,
      int codec,
      long arrivalNanos,
      InetSocketAddress src,
      InetSocketAddress dst);

  /** Writes what is left and closes the file; completes with its path once it is on disk. */
  CompletableFuture<Path> finish();
}
