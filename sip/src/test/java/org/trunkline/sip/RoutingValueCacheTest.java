package org.trunkline.sip;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The Call-ID, From/To tags and top Via branch are made as Strings once per message and reused: the
 * cached value is the one the uncached accessor gave (the header value, folds unfolded; the tag and
 * branch as written), over the torture corpus, and absent values stay {@code null}; so are the
 * From, To, Call-ID and CSeq header values, which are their index lines'.
 */
class RoutingValueCacheTest {

  @Test
  void theCachedValuesAreTheHeaderValuesOverTheTortureCorpus() {
    SipParser parser = new SipParser();
    int seen = 0;
    for (Vectors.Vector v : Vectors.all()) {
      SipMessage m = parser.parseDatagram(v.bytes());
      String callId = m.callId();
      assertThat(callId).as(v.toString()).isEqualTo(m.callId < 0 ? null : m.value(m.callId));
      assertThat(m.fromTag())
          .as(v.toString())
          .isEqualTo(m.fromTagStart < 0 ? null : m.ascii(m.fromTagStart, m.fromTagEnd));
      assertThat(m.toTag())
          .as(v.toString())
          .isEqualTo(m.toTagStart < 0 ? null : m.ascii(m.toTagStart, m.toTagEnd));
      assertThat(m.topViaBranch())
          .as(v.toString())
          .isEqualTo(m.branchStart < 0 ? null : m.ascii(m.branchStart, m.branchEnd));
      for (HeaderName n :
          new HeaderName[] {HeaderName.FROM, HeaderName.TO, HeaderName.CALL_ID, HeaderName.CSEQ}) {
        String h = m.header(n);
        assertThat(h).as(v + " " + n).isEqualTo(m.headerUncached(n));
        assertThat(m.header(n)).as(v + " " + n).isEqualTo(h);
      }
      for (int i = 0; i < m.headerCount(); i++) {
        assertThat(m.headerValue(i)).as(v + " line " + i).isEqualTo(m.value(i));
      }
      if (callId != null) {
        assertThat(m.callId()).isSameAs(callId);
        seen++;
      }
    }
    assertThat(seen).isGreaterThan(10);
  }

  @Test
  void aSecondAskGivesTheSameStringAndAMissingValueStaysNull() {
    String text =
        "INVITE sip:bob@example.com SIP/2.0\r\n"
            + "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK-1\r\n"
            + "Max-Forwards: 70\r\n"
            + "From: <sip:alice@example.com>;tag=a1\r\n"
            + "To: <sip:bob@example.com>\r\n"
            + "Call-ID: abc\r\n"
            + " @host\r\n"
            + "CSeq: 1 INVITE\r\n"
            + "Content-Length: 0\r\n\r\n";
    SipMessage m = new SipParser().parseDatagram(text.getBytes(StandardCharsets.UTF_8));
    assertThat(m.callId()).isEqualTo("abc @host").isSameAs(m.callId());
    assertThat(m.fromTag()).isEqualTo("a1").isSameAs(m.fromTag());
    assertThat(m.topViaBranch()).isEqualTo("z9hG4bK-1").isSameAs(m.topViaBranch());
    assertThat(m.toTag()).isNull();
    assertThat(m.toTag()).isNull();
    assertThat(m.header(HeaderName.FROM))
        .isEqualTo("<sip:alice@example.com>;tag=a1")
        .isSameAs(m.header(HeaderName.FROM));
    assertThat(m.header(HeaderName.CALL_ID)).isSameAs(m.callId());
    assertThat(m.headerValue(0))
        .isEqualTo("SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK-1")
        .isSameAs(m.headerValue(0));
    assertThat(m.header(HeaderName.CSEQ)).isEqualTo("1 INVITE").isSameAs(m.header(HeaderName.CSEQ));
  }
}
