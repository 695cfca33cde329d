package org.trunkline.core.call;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;

class RequestTextTest {
  /** What Call wrote before: a StringBuilder, its String's UTF-8 bytes, then the body. */
  private static byte[] expected(StringBuilder sb, String contentType, byte[] body) {
    if (body.length > 0 && contentType != null) {
      sb.append("Content-Type: ").append(contentType).append("\r\n");
    }
    sb.append("Content-Length: ").append(body.length).append("\r\n\r\n");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(sb.toString().getBytes(StandardCharsets.UTF_8));
    out.writeBytes(body);
    return out.toByteArray();
  }

  @Test
  void writesTheBytesStringBuilderAndGetBytesWrote() {
    String name = "\"Jürgen \uD83D\uDCDE\" <sip:+4930123@example.com>;tag=abc";
    StringBuilder sb = new StringBuilder();
    RequestText t = RequestText.begin();
    for (Object o :
        new Object[] {
          "INVITE",
          ' ',
          "sip:1@h",
          " SIP/2.0\r\n",
          "To: ",
          name,
          0L,
          -42L,
          Long.MAX_VALUE,
          Long.MIN_VALUE,
          'é',
          null,
          "\r\n"
        }) {
      if (o instanceof Long l) {
        sb.append((long) l);
        t.append((long) l);
      } else if (o instanceof Character c) {
        sb.append((char) c);
        t.append((char) c);
      } else {
        sb.append((String) o);
        t.append((String) o);
      }
    }
    byte[] body = "v=0\r\n".getBytes(StandardCharsets.US_ASCII);
    assertThat(t.finish("application/sdp", body)).isEqualTo(expected(sb, "application/sdp", body));
  }

  @RepeatedTest(20)
  void randomPiecesOfAnySizeAndCharacter(RepetitionInfo info) {
    Random r = new Random(6_000 + info.getCurrentRepetition());
    StringBuilder sb = new StringBuilder();
    RequestText t = RequestText.begin();
    int pieces = r.nextInt(200);
    for (int i = 0; i < pieces; i++) {
      switch (r.nextInt(3)) {
        case 0 -> {
          long v = r.nextLong() >> r.nextInt(64);
          sb.append(v);
          t.append(v);
        }
        case 1 -> {
          char c = (char) (r.nextBoolean() ? r.nextInt(0x80) : r.nextInt(0x10000));
          sb.append(c);
          t.append(c);
        }
        default -> {
          char[] cs = new char[r.nextInt(3000)];
          for (int k = 0; k < cs.length; k++) {
            cs[k] = (char) (r.nextInt(10) == 0 ? r.nextInt(0x10000) : 32 + r.nextInt(95));
          }
          sb.append(new String(cs));
          t.append(new String(cs));
        }
      }
    }
    byte[] body = new byte[r.nextInt(2000)];
    r.nextBytes(body);
    String type = r.nextBoolean() ? "application/sdp" : null;
    assertThat(t.finish(type, body)).isEqualTo(expected(sb, type, body));
  }

  @Test
  void aRequestBegunWhileAnotherIsUnfinishedDoesNotTouchIt() {
    RequestText outer = RequestText.begin().append("BYE sip:a SIP/2.0\r\n");
    RequestText inner = RequestText.begin().append("ACK sip:b SIP/2.0\r\n");
    assertThat(inner).isNotSameAs(outer);
    assertThat(new String(inner.finish(null, new byte[0]), StandardCharsets.UTF_8))
        .isEqualTo("ACK sip:b SIP/2.0\r\nContent-Length: 0\r\n\r\n");
    assertThat(
            new String(
                outer.append("Max-Forwards: 70\r\n").finish(null, new byte[0]),
                StandardCharsets.UTF_8))
        .isEqualTo("BYE sip:a SIP/2.0\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n");
  }

  @Test
  void aFinishedBufferIsReusedAndStartsEmpty() {
    RequestText first = RequestText.begin().append("OPTIONS sip:a SIP/2.0\r\n");
    first.finish(null, new byte[0]);
    RequestText second = RequestText.begin();
    assertThat(second).isSameAs(first);
    assertThat(second.toString()).isEmpty();
  }

  @Test
  void anAbandonedRequestCostsItsBufferOnceThenTheNewOneIsReused() {
    RequestText.begin().append("INVITE sip:a SIP/2.0\r\n"); // never finished (a refused offer)
    RequestText next = RequestText.begin();
    next.finish(null, new byte[0]);
    assertThat(RequestText.begin()).isSameAs(next);
  }
}
