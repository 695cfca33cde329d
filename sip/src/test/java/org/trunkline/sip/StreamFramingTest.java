package org.trunkline.sip;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.trunkline.sip.StreamFramer.Kind;
import org.trunkline.sip.StreamReader.Closed;
import org.trunkline.sip.StreamReader.Event;
import org.trunkline.sip.StreamReader.KeepAlive;
import org.trunkline.sip.StreamReader.Message;
import org.trunkline.sip.Vectors.Vector;

/**
 * Every torture vector that can travel on a stream (one Content-Length, as long as its body),
 * re-fed through {@link StreamFramer} and {@link SipParser#parseFramed}: in one piece, one byte at
 * a time, in seeded random pieces, and all of them back to back with RFC 5626 CRLFCRLF pings in
 * between. What comes out must be what one-shot datagram parsing gives, nothing lost or doubled.
 */
class StreamFramingTest {
  private static final long[] SEEDS = {1, 7, 42, 4475, 5118, 20260101};
  private static final KeepAlive PING = new KeepAlive(Kind.PING, 4);
  private static final byte[] PING_BYTES = {'\r', '\n', '\r', '\n'};

  /** The vectors that cannot be framed on a stream, and why. */
  private static final List<String> UNFRAMABLE =
      List.of(
          "3.1.2.2-clerr", // Content-Length 9999: waits for more body
          "3.1.2.3-ncl", // Content-Length -999: BAD_FRAMING
          "3.1.2.15-baddn", // no empty line ends the headers: waits
          "3.3.9-mcl01", // Content-Length 13 and 5: BAD_FRAMING
          "3.4.1-inv2543", // no Content-Length: a stream cannot find the body's end
          "4.6-ipv6-in-sdp"); // Content-Length 268 > 251 octets: waits

  static SipMessage datagram(Vector v) {
    return new SipParser().parseDatagram(v.bytes());
  }

  /** One Content-Length header, and as many body octets as it says. */
  static boolean framable(Vector v) {
    SipMessage m = datagram(v);
    return m.headers(HeaderName.CONTENT_LENGTH).size() == 1
        && m.contentLength() >= 0
        && m.bodyLength() == m.contentLength()
        && (m.error() == null || m.error().kind() != ErrorKind.INCOMPLETE);
  }

  static List<Vector> framableVectors() {
    return Vectors.all().stream().filter(StreamFramingTest::framable).toList();
  }

  /** The message as a stream carries it: the datagram up to the end of its Content-Length body. */
  static byte[] wire(Vector v) {
    return datagram(v).toBytes();
  }

  @Test
  void theUnframableVectorsAreKnown() {
    assertThat(Vectors.all().stream().filter(v -> !framable(v)).map(Vector::name))
        .containsExactlyElementsOf(UNFRAMABLE);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("framableVectors")
  void inOnePiece(Vector v) {
    byte[] w = wire(v);
    assertThat(new StreamFramer(ParseLimits.DEFAULT).frame(w, 0, w.length))
        .isEqualTo(new StreamFramer.Frame(Kind.MESSAGE, w.length));
    assertSameMessages(new StreamReader().feed(w), List.of(v));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("framableVectors")
  void oneByteAtATime(Vector v) {
    byte[] w = wire(v);
    StreamReader r = new StreamReader();
    for (int i = 0; i < w.length; i++) {
      assertThat(r.events()).as("a message before its last byte (%d of %d)", i, w.length).isEmpty();
      r.feed(w, i, 1);
    }
    assertSameMessages(r, List.of(v));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("framableVectors")
  void inSeededRandomPieces(Vector v) {
    byte[] w = wire(v);
    for (long seed : SEEDS) {
      assertSameMessages(feedInPieces(w, new Random(seed), 64), List.of(v));
    }
  }

  @Test
  void aPartialBodyNeedsMore() {
    for (Vector v : framableVectors()) {
      byte[] w = wire(v);
      StreamReader r = new StreamReader().feed(w, 0, w.length - 1);
      assertThat(r.events()).as("%s less its last byte", v).isEmpty();
      assertThat(r.buffered()).isEqualTo(w.length - 1);
      r.feed(w, w.length - 1, 1);
      assertThat(r.events()).hasSize(1);
    }
    // RFC 4475 clerr on TCP: "wait for more data"
    byte[] clerr = Vectors.named("clerr").bytes();
    StreamReader r = new StreamReader().feed(clerr);
    assertThat(r.events()).isEmpty();
    assertThat(r.closed()).isFalse();
    assertThat(r.buffered()).isEqualTo(clerr.length);
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 7, 42, 4475, 5118, 20260101})
  void allVectorsBackToBackWithPingsBetween(long seed) {
    List<Vector> vectors = framableVectors();
    ByteArrayOutputStream stream = new ByteArrayOutputStream();
    List<Object> expected = new ArrayList<>();
    stream.writeBytes(PING_BYTES);
    expected.add(PING);
    for (Vector v : vectors) {
      stream.writeBytes(wire(v));
      expected.add(v);
      stream.writeBytes(PING_BYTES);
      expected.add(PING);
    }
    byte[] all = stream.toByteArray();
    StreamReader r = feedInPieces(all, new Random(seed), 512);
    assertThat(r.buffered()).isZero();
    assertThat(r.events()).hasSize(expected.size());
    for (int i = 0; i < expected.size(); i++) {
      Event e = r.events().get(i);
      if (expected.get(i) instanceof Vector v) {
        assertThat(e).as("event %d", i).isInstanceOf(Message.class);
        assertSameMessage((Message) e, v);
      } else {
        assertThat(e).as("event %d", i).isEqualTo(PING);
      }
    }
  }

  @Test
  void allVectorsBackToBackOneByteAtATime() {
    List<Vector> vectors = framableVectors();
    ByteArrayOutputStream stream = new ByteArrayOutputStream();
    for (Vector v : vectors) {
      stream.writeBytes(wire(v));
    }
    byte[] all = stream.toByteArray();
    StreamReader r = new StreamReader();
    for (int i = 0; i < all.length; i++) {
      r.feed(all, i, 1);
    }
    assertSameMessages(r, vectors);
  }

  @Test
  void dblreqOnAStreamIsTwoRequests() {
    // RFC 4475 does not say; over a stream the INVITE octets are framed as a second message
    byte[] b = Vectors.named("dblreq").bytes();
    List<Event> events = new StreamReader().feed(b).events();
    assertThat(events).hasSize(4);
    assertThat(((Message) events.get(0)).message().method()).isSameAs(SipMethod.REGISTER);
    assertThat(events.get(1)).isEqualTo(new KeepAlive(Kind.PONG, 2));
    SipMessage invite = ((Message) events.get(2)).message();
    assertThat(invite.method()).isSameAs(SipMethod.INVITE);
    assertThat(invite.callId()).isEqualTo("dblreq.0ha0isnda977644900765@192.0.2.15");
    assertThat(invite.bodyLength()).isEqualTo(150);
    // its body has 155 octets, not 150: the last 5 are framed as junk that does not parse
    Message junk = (Message) events.get(3);
    assertThat(text(junk.bytes())).isEqualTo("C\r\n\r\n");
    assertThat(junk.message().error().kind()).isEqualTo(ErrorKind.BAD_REQUEST_LINE);
  }

  @Test
  void noContentLengthOnAStreamIsAnError() {
    // RFC 4475 inv2543: "a stream would require Content-Length"
    List<Event> events = new StreamReader().feed(Vectors.named("inv2543").bytes()).events();
    SipMessage m = ((Message) events.get(0)).message();
    assertThat(m.error().kind()).isEqualTo(ErrorKind.MISSING_CONTENT_LENGTH);
    assertThat(m.method()).isSameAs(SipMethod.INVITE);
  }

  @Test
  void conflictingContentLengthsCloseTheStream() {
    // RFC 4475 mcl01 and ncl over TCP: "the framing error is not recoverable"
    for (String name : List.of("mcl01", "ncl")) {
      byte[] before = wire(Vectors.named("lwsdisp"));
      byte[] bad = Vectors.named(name).bytes();
      byte[] after = wire(Vectors.named("zeromf"));
      StreamReader r = new StreamReader().feed(concat(before, PING_BYTES, bad, after));
      assertThat(r.events()).hasSize(3);
      assertThat(((Message) r.events().get(0)).bytes()).isEqualTo(before);
      assertThat(r.events().get(1)).isEqualTo(PING);
      assertThat(r.events().get(2))
          .isEqualTo(new Closed(Kind.BAD_FRAMING, bad.length + after.length));
      assertThat(r.closed()).isTrue();
    }
  }

  @Test
  void aHeaderBlockThatNeverEndsIsTooLarge() {
    for (ParseLimits limits : List.of(ParseLimits.DEFAULT, new ParseLimits(1024, 8, 128, 4, 4))) {
      StreamReader r = new StreamReader(limits);
      r.feed("INVITE sip:a@example.com SIP/2.0\r\n".getBytes(StandardCharsets.US_ASCII));
      byte[] line = "X-Filler: 0123456789abcdef\r\n".getBytes(StandardCharsets.US_ASCII);
      int fed = 34;
      while (!r.closed()) {
        assertThat(fed).as("still waiting below the limit").isLessThan(limits.maxMessageBytes());
        r.feed(line);
        fed += line.length;
      }
      assertThat(fed).isGreaterThanOrEqualTo(limits.maxMessageBytes());
      assertThat(r.events()).containsExactly(new Closed(Kind.TOO_LARGE, fed));
    }
  }

  @Test
  void aContentLengthBeyondTheLimitIsTooLargeBeforeTheBodyArrives() {
    byte[] head =
        ("OPTIONS sip:a@example.com SIP/2.0\r\nContent-Length: 65536\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    assertThat(new StreamReader().feed(head).events())
        .containsExactly(new Closed(Kind.TOO_LARGE, head.length));
  }

  @Test
  void keepAlivesSplitAcrossReadsAreNotMisread() {
    // a ping in 4 reads is one ping, not two pongs; a lone CRLF before a message is a pong
    byte[] w = wire(Vectors.named("lwsdisp"));
    StreamReader r = new StreamReader();
    for (byte b : PING_BYTES) {
      r.feed(new byte[] {b});
    }
    r.feed(new byte[] {'\r', '\n'});
    r.feed(w);
    assertThat(r.events()).hasSize(3);
    assertThat(r.events().get(0)).isEqualTo(PING);
    assertThat(r.events().get(1)).isEqualTo(new KeepAlive(Kind.PONG, 2));
    assertThat(((Message) r.events().get(2)).bytes()).isEqualTo(w);
  }

  // ---- helpers ----

  static StreamReader feedInPieces(byte[] all, Random random, int maxPiece) {
    StreamReader r = new StreamReader();
    int p = 0;
    while (p < all.length) {
      int n = Math.min(all.length - p, 1 + random.nextInt(maxPiece));
      r.feed(all, p, n);
      p += n;
    }
    return r;
  }

  static void assertSameMessages(StreamReader r, List<Vector> vectors) {
    assertThat(r.buffered()).as("bytes left over").isZero();
    assertThat(r.closed()).isFalse();
    assertThat(r.events()).hasSize(vectors.size());
    for (int i = 0; i < vectors.size(); i++) {
      assertThat(r.events().get(i)).isInstanceOf(Message.class);
      assertSameMessage((Message) r.events().get(i), vectors.get(i));
    }
  }

  /** A message from the stream is the one-shot parse of the same bytes. */
  static void assertSameMessage(Message got, Vector v) {
    byte[] w = wire(v);
    assertThat(got.bytes()).as("%s bytes", v).isEqualTo(w);
    SipMessage oneShot = new SipParser().parseDatagram(w);
    SipMessage m = got.message();
    assertThat(m.toBytes()).isEqualTo(w);
    assertThat(m.error()).as("%s error", v).isEqualTo(oneShot.error());
    assertThat(SipValidator.validate(m)).isEqualTo(SipValidator.validate(oneShot));
    RoundTripTest.assertSameRouting(m, oneShot);
    assertThat(RoundTripTest.headerLines(m)).isEqualTo(RoundTripTest.headerLines(oneShot));
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  static String text(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }
}
