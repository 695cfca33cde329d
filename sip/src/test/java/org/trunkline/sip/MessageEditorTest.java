package org.trunkline.sip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@link MessageEditor}: each edit alone, several together, several on one line. */
class MessageEditorTest {
  private static final String START = "INVITE sip:bob@example.com SIP/2.0\r\n";
  private static final String HEADERS =
      "v: SIP/2.0/UDP a.example.com;branch=z9hG4bK-a\r\n" // 0
          + "Via: SIP/2.0/TCP b.example.com;branch=z9hG4bK-b\r\n" // 1
          + "t: <sip:bob@example.com>\r\n" // 2
          + "f: \"Al\" <sip:al@example.com>;tag=1\r\n" // 3
          + "i: call-1@example.com\r\n" // 4
          + "CSeq: 1 INVITE\r\n" // 5
          + "Max-Forwards: 70\r\n" // 6
          + "Subject: first\r\n" // 7
          + "Subject: second\r\n" // 8
          + "X-Folded: a\r\n  b\r\n" // 9
          + "c: application/sdp\r\n" // 10
          + "l: 4\r\n"; // 11
  private static final String MESSAGE = START + HEADERS + "\r\nv=0\n";

  private static final HeaderName X_FOLDED = HeaderName.of("X-Folded");
  private static final HeaderName X_TRACE = HeaderName.of("X-Trace");

  private static SipMessage parse(String s) {
    return parse(s.getBytes(StandardCharsets.UTF_8));
  }

  private static SipMessage parse(byte[] b) {
    SipMessage m = new SipParser().parseDatagram(b);
    assertThat(SipValidator.validate(m)).as("%s", text(b)).isNull();
    return m;
  }

  private static String text(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  private static String write(MessageEditor e) {
    return text(e.toBytes());
  }

  private static SipMessage original() {
    return parse(MESSAGE);
  }

  @Test
  void noEditWritesTheOriginalBytes() {
    SipMessage m = original();
    assertThat(write(m.edit())).isEqualTo(MESSAGE);
  }

  @Test
  void theLastSetWins() {
    // regression: a second set() was ignored for an existing header, and appended twice otherwise
    SipMessage m = original();
    SipMessage r =
        parse(
            m.edit()
                .set(HeaderName.SUBJECT, "a")
                .set(HeaderName.SUBJECT, "b")
                .set(HeaderName.ORGANIZATION, "x")
                .set(HeaderName.ORGANIZATION, "y")
                .append(X_TRACE, "appended")
                .set(X_TRACE, "set")
                .toBytes());
    assertThat(r.headers(HeaderName.SUBJECT)).containsExactly("b");
    assertThat(r.headers(HeaderName.ORGANIZATION)).containsExactly("y");
    assertThat(r.headers(X_TRACE)).containsExactly("set");
  }

  @Test
  void theLastEditOfALineWins() {
    // regression: the first replace/remove of a line won and later ones were silently ignored
    SipMessage m = original();
    assertThat(parse(m.edit().replace(7, "x").replace(7, "y").toBytes()).header(HeaderName.SUBJECT))
        .isEqualTo("y");
    assertThat(parse(m.edit().replace(7, "x").remove(7).toBytes()).headers(HeaderName.SUBJECT))
        .containsExactly("second");
    assertThat(parse(m.edit().remove(7).replace(7, "back").toBytes()).headers(HeaderName.SUBJECT))
        .containsExactly("back", "second");
  }

  @Test
  void theLastBodyWinsAndItsLengthIsWritten() {
    // regression: body() twice wrote the first body's Content-Length with the second body
    SipMessage m = original();
    SipMessage r =
        parse(m.edit().body("a longer first body".getBytes()).body("2nd".getBytes()).toBytes());
    assertThat(r.contentLength()).isEqualTo(3);
    assertThat(r.body()).isEqualTo("2nd".getBytes());
    // and a Content-Length set by hand does not fight the body
    SipMessage s = parse(m.edit().body("12345".getBytes()).replace(11, "99").toBytes());
    assertThat(s.contentLength()).isEqualTo(5);
  }

  @Test
  void aBodyWithoutContentLengthAppendsOneContentLength() {
    // RFC 4475 inv2543 style: no Content-Length, the body ran to the end of the datagram
    SipMessage m = parse(START + HEADERS.replace("l: 4\r\n", "") + "\r\nv=0\n");
    assertThat(m.contentLength()).isEqualTo(-1);
    byte[] out = m.edit().body("first".getBytes()).body("second".getBytes()).toBytes();
    SipMessage r = parse(out);
    assertThat(r.headers(HeaderName.CONTENT_LENGTH)).containsExactly("6");
    assertThat(text(out)).endsWith("Content-Length: 6\r\n\r\nsecond");
  }

  @Test
  void requestUriOnAResponseOrAnUnreadableRequestLineIsRefused() {
    SipMessage response =
        parse("SIP/2.0 180 Ringing\r\n" + HEADERS.replace("l: 4", "l: 0") + "\r\n");
    assertThatThrownBy(() -> response.edit().requestUri("sip:x@example.com"))
        .isInstanceOf(IllegalStateException.class);
    // regression: this threw a NullPointerException
    SipMessage broken =
        new SipParser().parseDatagram(("INVITE\r\n" + HEADERS + "\r\nv=0\n").getBytes());
    assertThat(broken.error().kind()).isEqualTo(ErrorKind.BAD_REQUEST_LINE);
    assertThatThrownBy(() -> broken.edit().requestUri("sip:x@example.com"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("startLine");
    // startLine still works there
    SipMessage fixed = parse(broken.edit().startLine("INVITE sip:x@example.com SIP/2.0").toBytes());
    assertThat(fixed.requestUriText()).isEqualTo("sip:x@example.com");
  }

  @Test
  void aBareLfMessageKeepsItsEmptyLineAndGetsCrlfForNewLines() {
    // regression: a bare-LF empty line made the writer add a NUL byte after the body
    String lf = MESSAGE.replace("\r\n", "\n");
    SipMessage m = parse(lf);
    assertThat(write(m.edit())).isEqualTo(lf);
    String out = write(m.edit().append(X_TRACE, "1").replace(6, "69"));
    assertThat(out)
        .isEqualTo(
            lf.replace("Max-Forwards: 70\n", "Max-Forwards: 69\r\n")
                .replace("l: 4\n\n", "l: 4\nX-Trace: 1\r\n\n"));
    assertThat(parse(out).maxForwards()).isEqualTo(69);
  }
}
