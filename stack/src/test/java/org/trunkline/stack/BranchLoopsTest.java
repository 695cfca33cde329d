package org.trunkline.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** A branch names the loop of the layer that made it, and only this server's branches do. */
class BranchLoopsTest {
  @Test
  void everyLoopReadsBackFromItsOwnBranches() {
    BranchLoops b = new BranchLoops(40, "abcdefgh");
    for (int loop = 0; loop < 40; loop++) {
      String prefix = b.prefix(loop);
      assertThat(prefix).startsWith("z9hG4bKabcdefgh").endsWith(".");
      assertThat(b.loopOf(prefix + "1")).isEqualTo(loop);
      assertThat(b.loopOf(prefix + Long.toString(Long.MAX_VALUE, 36))).isEqualTo(loop);
    }
    assertThat(b.prefix(37)).isEqualTo("z9hG4bKabcdefgh11.");
  }

  @Test
  void anotherServersOrAPeersBranchNamesNoLoop() {
    BranchLoops b = new BranchLoops(2, "abcdefgh");
    assertThat(b.loopOf(null)).isEqualTo(-1);
    assertThat(b.loopOf("z9hG4bK-a7f3c9e2b1d04f68")).isEqualTo(-1);
    assertThat(b.loopOf(new BranchLoops(2, "abcdefgx").prefix(1) + "5")).isEqualTo(-1);
    assertThat(b.loopOf("z9hG4bKabcdefgh01")).as("no dot, no counter").isEqualTo(-1);
    assertThat(b.loopOf("z9hG4bKabcdefgh0-.1")).as("not a digit").isEqualTo(-1);
    assertThat(b.loopOf(new BranchLoops(3, "abcdefgh").prefix(2) + "1"))
        .as("a loop this server does not have")
        .isEqualTo(-1);
  }

  @Test
  void randomTokensTellServersApart() {
    String one = new BranchLoops(2).prefix(0);
    String two = new BranchLoops(2).prefix(0);
    assertThat(one).hasSize(7 + BranchLoops.TOKEN_LENGTH + 3).isNotEqualTo(two);
    assertThatThrownBy(() -> new BranchLoops(BranchLoops.MAX_LOOPS + 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new BranchLoops(2).prefix(2))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void everyLoopReadsBackFromItsOwnTags() {
    BranchLoops b = new BranchLoops(40, "abcdefgh", "tagtoken");
    for (int loop = 0; loop < 40; loop++) {
      String prefix = b.tagPrefix(loop);
      assertThat(prefix).startsWith("tagtoken").hasSize(10).matches("[0-9a-z]+");
      assertThat(b.loopOfTag(prefix + "tl1x")).isEqualTo(loop);
      assertThat(b.loopOf("z9hG4bK" + prefix + ".1")).as("a tag is no branch").isEqualTo(-1);
    }
    assertThat(b.tagPrefix(37)).isEqualTo("tagtoken11");
    assertThat(b.tagToken()).isEqualTo("tagtoken");
  }

  @Test
  void aPeersOrAnotherServersTagNamesNoLoop() {
    BranchLoops b = new BranchLoops(2, "abcdefgh", "tagtoken");
    assertThat(b.loopOfTag(null)).isEqualTo(-1);
    assertThat(b.loopOfTag("tagtoken0")).as("one digit").isEqualTo(-1);
    assertThat(b.loopOfTag("a1b2c3d4e5f6")).isEqualTo(-1);
    assertThat(b.loopOfTag("tagtokex01abc")).isEqualTo(-1);
    assertThat(b.loopOfTag("tagtoken0-abc")).as("not a digit").isEqualTo(-1);
    assertThat(b.loopOfTag("tagtoken02abc")).as("a loop this server does not have").isEqualTo(-1);
    assertThat(b.loopOfTag(b.mark().substring(7) + "01abc")).as("the branch token").isEqualTo(-1);
    assertThat(new BranchLoops(2).tagToken()).isNotEqualTo(new BranchLoops(2).tagToken());
    assertThatThrownBy(() -> new BranchLoops(2, "abcdefgh", "abcdefgh"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
