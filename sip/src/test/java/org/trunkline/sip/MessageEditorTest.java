package org.trunkline.sip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
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
  void insertBeforeAndAppend() {
    SipMessage m = original();
    String out =
        write(
            m.edit()
                .insertBefore(0, HeaderName.VIA, "SIP/2.0/TLS p.example.net;branch=z9hG4bK-p")
                .append(X_TRACE, "1")
                .insertBefore(m.headerCount(), X_TRACE, "2"));
    assertThat(out)
        .isEqualTo(
            START
                + "Via: SIP/2.0/TLS p.example.net;branch=z9hG4bK-p\r\n"
                + HEADERS
                + "X-Trace: 1\r\nX-Trace: 2\r\n\r\nv=0\n");
    SipMessage r = parse(out);
    assertThat(r.viaCount()).isEqualTo(3);
    assertThat(r.topViaBranch()).isEqualTo("z9hG4bK-p");
    assertThat(r.headers(X_TRACE)).containsExactly("1", "2");
  }

  @Test
  void insertsAtOneIndexKeepTheirOrderAndPrecedeThatLinesEdit() {
    SipMessage m = original();
    String out =
        write(
            m.edit()
                .replace(5, "2 INVITE")
                .insertBefore(5, X_TRACE, "a")
                .insertBefore(5, X_TRACE, "b"));
    assertThat(out)
        .contains("i: call-1@example.com\r\nX-Trace: a\r\nX-Trace: b\r\nCSeq: 2 INVITE\r\n");
    assertThat(parse(out).cseqNumber()).isEqualTo(2);
  }

  @Test
  void replaceKeepsTheNameAsWrittenCompactIncluded() {
    SipMessage m = original();
    String out =
        write(
            m.edit()
                .replace(0, "SIP/2.0/UDP z.example.com;branch=z9hG4bK-z")
                .replace(2, "<sip:carol@example.com>")
                .replace(9, "one line now"));
    assertThat(out)
        .startsWith(START + "v: SIP/2.0/UDP z.example.com;branch=z9hG4bK-z\r\n")
        .contains("\r\nt: <sip:carol@example.com>\r\n")
        .contains("\r\nX-Folded: one line now\r\nc: application/sdp\r\n");
    SipMessage r = parse(out);
    assertThat(r.headerCount()).isEqualTo(m.headerCount());
    assertThat(r.to().uri().toString()).isEqualTo("sip:carol@example.com");
    assertThat(r.topViaBranch()).isEqualTo("z9hG4bK-z");
    assertThat(r.header(X_FOLDED)).isEqualTo("one line now");
  }

  @Test
  void removeTakesFoldedLinesWholeAndRemoveAllEveryLineOfAName() {
    SipMessage m = original();
    String out = write(m.edit().remove(9).removeAll(HeaderName.SUBJECT));
    assertThat(out)
        .isEqualTo(
            MESSAGE.replace("Subject: first\r\nSubject: second\r\nX-Folded: a\r\n  b\r\n", ""));
    SipMessage r = parse(out);
    assertThat(r.headerCount()).isEqualTo(m.headerCount() - 3);
    assertThat(r.header(X_FOLDED)).isNull();
    assertThat(write(m.edit().removeAll(HeaderName.ROUTE))).isEqualTo(MESSAGE);
  }

  @Test
  void setReplacesTheFirstRemovesTheOthersOrAppends() {
    SipMessage m = original();
    String out =
        write(m.edit().set(HeaderName.SUBJECT, "only").set(HeaderName.ORGANIZATION, "acme"));
    assertThat(out)
        .isEqualTo(
            MESSAGE
                .replace("Subject: first\r\nSubject: second\r\n", "Subject: only\r\n")
                .replace("l: 4\r\n", "l: 4\r\nOrganization: acme\r\n"));
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
  void lineIndexesAreTheOriginalOnesWhateverWasInsertedBefore() {
    SipMessage m = original();
    SipMessage r =
        parse(
            m.edit()
                .insertBefore(0, X_TRACE, "first")
                .insertBefore(2, X_TRACE, "third")
                .replace(2, "<sip:dave@example.com>")
                .remove(1)
                .toBytes());
    assertThat(RoundTripTest.headerLines(r).subList(0, 4))
        .containsExactly(
            "X-Trace: first",
            "Via: SIP/2.0/UDP a.example.com;branch=z9hG4bK-a",
            "X-Trace: third",
            "To: <sip:dave@example.com>");
    assertThat(r.viaCount()).isEqualTo(1);
  }

  @Test
  void contentLengthFollowsTheBodyKeepingItsCompactName() {
    SipMessage m = original();
    byte[] sdp = "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\n".getBytes(StandardCharsets.US_ASCII);
    assertThat(sdp).hasSize(31);
    String out = write(m.edit().body(sdp));
    assertThat(out).contains("\r\nl: 31\r\n\r\nv=0\r\no=-").endsWith("192.0.2.1\r\n");
    SipMessage r = parse(out);
    assertThat(r.contentLength()).isEqualTo(31).isEqualTo(r.bodyLength());
    assertThat(parse(m.edit().body(new byte[0]).toBytes()).contentLength()).isZero();
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
  void requestUriKeepsMethodAndVersion() {
    SipMessage m = original();
    String out = write(m.edit().requestUri("sip:bob@[2001:db8::1]:5070;transport=tcp"));
    assertThat(out)
        .isEqualTo(
            MESSAGE.replace(START, "INVITE sip:bob@[2001:db8::1]:5070;transport=tcp SIP/2.0\r\n"));
    assertThat(parse(out).requestUri()).isInstanceOf(SipUri.class);
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
  void startLineReplacesTheWholeLine() {
    SipMessage response =
        parse("SIP/2.0 180 Ringing\r\n" + HEADERS.replace("l: 4", "l: 0") + "\r\n");
    SipMessage r = parse(response.edit().startLine("SIP/2.0 183 Session Progress").toBytes());
    assertThat(r.status()).isEqualTo(183);
    assertThat(r.reason()).isEqualTo("Session Progress");
  }

  @Test
  void badIndexesAreRefused() {
    SipMessage m = original();
    MessageEditor e = m.edit();
    assertThatThrownBy(() -> e.insertBefore(-1, X_TRACE, "x"))
        .isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> e.insertBefore(m.headerCount() + 1, X_TRACE, "x"))
        .isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> e.replace(m.headerCount(), "x"))
        .isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> e.remove(-1)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThat(write(e)).isEqualTo(MESSAGE);
  }

  @Test
  void editorsDoNotChangeTheMessageOrEachOther() {
    SipMessage m = original();
    MessageEditor a = m.edit().set(HeaderName.SUBJECT, "a").body("aaaa".getBytes());
    MessageEditor b = m.edit().remove(7);
    byte[] outA = a.toBytes();
    assertThat(b.toBytes()).isEqualTo(MESSAGE.replace("Subject: first\r\n", "").getBytes());
    assertThat(a.toBytes()).isEqualTo(outA);
    assertThat(text(m.toBytes())).isEqualTo(MESSAGE);
    assertThat(m.header(HeaderName.SUBJECT)).isEqualTo("first");
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

  @Test
  void everythingAtOnce() {
    SipMessage m = original();
    byte[] body = {'x', 0, '\r', '\n', (byte) 0xff};
    SipMessage r =
        parse(
            m.edit()
                .requestUri("sip:bob@gw.example.net")
                .insertBefore(0, HeaderName.VIA, "SIP/2.0/TCP b2bua.example.net;branch=z9hG4bK-1")
                .remove(1)
                .replace(6, "69")
                .set(HeaderName.SUBJECT, "s")
                .removeAll(X_FOLDED)
                .append(HeaderName.ROUTE, "<sip:next.example.net;lr>")
                .body(body)
                .toBytes());
    assertThat(RoundTripTest.headerLines(r))
        .isEqualTo(
            List.of(
                "Via: SIP/2.0/TCP b2bua.example.net;branch=z9hG4bK-1",
                "Via: SIP/2.0/UDP a.example.com;branch=z9hG4bK-a",
                "To: <sip:bob@example.com>",
                "From: \"Al\" <sip:al@example.com>;tag=1",
                "Call-ID: call-1@example.com",
                "CSeq: 1 INVITE",
                "Max-Forwards: 69",
                "Subject: s",
                "Content-Type: application/sdp",
                "Content-Length: 5",
                "Route: <sip:next.example.net;lr>"));
    assertThat(r.requestUriText()).isEqualTo("sip:bob@gw.example.net");
    assertThat(r.body()).isEqualTo(body);
    assertThat(r.hasRoute()).isTrue();
    assertThat(r.maxForwards()).isEqualTo(69);
  }

  @Test
  void lineBreaksInValuesAreRefusedNotInjected() {
    SipMessage m = new SipParser().parseDatagram(Vectors.named("lwsdisp").bytes());
    assertThatThrownBy(() -> m.edit().append(HeaderName.SUBJECT, "hi\r\nVia: SIP/2.0/UDP evil"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Subject: CR, LF or NUL at index 2");
    assertThatThrownBy(() -> m.edit().replace(0, "x\ny"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> m.edit().startLine("OPTIONS sip:a SIP/2.0\r\nX: y"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
