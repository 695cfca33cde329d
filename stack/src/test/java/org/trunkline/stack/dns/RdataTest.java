package org.trunkline.stack.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RdataTest {

  /** Encodes a name as uncompressed labels. */
  static byte[] name(String dotted) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    if (!dotted.equals(".")) {
      for (String label : dotted.split("\\.")) {
        out.write(label.length());
        out.writeBytes(label.getBytes(StandardCharsets.US_ASCII));
      }
    }
    out.write(0);
    return out.toByteArray();
  }

  static byte[] characterString(String s) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(s.length());
    out.writeBytes(s.getBytes(StandardCharsets.US_ASCII));
    return out.toByteArray();
  }

  static byte[] u16(int v) {
    return new byte[] {(byte) (v >> 8), (byte) v};
  }

  static ByteBuf concat(byte[]... parts) {
    ByteBuf b = Unpooled.buffer();
    for (byte[] p : parts) {
      b.writeBytes(p);
    }
    return b;
  }

  @Test
  void srvFieldsInOrder() {
    ByteBuf rdata = concat(u16(10), u16(60), u16(5070), name("Sip1.Example.TEST"));
    assertThat(SrvRecord.decode(rdata)).isEqualTo(new SrvRecord(10, 60, 5070, "sip1.example.test"));
  }

  @Test
  void srvRootTargetMeansUnavailable() {
    SrvRecord r = SrvRecord.decode(concat(u16(0), u16(0), u16(0), name(".")));
    assertThat(r.unavailable()).isTrue();
  }

  @Test
  void naptrFieldsInOrder() {
    ByteBuf rdata =
        concat(
            u16(50),
            u16(51),
            characterString("S"),
            characterString("SIP+D2T"),
            characterString(""),
            name("_sip._tcp.example.test"));
    NaptrRecord r = NaptrRecord.decode(rdata);
    assertThat(r).isEqualTo(new NaptrRecord(50, 51, "S", "SIP+D2T", "", "_sip._tcp.example.test"));
    assertThat(r.sipTransport()).isEqualTo(SipTransport.TCP);
  }

  @Test
  void naptrWithAnotherServiceOrARegexpIsNotForSip() {
    assertThat(new NaptrRecord(1, 1, "s", "SIP+D2S", "", "x.test").sipTransport()).isNull();
    assertThat(new NaptrRecord(1, 1, "u", "SIP+D2U", "!^.*$!sip:a@b!", ".").sipTransport())
        .isNull();
    assertThat(new NaptrRecord(1, 1, "s", "sips+d2t", "", "x.test").sipTransport())
        .isEqualTo(SipTransport.TLS);
  }

  @Test
  void compressedTargetIsFollowedInsideTheMessage() {
    // a "message" holding example.test at offset 0, then an SRV RDATA whose target is
    // "sip1" + pointer to offset 0; Netty hands over a view with the indexes around the RDATA
    byte[] earlier = name("example.test");
    ByteBuf message =
        concat(
            earlier, u16(1), u16(2), u16(5060), new byte[] {4, 's', 'i', 'p', '1', (byte) 0xC0, 0});
    ByteBuf view = message.duplicate().setIndex(earlier.length, message.writerIndex());
    assertThat(SrvRecord.decode(view).target()).isEqualTo("sip1.example.test");
  }

  @Test
  void pointerLoopIsRejected() {
    ByteBuf message = concat(u16(1), u16(2), u16(5060), new byte[] {(byte) 0xC0, 6});
    assertThatThrownBy(() -> SrvRecord.decode(message))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("pointer loop");
  }

  @Test
  void truncatedOrTrailingDataIsRejected() {
    assertThatThrownBy(() -> SrvRecord.decode(concat(u16(1), u16(2))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("too short");
    assertThatThrownBy(
            () -> SrvRecord.decode(concat(u16(1), u16(2), u16(3), name("a.test"), u16(9))))
        .hasMessageContaining("2 bytes after the last field");
    assertThatThrownBy(() -> SrvRecord.decode(concat(u16(1), u16(2), u16(3), new byte[] {9, 'a'})))
        .hasMessageContaining("label runs past");
  }
}
