package org.trunkline.sip;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.trunkline.sip.StreamFramer.Frame;
import org.trunkline.sip.StreamFramer.Kind;

/**
 * What the TCP decoder will do, in a few lines: a growing byte buffer, {@link StreamFramer} to find
 * what is at its front, {@link SipParser#parseFramed} for each message. Records what came out, and
 * checks the framer's answer on every call.
 */
final class StreamReader {
  /** One thing read from the stream. */
  sealed interface Event {}

  /** A framed message: its bytes and the parse of them. */
  record Message(byte[] bytes, SipMessage message) implements Event {
    @Override
    public String toString() {
      return "Message[" + message + "]";
    }
  }

  /** A keep-alive: PING (CRLFCRLF) or PONG (CRLF or a stray line end), with its length. */
  record KeepAlive(Kind kind, int length) implements Event {}

  /** The stream cannot go on: TOO_LARGE or BAD_FRAMING, with the bytes left unread. */
  record Closed(Kind kind, int unread) implements Event {}

  private final StreamFramer framer;
  private final SipParser parser;
  private final int maxMessageBytes;
  private final List<Event> events = new ArrayList<>();
  private byte[] buf = new byte[16];
  private int len;
  private boolean closed;

  StreamReader(ParseLimits limits) {
    this.framer = new StreamFramer(limits);
    this.parser = new SipParser(limits);
    this.maxMessageBytes = limits.maxMessageBytes();
  }

  StreamReader() {
    this(ParseLimits.DEFAULT);
  }

  /** Appends {@code n} bytes as they arrived, then reads every whole frame in the buffer. */
  StreamReader feed(byte[] b, int off, int n) {
    if (closed) {
      return this;
    }
    if (len + n > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
    }
    System.arraycopy(b, off, buf, len, n);
    len += n;
    drain();
    return this;
  }

  StreamReader feed(byte[] b) {
    return feed(b, 0, b.length);
  }

  List<Event> events() {
    return events;
  }

  /** Bytes received but not yet framed. */
  int buffered() {
    return len;
  }

  boolean closed() {
    return closed;
  }

  private void drain() {
    while (!closed) {
      Frame f = framer.frame(buf, 0, len);
      switch (f.kind()) {
        case NEED_MORE -> {
          assertThat(f.length()).isZero();
          return;
        }
        case MESSAGE -> {
          assertThat(f.length()).isBetween(1, Math.min(len, maxMessageBytes));
          byte[] one = Arrays.copyOf(buf, f.length());
          events.add(new Message(one, parser.parseFramed(one, 0, one.length)));
        }
        case PING -> assertThat(f.length()).isEqualTo(4);
        case PONG -> assertThat(f.length()).isBetween(1, 2);
        case TOO_LARGE, BAD_FRAMING -> {
          assertThat(f.length()).isZero();
          events.add(new Closed(f.kind(), len));
          closed = true;
          return;
        }
      }
      if (f.kind() == Kind.PING || f.kind() == Kind.PONG) {
        events.add(new KeepAlive(f.kind(), f.length()));
      }
      System.arraycopy(buf, f.length(), buf, 0, len - f.length());
      len -= f.length();
    }
  }
}
