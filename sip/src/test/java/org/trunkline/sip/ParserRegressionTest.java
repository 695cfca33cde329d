package org.trunkline.sip;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * One test per parser bug found by the torture, round-trip, stream and fuzz tests, with its input.
 */
class ParserRegressionTest {
  private static final String HEADERS =
      "Via: SIP/2.0/TCP h.example.com;branch=z9hG4bK1\r\n"
          + "To: <sip:a@example.com>\r\n"
          + "From: <sip:b@example.com>;tag=1\r\n"
          + "Call-ID: x@example.com\r\n";

  private static SipMessage parse(String s) {
    return new SipParser().parseDatagram(s.getBytes(StandardCharsets.UTF_8));
  }

  /** RFC 4475 mismatch01 reported "col 3": the column counted from the value, not the line. */
  @Test
  void routingIndexErrorsNameTheColumnInTheLine() {
    ParseError mismatch =
        parse("OPTIONS sip:a@example.com SIP/2.0\r\n" + HEADERS + "CSeq: 8 INVITE\r\n\r\n").error();
    assertThat(mismatch.kind()).isEqualTo(ErrorKind.CSEQ_METHOD_MISMATCH);
    assertThat(mismatch.line()).isEqualTo(6);
    assertThat(mismatch.column()).isEqualTo(9);
    // a folded value: the method is on the continuation line, column 3
    ParseError folded =
        parse("OPTIONS sip:a@example.com SIP/2.0\r\n" + HEADERS + "CSeq: 8\r\n  INVITE\r\n\r\n")
            .error();
    assertThat(folded.line()).isEqualTo(7);
    assertThat(folded.column()).isEqualTo(3);
    ParseError mf =
        parse(
                "OPTIONS sip:a@example.com SIP/2.0\r\n"
                    + HEADERS
                    + "CSeq: 8 OPTIONS\r\nMax-Forwards: 256\r\n\r\n")
            .error();
    assertThat(mf.kind()).isEqualTo(ErrorKind.BAD_HEADER);
    assertThat(mf.header()).isEqualTo("Max-Forwards");
    assertThat(mf.line()).isEqualTo(7);
    assertThat(mf.column()).isEqualTo(15);
  }

  /** RFC 4475 esc01: {@code ;%6C%72} is the lr parameter, but looseRouting() said false. */
  @Test
  void escapedUriParameterNamesAreDecodedWhenLookedUp() {
    SipUri u =
        (SipUri) UriParser.parse("sip:cal%6Cer@host5.example.net;%6C%72;n%61me=v%61lue%25%34%31");
    assertThat(u.looseRouting()).isTrue();
    assertThat(u.param("lr")).isEmpty();
    assertThat(u.param("name")).isEqualTo("v%61lue%25%34%31");
    assertThat(u.param("n%61me")).isNull();
  }

  /** RFC 4475 lwsstart was refused as "Bad Request-URI", pointing at the extra SP as part of it. */
  @Test
  void doubleSpacesInTheRequestLineAreABadRequestLine() {
    ParseError before =
        parse("INVITE  sip:a@example.com SIP/2.0\r\n" + HEADERS + "CSeq: 1 INVITE\r\n\r\n").error();
    assertThat(before.kind()).isEqualTo(ErrorKind.BAD_REQUEST_LINE);
    assertThat(before.column()).isEqualTo(8);
    ParseError after =
        parse("INVITE sip:a@example.com  SIP/2.0\r\n" + HEADERS + "CSeq: 1 INVITE\r\n\r\n").error();
    assertThat(after.kind()).isEqualTo(ErrorKind.BAD_REQUEST_LINE);
    assertThat(after.column()).isEqualTo(25);
  }

  /** A folded Content-Length parses, but the stream framer called it BAD_FRAMING. */
  @Test
  void aFoldedContentLengthFramesOnAStream() {
    byte[] b =
        ("OPTIONS sip:a@example.com SIP/2.0\r\n"
                + HEADERS
                + "CSeq: 1 OPTIONS\r\nContent-Length:\r\n 5\r\n\r\nhello")
            .getBytes(StandardCharsets.US_ASCII);
    SipMessage datagram = new SipParser().parseDatagram(b);
    assertThat(SipValidator.validate(datagram)).isNull();
    assertThat(datagram.contentLength()).isEqualTo(5);
    StreamFramer.Frame frame = new StreamFramer(ParseLimits.DEFAULT).frame(b, 0, b.length);
    assertThat(frame).isEqualTo(new StreamFramer.Frame(StreamFramer.Kind.MESSAGE, b.length));
    // a fold inside the number is still refused by both
    byte[] split =
        ("OPTIONS sip:a@example.com SIP/2.0\r\nContent-Length: 1\r\n 2\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    assertThat(new StreamFramer(ParseLimits.DEFAULT).frame(split, 0, split.length).kind())
        .isEqualTo(StreamFramer.Kind.BAD_FRAMING);
  }

  /** The log form lower-cased header names that start a reason: "cSeq Method Does Not Match". */
  @Test
  void logTextKeepsHeaderNamesAsSpelt() {
    assertThat(new ParseError(ErrorKind.CSEQ_METHOD_MISMATCH, "CSeq", 6, 9))
        .hasToString("CSeq Method Does Not Match at line 6 col 9");
    assertThat(new ParseError(ErrorKind.CONTENT_LENGTH_EXCEEDS_MESSAGE, "Content-Length", 10, 1))
        .hasToString("Content-Length Larger Than Message at line 10 col 1");
    assertThat(new ParseError(ErrorKind.BAD_HEADER, "Via", 3, 14))
        .hasToString("bad Via at line 3 col 14");
    assertThat(new ParseError(ErrorKind.MISSING_HEADER, "Call-ID", 0, 0))
        .hasToString("missing Call-ID");
  }

  /**
   * Found by SipParserFuzzTest: {@code Contact: "Caller" <sip:caller} (no '>') validated, because
   * the value list was only split and checked at a comma outside '<', and contacts() then threw.
   */
  @Test
  void aListValueWithAnUnclosedAngleBracketIsChecked() {
    SipMessage m =
        parse(
            "REGISTER sip:example.com SIP/2.0\r\n"
                + HEADERS
                + "CSeq: 1 REGISTER\r\nContact: \"Caller\" <sip:caller\r\nl: 0\r\n\r\n");
    ParseError e = SipValidator.validate(m);
    assertThat(e).isNotNull();
    assertThat(e.reasonPhrase()).isEqualTo("Bad Contact (line 7)");
  }

  /**
   * Found while writing SipParserFuzzTest's invariants: {@code branch="z9hG4bK1"} and {@code tag="t
   * o"} validated, though both must be tokens (§25.1), and topViaBranch()/toTag() (read unquoted)
   * then disagreed with topVia().branch()/to().tag() (quotes kept).
   */
  @Test
  void branchAndTagsMustBeTokens() {
    String start = "OPTIONS sip:a@example.com SIP/2.0\r\n";
    String rest = "Call-ID: x@example.com\r\nCSeq: 1 OPTIONS\r\nl: 0\r\n\r\n";
    String via = "Via: SIP/2.0/TCP h.example.com;branch=z9hG4bK1\r\n";
    String to = "To: <sip:a@example.com>\r\n";
    String from = "From: <sip:b@example.com>;tag=1\r\n";
    assertThat(SipValidator.validate(parse(start + via + to + from + rest))).isNull();
    String quotedBranch = via.replace("z9hG4bK1", "\"z9hG4bK1\"");
    assertThat(SipValidator.validate(parse(start + quotedBranch + to + from + rest)).reasonPhrase())
        .isEqualTo("Bad Via (line 2)");
    String quotedTag = "To: <sip:a@example.com>;tag=\"t o\"\r\n";
    assertThat(SipValidator.validate(parse(start + via + quotedTag + from + rest)).reasonPhrase())
        .isEqualTo("Bad To (line 3)");
    String emptyTag = "From: <sip:b@example.com>;tag\r\n";
    assertThat(SipValidator.validate(parse(start + via + to + emptyTag + rest)).reasonPhrase())
        .isEqualTo("Bad From (line 4)");
  }
}
