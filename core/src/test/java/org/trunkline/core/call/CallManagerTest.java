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
  void aBLegCallIdIsWrittenAndHashedAsItsString() {
    // the B-leg Call-ID is picked by its String hash before the String is made: both must be the
    // old Long.toString(n, 36) + "@trunkline" and its hashCode, for every n >= 0
    java.util.Random rnd = new java.util.Random(18);
    byte[] id = new byte[CallManager.CALL_ID_MAX];
    long[] edges = {0, 1, 35, 36, 1295, 1296, Long.MAX_VALUE, Long.MAX_VALUE - 1};
    for (int i = 0; i < 20_000 + edges.length; i++) {
      long n = i < edges.length ? edges[i] : rnd.nextLong() >>> (1 + rnd.nextInt(63));
      String expected = Long.toString(n, 36) + "@trunkline";
      int len = CallManager.writeCallId(n, id);
      assertThat(new String(id, 0, len, java.nio.charset.StandardCharsets.ISO_8859_1))
          .isEqualTo(expected);
      assertThat(CallManager.latin1Hash(id, len)).isEqualTo(expected.hashCode());
    }
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
