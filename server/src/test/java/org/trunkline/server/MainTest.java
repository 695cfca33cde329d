package org.trunkline.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MainTest {
  private final String before = System.getProperty(Main.LEAK_DETECTION);

  @AfterEach
  void restore() {
    if (before == null) {
      System.clearProperty(Main.LEAK_DETECTION);
    } else {
      System.setProperty(Main.LEAK_DETECTION, before);
    }
  }

  @Test
  void theServerTurnsNettysLeakSamplingOffUnlessTheCommandLineSetIt() {
    System.clearProperty(Main.LEAK_DETECTION);
    Main.serverDefaults();
    assertThat(System.getProperty(Main.LEAK_DETECTION)).isEqualTo("disabled");

    System.setProperty(Main.LEAK_DETECTION, "paranoid");
    Main.serverDefaults();
    assertThat(System.getProperty(Main.LEAK_DETECTION)).isEqualTo("paranoid");
  }
}
