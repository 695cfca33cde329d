package org.trunkline.stack;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.AdaptiveByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The received datagram's bytes as {@link UdpInbound#copy} takes them out of the buffer Netty read
 * it into: the same bytes as {@code getBytes}, from every kind of buffer and from a slice at any
 * offset (the epoll channel reads several datagrams into one buffer and slices it).
 */
class UdpInboundCopyTest {
  @ParameterizedTest
  @ValueSource(strings = {"adaptive-direct", "pooled-direct", "unpooled-direct", "heap"})
  void aSliceAtAnyOffsetGivesItsBytes(String kind) {
    ByteBufAllocator alloc =
        switch (kind) {
          case "adaptive-direct" -> new AdaptiveByteBufAllocator();
          case "pooled-direct" -> PooledByteBufAllocator.DEFAULT;
          default -> UnpooledByteBufAllocator.DEFAULT;
        };
    Random rnd = new Random(18);
    byte[] all = new byte[8192];
    rnd.nextBytes(all);
    ByteBuf whole = kind.equals("heap") ? alloc.heapBuffer(8192) : alloc.directBuffer(8192);
    whole.writeBytes(all);
    try {
      for (int i = 0; i < 200; i++) {
        int from = rnd.nextInt(8000);
        int n = rnd.nextInt(all.length - from);
        ByteBuf slice = whole.retainedSlice(from, n);
        int skip = n > 0 ? rnd.nextInt(Math.min(n, 3) + 1) : 0;
        slice.skipBytes(skip); // a reader index past the slice's start
        // the copy reads the buffer's internal view: a second copy of the same slice must agree
        byte[] first = UdpInbound.copy(slice);
        byte[] second = UdpInbound.copy(slice);
        slice.release();
        assertThat(first).isEqualTo(java.util.Arrays.copyOfRange(all, from + skip, from + n));
        assertThat(second).isEqualTo(first);
      }
    } finally {
      whole.release();
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 7})
  void aCompositeBufferIsCopiedToo(int skip) {
    CompositeByteBuf c = Unpooled.compositeBuffer();
    c.addComponents(
        true,
        Unpooled.wrappedBuffer("INVITE sip:".getBytes()),
        Unpooled.wrappedBuffer("a@b SIP/2.0\r\n".getBytes()));
    c.skipBytes(skip);
    try {
      assertThat(new String(UdpInbound.copy(c)))
          .isEqualTo("INVITE sip:a@b SIP/2.0\r\n".substring(skip));
    } finally {
      c.release();
    }
  }
}
