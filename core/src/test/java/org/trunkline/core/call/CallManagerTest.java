package org.trunkline.core.call;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The string helpers the call manager runs on every INVITE. */
class CallManagerTest {
  @Test
  void visualSeparatorsLeaveTheCalledNumber() {
    assertThat(CallManager.withoutSeparators("+7 (495) 123-45.67")).isEqualTo("+74951234567");
    assertThat(CallManager.withoutSeparators("-.() ")).isEmpty();
    assertThat(CallManager.withoutSeparators("*21#")).isEqualTo("*21#");
    String plain = "+74951234567";
    assertThat(CallManager.withoutSeparators(plain))
        .as("nothing to take out: no copy")
        .isSameAs(plain);
  }

  @Test
  void onlyAnAddressIsANumericHost() {
    assertThat(CallManager.hasNumericHost("sip:127.0.0.1:5090")).isTrue();
    assertThat(CallManager.hasNumericHost("sip:+7495@192.0.2.10;transport=tcp")).isTrue();
    assertThat(CallManager.hasNumericHost("sip:[2001:db8::1]:5060")).isTrue();
    assertThat(CallManager.hasNumericHost("sip:carrier.example.com")).isFalse();
    assertThat(CallManager.hasNumericHost("sip:10.0.0.example.com")).isFalse();
    assertThat(CallManager.hasNumericHost("sip:1.2.3")).isFalse();
    assertThat(CallManager.hasNumericHost("not a uri")).isFalse();
  }
}
