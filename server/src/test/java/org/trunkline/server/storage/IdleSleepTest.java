package org.trunkline.server.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

class IdleSleepTest {
  private static final long HOUR = TimeUnit.HOURS.toNanos(1);

  @Test
  void gatherDoesNotNapOnceTheWriterIsStopping() throws InterruptedException {
    IdleSleep idle = new IdleSleep(() -> false);
    AtomicBoolean stopping = new AtomicBoolean(true);
    AtomicBoolean result = new AtomicBoolean();
    // close()'s unpark already spent (by the idle sleep's park): only the flag can end the nap
    Thread writer =
        Thread.ofPlatform()
            .daemon()
            .start(() -> {
              LockSupport.unpark(Thread.currentThread());
              LockSupport.park();
              result.set(idle.gather(HOUR, stopping::get));
            });
    writer.join(Duration.ofSeconds(10));
    assertThat(writer.isAlive()).as("napped an hour though stopping").isFalse();
    assertThat(result).isTrue();
  }

  @Test
  void gatherNapsUntilUnparked() {
    IdleSleep idle = new IdleSleep(() -> false);
    AtomicBoolean result = new AtomicBoolean();
    Thread writer =
        Thread.ofPlatform().daemon().start(() -> result.set(idle.gather(HOUR, () -> false)));
    await().until(() -> writer.getState() == Thread.State.TIMED_WAITING);
    LockSupport.unpark(writer);
    await().until(() -> !writer.isAlive());
    assertThat(result).isTrue();
  }

  @Test
  void gatherSaysFalseWhenInterrupted() {
    IdleSleep idle = new IdleSleep(() -> false);
    AtomicBoolean result = new AtomicBoolean(true);
    Thread writer =
        Thread.ofPlatform().daemon().start(() -> result.set(idle.gather(HOUR, () -> false)));
    await().until(() -> writer.getState() == Thread.State.TIMED_WAITING);
    writer.interrupt();
    await().until(() -> !writer.isAlive());
    assertThat(result).isFalse();
  }
}
