package org.trunkline.stack;

import java.util.concurrent.ThreadLocalRandom;

/**
 * The event loop that owns a client transaction, written into the branch of the request's top Via
 * (§8.1.1.7: the branch is ours to make unique) and read back from the response's top Via (§18.1.2:
 * a response carries our Via on top): a response goes straight to its transaction's loop without
 * looking up its Call-ID, whichever socket the kernel gave it to.
 *
 * <p>A branch of loop {@code i} starts with {@code z9hG4bK}, this server's random {@link
 * #TOKEN_LENGTH} characters and {@code i} in two base-36 digits, then a dot; a branch without this
 * server's token (another server's, a peer's stray response, a test's hand-made one) names no loop.
 *
 * <p>The tags we make where a dialog may follow (our To tag in answers to an INVITE, the From tag
 * of a B-leg) carry the loop the same way ({@link #tagPrefix}): a second random token of {@link
 * #TOKEN_LENGTH} characters, then the loop in two base-36 digits, then the tag's own random or
 * derived part (§19.3). The peer echoes our tag in the To of every request inside the dialog
 * (§12.2.1.1), so the kernel can give such a request to the socket of the call's loop ({@link
 * ReuseportSteering}) whichever socket the peer's 4-tuple hashes to. A token of its own keeps a tag
 * from being taken for a branch and back.
 *
 * <p>Immutable, thread-safe.
 */
final class BranchLoops {
  static final String MAGIC_COOKIE = "z9hG4bK";

  /** Random base-36 characters that tell this server's branches from any other's. */
  static final int TOKEN_LENGTH = 8;

  /** Base-36 digits of the loop index: up to 1,296 loops. */
  private static final int LOOP_DIGITS = 2;

  static final int MAX_LOOPS = 36 * 36;

  private final String mark;
  private final String tagToken;
  private final int loops;

  /** For {@code loops} event loops, with random tokens. */
  BranchLoops(int loops) {
    this(loops, randomToken());
  }

  BranchLoops(int loops, String token) {
    this(loops, token, randomTokenBut(token));
  }

  /**
   * @param token what this server's branches carry after the magic cookie
   * @param tagToken what this server's marked tags start with
   */
  BranchLoops(int loops, String token, String tagToken) {
    if (loops < 1 || loops > MAX_LOOPS) {
      throw new IllegalArgumentException("loops: must be 1.." + MAX_LOOPS + ", got " + loops);
    }
    if (token.length() != TOKEN_LENGTH) {
      throw new IllegalArgumentException("token: " + TOKEN_LENGTH + " characters, got " + token);
    }
    if (tagToken.length() != TOKEN_LENGTH || tagToken.equals(token)) {
      throw new IllegalArgumentException(
          "tag token: "
              + TOKEN_LENGTH
              + " characters other than the branch token, got "
              + tagToken);
    }
    this.mark = MAGIC_COOKIE + token;
    this.tagToken = tagToken;
    this.loops = loops;
  }

  /** What every branch of this server starts with: the magic cookie and the token. */
  String mark() {
    return mark;
  }

  /** The branch prefix of the transaction layer on loop {@code loop}; a counter follows it. */
  String prefix(int loop) {
    if (loop < 0 || loop >= loops) {
      throw new IllegalArgumentException("loop " + loop + " of " + loops);
    }
    return mark + Character.forDigit(loop / 36, 36) + Character.forDigit(loop % 36, 36) + ".";
  }

  /** What every marked tag of this server starts with. */
  String tagToken() {
    return tagToken;
  }

  /**
   * What the tags of the transaction layer on loop {@code loop} start with ({@link
   * org.trunkline.stack.transaction.TransactionLayer#tagPrefix}): the tag token and the loop in two
   * base-36 digits; the tag's own part follows.
   */
  String tagPrefix(int loop) {
    if (loop < 0 || loop >= loops) {
      throw new IllegalArgumentException("loop " + loop + " of " + loops);
    }
    return tagToken + Character.forDigit(loop / 36, 36) + Character.forDigit(loop % 36, 36);
  }

  /** The loop whose layer made {@code tag}, or -1 if this server did not mark it. */
  int loopOfTag(String tag) {
    int at = tagToken.length();
    if (tag == null || tag.length() <= at + LOOP_DIGITS || !tag.startsWith(tagToken)) {
      return -1;
    }
    return loopAt(tag, at);
  }

  /** The loop whose layer made {@code branch}, or -1 if this server did not make it. */
  int loopOf(String branch) {
    int at = mark.length();
    if (branch == null
        || branch.length() <= at + LOOP_DIGITS
        || branch.charAt(at + LOOP_DIGITS) != '.'
        || !branch.startsWith(mark)) {
      return -1;
    }
    return loopAt(branch, at);
  }

  /** The two base-36 digits of {@code s} at {@code at} as a loop of this server, else -1. */
  private int loopAt(String s, int at) {
    int hi = Character.digit(s.charAt(at), 36);
    int lo = Character.digit(s.charAt(at + 1), 36);
    int loop = hi * 36 + lo;
    return hi < 0 || lo < 0 || loop >= loops ? -1 : loop;
  }

  private static String randomTokenBut(String other) {
    String t = randomToken();
    while (t.equals(other)) {
      t = randomToken();
    }
    return t;
  }

  private static String randomToken() {
    StringBuilder sb = new StringBuilder(TOKEN_LENGTH);
    ThreadLocalRandom r = ThreadLocalRandom.current();
    for (int i = 0; i < TOKEN_LENGTH; i++) {
      sb.append(Character.forDigit(r.nextInt(36), 36));
    }
    return sb.toString();
  }
}
