package org.trunkline.sip;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.trunkline.sip.Vectors.Vector;

/**
 * parse → write → parse over every torture vector the parser layer accepts: an unedited message is
 * written byte-exact, writing is idempotent, and an edited message reads back as exactly the edits
 * made (Kamailio-style: untouched lines verbatim, edited lines new).
 */
class RoundTripTest {
  /** Headers the edit below keeps, so that the message stays well formed. */
  private static final Set<HeaderName> KEPT =
      Set.of(
          HeaderName.VIA,
          HeaderName.FROM,
          HeaderName.TO,
          HeaderName.CALL_ID,
          HeaderName.CSEQ,
          HeaderName.CONTENT_LENGTH);

  private static final HeaderName ADDED = HeaderName.of("X-Trunkline-Trace");
  private static final String NEW_TOP_VIA =
      "SIP/2.0/TLS 198.51.100.7:5061;branch=z9hG4bKrt-1;rport";
  private static final byte[] NEW_BODY = {'v', '=', '0', '\r', '\n', 0, (byte) 0xff, '\n', '\r'};

  static SipMessage parse(byte[] b) {
    return new SipParser().parseDatagram(b);
  }

  /** The vectors that parse and validate. */
  static List<Vector> wellFormed() {
    return Vectors.all().stream()
        .filter(v -> SipValidator.validate(parse(v.bytes())) == null)
        .toList();
  }

  @Test
  void theWellFormedVectorsAreTheOnesTheManifestAccepts() {
    // RFC 4475 scalarlg and bigcode are "drop" (status 0 in the manifest) but malformed
    List<String> expected =
        Vectors.all().stream()
            .filter(v -> TortureVectorTest.expectedParserStatus(v) == 0)
            .map(Vector::name)
            .filter(n -> !n.endsWith("-scalarlg") && !n.endsWith("-bigcode"))
            .toList();
    assertThat(wellFormed()).extracting(Vector::name).containsExactlyElementsOf(expected);
    assertThat(expected).hasSizeGreaterThan(30);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("wellFormed")
  void anUneditedMessageIsWrittenByteExact(Vector v) {
    SipMessage m = parse(v.bytes());
    assertThat(m.edit().toBytes()).isEqualTo(m.toBytes());
    // the message is the datagram up to Content-Length (RFC 5118 4.8/4.9, RFC 4475 dblreq)
    assertThat(m.toBytes()).isEqualTo(Arrays.copyOf(v.bytes(), m.length()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("wellFormed")
  void writeOfParseIsIdempotent(Vector v) {
    SipMessage m = parse(v.bytes());
    byte[] once = m.edit().toBytes();
    SipMessage again = parse(once);
    assertThat(SipValidator.validate(again)).isNull();
    assertThat(again.toBytes()).isEqualTo(once);
    assertThat(again.edit().toBytes()).isEqualTo(once);
    assertSameRouting(again, m);
    assertThat(headerLines(again)).isEqualTo(headerLines(m));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("wellFormed")
  void anEditedMessageReadsBackAsTheEdits(Vector v) {
    SipMessage m = parse(v.bytes());
    int via = m.indexOf(HeaderName.VIA);
    List<String> viasOnLine = splitCommas(m.headerValue(via));
    List<String> replaced = new ArrayList<>(viasOnLine);
    replaced.set(0, NEW_TOP_VIA);
    int removed = -1;
    for (int i = 0; i < m.headerCount(); i++) {
      if (!KEPT.contains(m.headerName(i))) {
        removed = i;
      }
    }
    MessageEditor edit = m.edit().replace(via, String.join(", ", replaced));
    if (removed >= 0) {
      edit.remove(removed);
    }
    edit.append(ADDED, "rt; vector=" + v.name()).body(NEW_BODY);
    String newUri = "sip:rewritten@[2001:db8::7]:5070;transport=tcp";
    if (m.isRequest()) {
      edit.requestUri(newUri);
    }
    byte[] out = edit.toBytes();

    SipMessage r = parse(out);
    assertThat(SipValidator.validate(r)).as("%s edited:%n%s", v, RoundTripTest.text(out)).isNull();
    // the header lines are the original ones with exactly these edits
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < m.headerCount(); i++) {
      if (i == removed) {
        continue;
      }
      String value = m.headerValue(i);
      if (i == via) {
        value = String.join(", ", replaced);
      } else if (m.headerName(i).equals(HeaderName.CONTENT_LENGTH)) {
        value = Integer.toString(NEW_BODY.length);
      }
      expected.add(m.headerName(i).name() + ": " + value);
    }
    expected.add(ADDED.name() + ": rt; vector=" + v.name());
    if (m.indexOf(HeaderName.CONTENT_LENGTH) < 0) {
      expected.add("Content-Length: " + NEW_BODY.length);
    }
    assertThat(headerLines(r)).isEqualTo(expected);
    // the routing fields follow
    assertThat(r.viaCount()).isEqualTo(m.viaCount());
    assertThat(r.topViaBranch()).isEqualTo("z9hG4bKrt-1");
    assertThat(r.topVia()).isEqualTo(Via.parse(NEW_TOP_VIA));
    assertThat(r.vias().subList(1, r.viaCount())).isEqualTo(m.vias().subList(1, m.viaCount()));
    assertThat(r.callId()).isEqualTo(m.callId());
    assertThat(r.cseqNumber()).isEqualTo(m.cseqNumber());
    assertThat(r.cseqMethod()).isEqualTo(m.cseqMethod());
    assertThat(r.fromTag()).isEqualTo(m.fromTag());
    assertThat(r.toTag()).isEqualTo(m.toTag());
    boolean maxForwardsRemoved =
        removed >= 0 && m.headerName(removed).equals(HeaderName.MAX_FORWARDS);
    assertThat(r.maxForwards()).isEqualTo(maxForwardsRemoved ? -1 : m.maxForwards());
    assertThat(r.contentLength()).isEqualTo(NEW_BODY.length);
    assertThat(r.body()).isEqualTo(NEW_BODY);
    assertThat(r.isRequest()).isEqualTo(m.isRequest());
    if (m.isRequest()) {
      assertThat(r.method()).isEqualTo(m.method());
      assertThat(r.requestUriText()).isEqualTo(newUri);
    } else {
      assertThat(r.status()).isEqualTo(m.status());
      assertThat(r.reason()).isEqualTo(m.reason());
    }
    // and writing the edited message again changes nothing
    assertThat(r.edit().toBytes()).isEqualTo(out);
  }

  static void assertSameRouting(SipMessage actual, SipMessage expected) {
    assertThat(actual.isRequest()).isEqualTo(expected.isRequest());
    assertThat(actual.method()).isEqualTo(expected.method());
    assertThat(actual.requestUriText()).isEqualTo(expected.requestUriText());
    assertThat(actual.status()).isEqualTo(expected.status());
    assertThat(actual.reason()).isEqualTo(expected.reason());
    assertThat(actual.callId()).isEqualTo(expected.callId());
    assertThat(actual.cseqNumber()).isEqualTo(expected.cseqNumber());
    assertThat(actual.cseqMethod()).isEqualTo(expected.cseqMethod());
    assertThat(actual.fromTag()).isEqualTo(expected.fromTag());
    assertThat(actual.toTag()).isEqualTo(expected.toTag());
    assertThat(actual.topViaBranch()).isEqualTo(expected.topViaBranch());
    assertThat(actual.viaCount()).isEqualTo(expected.viaCount());
    assertThat(actual.maxForwards()).isEqualTo(expected.maxForwards());
    assertThat(actual.contentLength()).isEqualTo(expected.contentLength());
    assertThat(actual.hasRoute()).isEqualTo(expected.hasRoute());
    assertThat(actual.body()).isEqualTo(expected.body());
  }

  /** Every header line as "Name: value" (known names canonical, folds unfolded). */
  static List<String> headerLines(SipMessage m) {
    List<String> out = new ArrayList<>(m.headerCount());
    for (int i = 0; i < m.headerCount(); i++) {
      out.add(m.headerName(i).name() + ": " + m.headerValue(i));
    }
    return out;
  }

  /** Via values on one line; no vector quotes a Via parameter, which this relies on. */
  private static List<String> splitCommas(String value) {
    assertThat(value).doesNotContain("\"");
    return Arrays.stream(value.split(",")).map(String::strip).toList();
  }

  static String text(byte[] b) {
    return new String(b, java.nio.charset.StandardCharsets.UTF_8);
  }
}
