package org.trunkline.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.BindException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.trunkline.stack.ListenPoint;
import org.trunkline.stack.Transport;

class BindFailureTest {
  private static final ListenPoint UDP = new ListenPoint(Transport.UDP, "127.0.0.1", 5060);
  private static final ListenPoint TCP = new ListenPoint(Transport.TCP, "127.0.0.1", 5060);

  @Test
  void namesThePointTheStackNamed() {
    IOException e =
        new BindException(
            "sip:127.0.0.1:5060;transport=tcp: bind(..) failed: Address already in use");

    assertThat(BindFailure.describe(List.of(UDP, TCP), e))
        .isEqualTo("cannot bind sip:127.0.0.1:5060;transport=tcp: Address already in use");
  }

  @Test
  void doesNotRepeatCannotBind() {
    IOException e =
        new BindException("cannot bind sip:127.0.0.1:5060;transport=udp: Permission denied");

    assertThat(BindFailure.describe(List.of(UDP, TCP), e))
        .isEqualTo("cannot bind sip:127.0.0.1:5060;transport=udp: Permission denied");
  }

  @Test
  void namesTheOnlyPoint() {
    assertThat(BindFailure.describe(List.of(UDP), new BindException("Address already in use")))
        .isEqualTo("cannot bind sip:127.0.0.1:5060;transport=udp: Address already in use");
  }

  @Test
  void listsTheCandidatesWhenTheStackDidNotSayWhich() {
    assertThat(BindFailure.describe(List.of(UDP, TCP), new BindException()))
        .isEqualTo(
            "cannot bind one of sip:127.0.0.1:5060;transport=udp, sip:127.0.0.1:5060;transport=tcp:"
                + " BindException");
  }
}
