package org.trunkline.sip;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.trunkline.sip.Vectors.Vector;

/**
 * Every RFC 4475 / RFC 5118 vector through the scanner and the validator: the status the parser
 * layer gives (0 = the message is well formed) must match the manifest. Statuses that need policy
 * (501, 420, 415, 406, 403...) are decided above the parser and tested at the server.
 */
class TortureVectorTest {
  /**
   * Where the RFC allows either answer, what we do at the parser layer, and why. Everything else
   * follows the manifest.
   */
  static final Map<String, Integer> CHOICES =
      Map.ofEntries(
          // "reasonable always to reject" - we do, with a reason naming the problem.
          Map.entry("quotbal", 400),
          Map.entry("ltgtruri", 400),
          Map.entry("lwsruri", 400),
          Map.entry("lwsstart", 400),
          Map.entry("trws", 400),
          Map.entry("escruri", 400),
          Map.entry("regbadct", 400),
          Map.entry("badaspec", 400),
          Map.entry("baddn", 400),
          // §18.3: a Content-Length beyond the datagram is a 400 (the RFC 5118 text's own defect).
          Map.entry("ipv6-in-sdp", 400),
          // "acceptable to reject as malformed" (RFC 4475 §3.1.2.12): we do not carry what we
          // cannot read into CDRs and traces.
          Map.entry("baddate", 400),
          // Fall back to RFC 2543 matching rather than refuse the call.
          Map.entry("badbranch", 0),
          Map.entry("regaut01", 0),
          Map.entry("zeromf", 0),
          // A registrar's 400 for a non-SIP To (unksm2) is policy: the syntax is valid.
          Map.entry("unksm2", 0));

  static List<Vector> vectors() {
    return Vectors.all();
  }

  /** The status the parser layer answers with, 0 when the message is well formed. */
  static int parserStatus(SipMessage m) {
    ParseError e = SipValidator.validate(m);
    return e == null ? 0 : e.status();
  }

  static int expectedParserStatus(Vector v) {
    String key = v.name().substring(v.name().indexOf('-') + 1);
    if (CHOICES.containsKey(key)) {
      return CHOICES.get(key);
    }
    String expect = v.expect();
    if (expect.equals("accept")) {
      return 0;
    }
    if (expect.startsWith("reject:")) {
      int code = Integer.parseInt(expect.substring(7));
      // mismatch02: "A 400 Bad Request is also acceptable" - we answer 400 (CSeq/method mismatch)
      return code == 400 || code == 505 || code == 416 ? code : key.equals("mismatch02") ? 400 : 0;
    }
    return 0;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  void parserLayerOutcomeMatchesTheRfc(Vector v) {
    SipMessage m = new SipParser().parseDatagram(v.bytes());
    assertThat(m.isRequest()).as("kind").isEqualTo(v.kind().equals("request"));
    if (v.expect().equals("drop")) {
      // RFC 4475 scalarlg, bigcode, bcast: responses the UAC side drops; only the first two are
      // malformed, bcast is well formed but addressed to a broadcast Via.
      assertThat(m.isRequest()).isFalse();
      return;
    }
    assertThat(parserStatus(m))
        .as("%s: %s (error %s)", v.name(), v.expect(), SipValidator.validate(m))
        .isEqualTo(expectedParserStatus(v));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  void errorsNameTheirPlaceAndKeepTheRoutingHeaders(Vector v) {
    SipMessage m = new SipParser().parseDatagram(v.bytes());
    ParseError e = SipValidator.validate(m);
    if (e == null) {
      return;
    }
    assertThat(e.reasonPhrase()).isNotBlank();
    assertThat(e.status()).isBetween(400, 599);
    if (m.isRequest() && e.kind() != ErrorKind.MISSING_HEADER && e.kind() != ErrorKind.INCOMPLETE) {
      // enough is left to answer: the Via to send to, and the Call-ID for the log
      assertThat(m.viaCount()).isGreaterThan(0);
      assertThat(m.callId()).isNotNull();
    }
  }
}
