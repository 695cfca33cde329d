package org.trunkline.media;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

/**
 * The epoll relay socket's receive buffers: one datagram per read until a read finds a backlog
 * (Netty then reads with recvmmsg), and back to one once a batch read finds at most one.
 */
class BacklogReadsTest {
  private static final int ONE = MediaRelay.MAX_DATAGRAM;
  private static final int BATCH = MediaRelay.MAX_DATAGRAM * MediaRelay.READ_BATCH;

  private final RecvByteBufAllocator.Handle h = new MediaRelay.BacklogReads().newHandle();
  private final EmbeddedChannel ch = new EmbeddedChannel();

  /** One read of a wake-up, as Netty's epoll datagram channel reports it, and the next guess. */
  private int read(int bytes) {
    h.reset(ch.config());
    h.lastBytesRead(bytes);
    h.incMessagesRead(bytes > 0 ? Math.max(1, bytes / ONE) : 0);
    h.readComplete();
    return h.guess();
  }

  @Test
  void singleReadsProbeForABacklogEveryFewReads() {
    assertThat(h.guess()).isEqualTo(ONE);
    for (int i = 1; i < MediaRelay.PROBE_EVERY; i++) {
      assertThat(read(172)).as("guess after single read %d", i).isEqualTo(ONE);
    }
    assertThat(read(172)).as("the probe").isEqualTo(BATCH);
    assertThat(read(ONE)).as("a probe that got one datagram").isEqualTo(ONE);
    for (int i = 1; i < MediaRelay.PROBE_EVERY; i++) {
      assertThat(read(-1)).as("an empty single read counts too").isEqualTo(ONE);
    }
    assertThat(read(172)).isEqualTo(BATCH);
  }

  @Test
  void batchReadsWhileABacklogLastsThenSingleAgain() {
    for (int i = 0; i < MediaRelay.PROBE_EVERY; i++) {
      read(172);
    }
    assertThat(h.guess()).isEqualTo(BATCH);
    assertThat(read(3 * ONE)).as("3 datagrams").isEqualTo(BATCH);
    assertThat(read(BATCH)).as("a full batch").isEqualTo(BATCH);
    assertThat(read(2 * ONE)).isEqualTo(BATCH);
    assertThat(read(ONE)).as("one datagram: the backlog is gone").isEqualTo(ONE);
    read(2 * ONE); // a single read's length is at most one datagram: no switch on it
    assertThat(h.guess()).isEqualTo(ONE);
  }

  @Test
  void anEmptyBatchReadEndsTheBatch() {
    for (int i = 0; i < MediaRelay.PROBE_EVERY; i++) {
      read(172);
    }
    assertThat(read(-1)).isEqualTo(ONE);
  }
}
