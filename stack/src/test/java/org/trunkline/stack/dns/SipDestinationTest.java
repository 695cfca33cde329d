package org.trunkline.stack.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.trunkline.sip.SipUri;
import org.trunkline.sip.UriParser;

class SipDestinationTest {

  private static SipDestination of(String uri) {
    return SipDestination.of((SipUri) UriParser.parse(uri));
  }

  @Test
  void hostPortAndTransportComeFromTheUri() {
    assertThat(of("sip:+4930123@carrier.test:5070;transport=TCP"))
        .isEqualTo(new SipDestination("carrier.test", 5070, SipTransport.TCP, false));
    assertThat(of("sip:carrier.test"))
        .isEqualTo(new SipDestination("carrier.test", -1, null, false));
  }

  @Test
  void maddrIsTheTarget() {
    // RFC 3263 §4: TARGET is maddr when present
    assertThat(of("sip:alice@carrier.test;maddr=192.0.2.9").host()).isEqualTo("192.0.2.9");
  }

  @Test
  void sipsWithTcpMeansTls() {
    assertThat(of("sips:carrier.test;transport=tcp").transport()).isEqualTo(SipTransport.TLS);
    assertThat(of("sips:[2001:db8::1]").bareHost()).isEqualTo("2001:db8::1");
    assertThat(of("sips:carrier.test").transportOrDefault()).isEqualTo(SipTransport.TLS);
    assertThat(of("sip:carrier.test").transportOrDefault()).isEqualTo(SipTransport.UDP);
  }

  @Test
  void transportsWeDoNotSpeakAreRejectedByName() {
    assertThatThrownBy(() -> of("sip:carrier.test;transport=sctp"))
        .hasMessage("sip:carrier.test;transport=sctp: unsupported transport=sctp");
    assertThatThrownBy(() -> of("sips:carrier.test;transport=udp"))
        .hasMessage("sips:carrier.test: transport=udp is not secure");
  }
}
